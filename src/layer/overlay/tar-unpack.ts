import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidParameterError } from '../../util/errors';
import { writeNewFile } from '../../util/archive';
import { decompressWith, makeFifos, makeWhiteouts, setXattrs } from './host-tools';
import { type TarHeader, TarReader } from '../../util/archive/tar-reader';
import type { TarSplitWriter } from './tar-split';

/**
 * Unpacks a layer tar into an (empty, private) directory the way overlay2 stores layers:
 * ".wh.NAME" becomes a 0/0 character device, ".wh..wh..opq" the trusted.overlay.opaque
 * xattr. Everything is created under `root` without following symlinks: a parent that is
 * a symlink, a ".." component, a hard link leaving the layer or a device node is refused.
 */

const WH_PREFIX = '.wh.';
const WH_META_PREFIX = '.wh..wh.';
const WH_OPAQUE = '.wh..wh..opq';

export interface UnpackResult {
  /** "sha256:<hex>" of the uncompressed tar stream */
  diffId: string;
  /** bytes of regular file content (hard links counted once) */
  size: number;
}

function hostile(msg: string): InvalidParameterError {
  return new InvalidParameterError(msg);
}

/** Splits an entry name into clean components; absolute names are re-rooted. */
export function cleanComponents(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw hostile(`invalid tar entry "${name}": path escapes the layer`);
  return parts;
}

/** Buffers pass as they are (no copy of every chunk); strings are encoded. */
function asBuffer(v: Buffer | string): Buffer {
  return typeof v === 'string' ? Buffer.from(v) : v;
}

/** Looks at the first bytes: gzip, xz and zstd are inflated, bzip2 is refused, else plain. */
export async function decompressedTar(input: Readable): Promise<Readable> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let len = 0;
  let done = false;
  while (len < 6) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    const b = asBuffer(r.value);
    chunks.push(b);
    len += b.length;
  }
  const head = Buffer.concat(chunks);
  const starts = (...bytes: number[]): boolean => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
  if (starts(0x42, 0x5a, 0x68)) throw hostile('unsupported compression format: bzip2');
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    while (!done) {
      const r = await it.next();
      if (r.done) return;
      yield asBuffer(r.value);
    }
  }
  const raw = Readable.from(all(), { objectMode: false });
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return decompressWith('xz', raw);
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return decompressWith('zstd', raw);
  if (!starts(0x1f, 0x8b)) return raw;
  // 1 MiB output chunks: zlib's 16 KiB default means a thread-pool hand-off per 16 KiB
  return pipeline(raw, createGunzip({ chunkSize: 1 << 20 }), () => { /* errors reach the consumer through the last stream */ });
}

const IS_ROOT = process.getuid?.() === 0;
/** the process's umask (set back at once: nothing runs in between) */
function currentUmask(): number {
  const u = process.umask(0o022);
  process.umask(u);
  return u;
}

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

class Unpacker {
  private size = 0;
  private readonly whiteouts = new Set<string>();
  private readonly opaque = new Set<string>();
  private readonly fifos: { rel: string; header: TarHeader }[] = [];
  private readonly dirTimes: [string, Date][] = [];

  /**
   * `keep(rel)` is asked before an earlier entry's file is removed (a later entry replaces
   * it): true when it moved it away itself (its bytes are still needed).
   */
  constructor(private readonly root: string, private readonly keep: (rel: string) => boolean = () => false) {}

  private readonly umask = currentUmask();
  /** set when the entry's file was just created (by writeNewFile) */
  private created = false;
  /** directories given the set-gid bit: files created in them inherit the group */
  private readonly setgidDirs = new Set<string>();
  /** directories (relative) this unpack made or checked: no lstat for them again */
  private readonly knownDirs = new Set<string>();

  /** Makes every parent of `parts` a real directory inside root; never follows a symlink. */
  private ensureParents(name: string, parts: string[], create = true): void {
    let p = this.root;
    let rel = '';
    for (let i = 0; i < parts.length - 1; i++) {
      p = path.join(p, parts[i]);
      rel = rel ? `${rel}/${parts[i]}` : parts[i];
      if (this.knownDirs.has(rel)) continue;
      const st = lstatOrNull(p);
      if (st?.isDirectory()) this.knownDirs.add(rel);
      if (!st && !create) return;
      if (!st) { fs.mkdirSync(p, { mode: 0o755 }); this.knownDirs.add(rel); }
      else if (st.isSymbolicLink()) throw hostile(`invalid tar entry "${name}": parent "${parts.slice(0, i + 1).join('/')}" is a symbolic link`);
      else if (!st.isDirectory()) throw hostile(`invalid tar entry "${name}": parent "${parts.slice(0, i + 1).join('/')}" is not a directory`);
    }
  }

