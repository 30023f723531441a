import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { scopedJoin } from './scoped-path';

/**
 * Extracts a tar archive into `dest` (a directory under `scope`) as Docker's Untar does for
 * `cp`. Hostile entries cannot leave `scope`: "../" names are refused, absolute names are
 * re-rooted at dest, parents are resolved within scope (a symlink met on the way points
 * back into scope, never outside), hard links must name a file inside dest, and device
 * nodes are refused. Files are created with O_EXCL|O_NOFOLLOW.
 */

export interface ExtractOptions {
  /** the root no path may leave (the container's rootfs, or dest itself) */
  scope: string;
  /** Docker's NoOverwriteDirNonDir */
  noOverwriteDirNonDir: boolean;
  /** keep the extracting user's ownership (the CLI side) */
  noLchown?: boolean;
  /** owner for everything (copyUIDGID with a container user) */
  chown?: { uid: number; gid: number };
  /** Rewrites each entry name before extraction (cp's rebase); null skips the entry. */
  rename?: (name: string) => string | null;
}

export class ExtractError extends Error {}

function clean(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new ExtractError(`invalid tar entry "${name}": path escapes the destination`);
  return parts;
}

function lstatOrNull(p: string): fs.Stats | null {
  try { return fs.lstatSync(p); } catch { return null; }
}

export async function extractTar(input: Readable, dest: string, opts: ExtractOptions): Promise<void> {
  const extract = tarStream.extract();
  const dirTimes: [string, Date][] = [];
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract as unknown as NodeJS.WritableStream);
  for await (const entry of extract) {
    const header = entry.header;
    const name = opts.rename ? opts.rename(header.name) : header.name;
    if (name === null) { entry.resume(); continue; }
    const parts = clean(name);
    const type = header.type ?? 'file';
    if (parts.length === 0) {
      // the root of the archive: dest itself, which exists as a directory
      entry.resume();
      if (type !== 'directory' && opts.noOverwriteDirNonDir) throw new ExtractError(`cannot overwrite directory "${dest}" with non-directory "${name}"`);
      continue;
    }
    const parent = parts.length > 1 ? scopedJoin(opts.scope, path.join(path.relative(opts.scope, dest), ...parts.slice(0, -1))) : dest;
    if (!parent.startsWith(path.resolve(opts.scope))) throw new ExtractError(`invalid tar entry "${name}": outside of the destination`);
    fs.mkdirSync(parent, { recursive: true, mode: 0o755 });
    const target = path.join(parent, parts[parts.length - 1]);
    const existing = lstatOrNull(target);
    if (existing) {
      if (opts.noOverwriteDirNonDir && existing.isDirectory() && type !== 'directory') {
        throw new ExtractError(`cannot overwrite directory "${parts.join('/')}" with non-directory "${name}"`);
      }
      if (opts.noOverwriteDirNonDir && !existing.isDirectory() && type === 'directory') {
        throw new ExtractError(`cannot overwrite non-directory "${parts.join('/')}" with directory "${name}"`);
      }
      if (!(existing.isDirectory() && type === 'directory')) fs.rmSync(target, { recursive: true, force: true });
    }
    const mode = (header.mode ?? 0o644) & 0o7777;
    switch (type) {
      case 'file':
      case 'contiguous-file': {
        await writeNewFile(target, entry, header.size ?? -1);
        break;
      }
      case 'directory':
        entry.resume();
        // a directory over a file (removed above) is made anew
        if (!existing?.isDirectory()) fs.mkdirSync(target, { mode: 0o700 });
        dirTimes.push([target, header.mtime ?? new Date()]);
        break;
      case 'symlink':
        entry.resume();
        fs.symlinkSync(header.linkname ?? '', target);
        break;
      case 'link': {
        entry.resume();
        const linkname = (opts.rename ? opts.rename(header.linkname ?? '') : header.linkname) ?? '';
        const linkParts = clean(linkname);
        const src = linkParts.length > 1
          ? path.join(scopedJoin(opts.scope, path.join(path.relative(opts.scope, dest), ...linkParts.slice(0, -1))), linkParts[linkParts.length - 1])
          : path.join(dest, ...linkParts);
        const st = linkParts.length ? lstatOrNull(src) : null;
        if (!st || st.isDirectory() || !src.startsWith(path.resolve(opts.scope))) {
          throw new ExtractError(`invalid hardlink "${name}" -> "${linkname}"`);
        }
        fs.linkSync(src, target);
        continue;
      }
      case 'character-device':
      case 'block-device':
        entry.resume();
        throw new ExtractError(`invalid tar entry "${name}": device nodes are not allowed`);
      default:
        // FIFOs and other special entries are not created
        entry.resume();
        continue;
    }
    if (!opts.noLchown) {
      const owner = opts.chown ?? { uid: header.uid ?? 0, gid: header.gid ?? 0 };
      fs.lchownSync(target, owner.uid, owner.gid);
    }
    if (type !== 'symlink') fs.chmodSync(target, mode);
    if (type !== 'directory') {
      const t = header.mtime ?? new Date();
      fs.lutimesSync(target, t, t);
    }
  }
  for (const [p, t] of dirTimes.reverse()) fs.utimesSync(p, t, t);
}

/** entries up to this size are written synchronously once their bytes are in */
const SMALL_FILE = 256 * 1024;

/**
 * Writes a tar entry's content to a file that must not exist yet (O_EXCL) and must not be a
 * symlink (O_NOFOLLOW): an entry can never write through a link planted by an earlier one.
 * Created with `mode` (less the umask); owner, set-id bits and times are the caller's to set.
 */
export async function writeNewFile(target: string, content: AsyncIterable<unknown>, size = -1, mode = 0o600): Promise<void> {
  if (size >= 0 && size <= SMALL_FILE) {
    // small files (most of a layer): gathered, then written with three plain syscalls
    // instead of a thread-pool round trip for each of open, write and close
    const chunks: Buffer[] = [];
    for await (const chunk of content) chunks.push(chunk as Buffer);
    const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
    try {
      for (const c of chunks) fs.writeSync(fd, c);
    } finally {
      fs.closeSync(fd);
    }
    return;
  }
  const fh = await fs.promises.open(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
  try {
    for await (const chunk of content) await fh.write(chunk as Buffer);
  } finally {
    await fh.close();
  }
}