  /** Returns the path (relative) of the file now holding the entry's content, if any; content it did not read is left for the caller. */
  async entry(header: TarHeader, body: AsyncIterable<unknown>): Promise<string | null> {
    const type = header.type ?? 'file';
    const parts = cleanComponents(header.name);
    const base = parts[parts.length - 1] ?? '';
    if (parts.length > 1 && parts[0].startsWith(WH_META_PREFIX)) {
      // aufs metadata (.wh..wh.plnk, .wh..wh.aufs): not part of the filesystem
      return null;
    }
    if (parts.length === 0 || base.startsWith(WH_PREFIX)) {
      // the root's own entry is skipped, as Docker does: the layer root stays 0755
      if (parts.length === 0) return null;
      this.ensureParents(header.name, parts);
      const dir = parts.slice(0, -1).join('/');
      if (base === WH_OPAQUE) this.opaque.add(dir || '.');
      else if (!base.startsWith(WH_META_PREFIX)) this.whiteouts.add([...parts.slice(0, -1), base.slice(WH_PREFIX.length)].join('/'));
      return null;
    }
    this.ensureParents(header.name, parts);
    const rel = parts.join('/');
    const target = path.join(this.root, rel);
    const existing = lstatOrNull(target);
    if (existing && !(type === 'directory' && existing.isDirectory())) {
      if (!this.keep(rel)) fs.rmSync(target, { recursive: true, force: true });
      if (existing.isDirectory()) this.forgetDirs(rel);
    }
    this.whiteouts.delete(rel);
    const mode = (header.mode ?? 0o644) & 0o7777;
    let holder: string | null = null;
    switch (type) {
      case 'file':
      case 'contiguous-file': {
        // created with its permission bits: applyMetadata then skips a chmod when the umask kept them
        await writeNewFile(target, body, header.size ?? -1, mode & 0o777);
        this.created = true;
        this.size += header.size ?? 0;
        holder = rel;
        break;
      }
      case 'directory':
        // a directory over a file (removed above) is made anew
        if (!existing?.isDirectory()) fs.mkdirSync(target, { mode: 0o700 });
        this.knownDirs.add(rel);
        this.dirTimes.push([target, header.mtime ?? new Date(0)]);
        break;
      case 'symlink':
        fs.symlinkSync(header.linkname ?? '', target);
        break;
      case 'link': {
        const linkParts = cleanComponents(header.linkname ?? '');
        if (linkParts.length === 0) throw hostile(`invalid hardlink "${header.name}" -> "${header.linkname}"`);
        this.ensureParents(header.name, linkParts, false);
        const src = path.join(this.root, ...linkParts);
        const st = lstatOrNull(src);
        if (!st || st.isDirectory()) throw hostile(`invalid hardlink "${header.name}" -> "${header.linkname}": target is not a file in this layer`);
        fs.linkSync(src, target);
        return null; // a hard link shares its target's metadata
      }
      case 'character-device':
        // a 0/0 character device already is an overlay whiteout; any other device is refused
        if (header.devmajor === 0 && header.devminor === 0) { this.whiteouts.add(rel); return null; }
        throw hostile(`invalid tar entry "${header.name}": device nodes are not allowed in layers`);
      case 'block-device':
        throw hostile(`invalid tar entry "${header.name}": device nodes are not allowed in layers`);
      case 'fifo':
        this.fifos.push({ rel, header });
        return null;
      default:
        return null;
    }
    this.applyMetadata(target, type === 'symlink', header, mode);
    return holder;
  }

  /** a set-gid directory above `rel` (implicit subdirectories inherit the bit): its group is inherited */
  private underSetgid(rel: string): boolean {
    if (this.setgidDirs.size === 0) return false;
    for (let d = path.dirname(rel); d !== '.' && d !== '/'; d = path.dirname(d)) if (this.setgidDirs.has(d)) return true;
    return false;
  }

  /** a directory replaced by another entry: it and what was below it are unknown again */
  private forgetDirs(rel: string): void {
    for (const d of this.knownDirs) if (d === rel || d.startsWith(`${rel}/`)) this.knownDirs.delete(d);
  }

  private applyMetadata(target: string, isLink: boolean, header: TarHeader, mode: number): void {
    const fresh = this.created;
    this.created = false;
    const uid = header.uid ?? 0;
    const gid = header.gid ?? 0;
    const rel = path.relative(this.root, target);
    if (header.type === 'directory' && (mode & 0o2000)) this.setgidDirs.add(rel);
    // a file this unpack just created as root is root's already, unless a set-gid parent gave it its group
    const owned = fresh && uid === 0 && gid === 0 && IS_ROOT && !this.underSetgid(rel);
    if (!owned) fs.lchownSync(target, uid, gid);
    // chmod after chown: chown clears set-id bits; a fresh file has its bits unless the umask took some
    if (!isLink && !(owned && (mode & 0o7000) === 0 && (mode & this.umask) === 0)) fs.chmodSync(target, mode);
    if (header.type !== 'directory') {
      const t = header.mtime ?? new Date(0);
      fs.lutimesSync(target, t, t);
    }
  }

  /**
   * Whiteouts, opaque markers and FIFOs in batches, then directory times deepest first.
   * A later entry may have turned a recorded directory into a symlink: check again.
   */
  async finish(): Promise<number> {
    for (const p of [...this.whiteouts, ...this.fifos.map((f) => f.rel)]) this.ensureParents(p, p.split('/'));
    for (const p of this.opaque) if (p !== '.') this.ensureParents(p, [...p.split('/'), '']);
    const wh = [...this.whiteouts].filter((p) => !lstatOrNull(path.join(this.root, p)));
    await makeWhiteouts(this.root, wh);
    await makeFifos(this.root, this.fifos.map((f) => f.rel));
    for (const f of this.fifos) this.applyMetadata(path.join(this.root, f.rel), false, f.header, (f.header.mode ?? 0o644) & 0o7777);
    await setXattrs(this.root, [...this.opaque].map((p) => ({ path: p, name: 'trusted.overlay.opaque', value: 'y' })));
    const depth = (p: string): number => p.split('/').length;
    for (const [p, t] of [...this.dirTimes].sort((a, b) => depth(b[0]) - depth(a[0]))) fs.utimesSync(p, t, t);
    return this.size;
  }
}

/**
 * Unpacks `input` (plain or compressed tar) into `root`, which must exist and be empty.
 * With `split`, the tar's metadata is recorded so the tar can be rebuilt byte for byte
 * (save needs exactly the bytes whose sha256 is the diff ID); `split` must be rooted at
 * root's parent. On error the caller removes root's parent: nothing is written outside it.
 */
export async function unpackLayer(input: Readable, root: string, split?: TarSplitWriter): Promise<UnpackResult> {
  const decoded = await decompressedTar(input);
  const hash = createHash('sha256');
  async function* hashed(): AsyncGenerator<Buffer> {
    for await (const chunk of decoded) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  }
  const reader = new TarReader(hashed());
  const unpacker = new Unpacker(root, (rel) => split?.removing(rel) ?? false);
  try {
    for (let e = await reader.next(); e; e = await reader.next()) {
      split?.raw(e.raw);
      const holder = await unpacker.entry(e.header, e.body);
      if (holder !== null) split?.file(holder, e.header.size);
      else {
        const rest = await reader.rest();
        split?.content(rest);
      }
      split?.raw(await reader.endEntry());
    }
    split?.raw(reader.trailer);
  } catch (e) {
    decoded.destroy();
    input.destroy();
    throw asTarError(e);
  }
  const size = await unpacker.finish();
  return { diffId: `sha256:${hash.digest('hex')}`, size };
}

function asTarError(e: unknown): Error {
  if (e instanceof InvalidParameterError) return e;
  const err = e as NodeJS.ErrnoException;
  // a decompressor that failed before anyone listened for its error ends its output early
  if (err?.code === 'ERR_STREAM_PREMATURE_CLOSE') return new InvalidParameterError('invalid tar stream: unexpected end of data');
  if (err && (err.code?.startsWith('Z_') || /unexpected end|invalid header|Unexpected end|checksum/i.test(err.message ?? ''))) {
    return new InvalidParameterError(`invalid tar stream: ${err.message}`);
  }
  return e instanceof Error ? e : new Error(String(e));
}
