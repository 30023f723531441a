import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidParameterError } from '../../util/errors';
import { openRegular } from '../../util/open-regular';
import { readSmallFile } from '../../util/read-small';
import { makeFifos, makeWhiteouts, setXattrs } from './host-tools';
import { dataPadding, encodeHeader, type HeaderFields } from '../../util/archive/tar-header';
import type { TarSplitWriter } from './tar-split';
import type { DiffEntry } from '../rootfs';

/**
 * A container's changes made a layer in one pass (commit): each changed file of the upper
 * directory is read once, its tar header and bytes hashed (the diff ID) and recorded as
 * tar-split, and the bytes written straight into the new layer's diff/, as unpacking
 * that tar would have made it. No tar stream is produced or parsed.
 */


const IS_ROOT = process.getuid?.() === 0;
/** files up to this size are copied with plain syscalls, larger ones in chunks off the thread pool */
const SMALL_FILE = 256 * 1024;
const CHUNK = 1 << 20;

function umask(): number {
  const u = process.umask(0o022);
  process.umask(u);
  return u;
}


export async function copyDiff(upper: string, entries: DiffEntry[], root: string, split: TarSplitWriter): Promise<{ diffId: string; size: number }> {
  const hash = createHash('sha256');
  const mask = umask();
  const emit = (b: Buffer): void => { hash.update(b); split.raw(b); };
  const links = new Map<string, string>();
  const setgid = new Set<string>();
  const dirTimes: [string, number][] = [];
  const whiteouts: string[] = [];
  const fifos: { name: string; e: DiffEntry }[] = [];
  const opaque: string[] = [];
  let size = 0;

  const underSetgid = (name: string): boolean => {
    if (setgid.size === 0) return false;
    for (let d = path.posix.dirname(name); d !== '.'; d = path.posix.dirname(d)) if (setgid.has(d)) return true;
    return false;
  };
  /** owner and set-id/sticky bits a fresh entry lacks; times (seconds, as the tar has them) */
  const finish = (target: string, name: string, st: fs.Stats, isLink: boolean, fd?: number): void => {
    const mode = st.mode & 0o7777;
    const owned = st.uid === 0 && st.gid === 0 && IS_ROOT && !underSetgid(name);
    if (!owned) fs.lchownSync(target, st.uid, st.gid);
    if (!isLink && !(owned && (mode & 0o7000) === 0 && (mode & mask) === 0)) fs.chmodSync(target, mode);
    const t = Math.floor(st.mtimeMs / 1000);
    if (fd !== undefined) fs.futimesSync(fd, t, t);
    else fs.lutimesSync(target, t, t);
  };

  for (const e of entries) {
    const name = e.rel.slice(1);
    const target = path.join(root, name);
    const st = e.st;
    const base: Omit<HeaderFields, 'name' | 'type' | 'size'> = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: Math.floor(st.mtimeMs / 1000) };
    if (e.whiteout) {
      const dir = path.posix.dirname(name);
      emit(encodeHeader({ ...base, mode: st.mode & 0o777, name: `${dir === '.' ? '' : `${dir}/`}.wh.${path.posix.basename(name)}`, type: 'file', size: 0 }));
      whiteouts.push(name);
      continue;
    }
    if (st.isDirectory()) {
      emit(encodeHeader({ ...base, name: `${name}/`, type: 'directory', size: 0 }));
      // made with its permission bits: finish() then skips a chmod when the umask kept them
      fs.mkdirSync(target, { mode: st.mode & 0o777 });
      if (st.mode & 0o2000) setgid.add(name);
      finish(target, name, st, false);
      dirTimes.push([target, Math.floor(st.mtimeMs / 1000)]);
      if (e.opaque) {
        emit(encodeHeader({ name: `${name}/.wh..wh..opq`, type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: base.mtime }));
        opaque.push(name);
      }
      continue;
    }
    if (st.isSymbolicLink()) {
      const linkname = fs.readlinkSync(path.join(upper, e.rel));
      emit(encodeHeader({ ...base, name, type: 'symlink', size: 0, linkname }));
      fs.symlinkSync(linkname, target);
      finish(target, name, st, true);
      continue;
    }
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      const first = links.get(key);
      if (first !== undefined) {
        emit(encodeHeader({ ...base, name, type: 'link', size: 0, linkname: first }));
        fs.linkSync(path.join(root, first), target);
        continue;
      }
      links.set(key, name);
    }
    if (st.isFile()) {
      size += await copyFile(path.join(upper, e.rel), target, name, st, base, emit, hash, split, finish);
    } else if (st.isCharacterDevice() || st.isBlockDevice()) {
      // as the unpacker: only a 0/0 character device (a whiteout) belongs in a layer
      throw new InvalidParameterError(`invalid tar entry "${name}": device nodes are not allowed in layers`);
    } else if (st.isFIFO()) {
      emit(encodeHeader({ ...base, name, type: 'fifo', size: 0 }));
      fifos.push({ name, e });
    }
    // sockets are not archived
  }
  emit(Buffer.alloc(1024));
  await makeWhiteouts(root, whiteouts.filter((p) => !fs.existsSync(path.join(root, p))));
  await makeFifos(root, fifos.map((f) => f.name));
  for (const f of fifos) finish(path.join(root, f.name), f.name, f.e.st, false);
  await setXattrs(root, opaque.map((p) => ({ path: p, name: 'trusted.overlay.opaque', value: 'y' })));
  for (const [p, t] of dirTimes.reverse()) fs.utimesSync(p, t, t);
  return { diffId: `sha256:${hash.digest('hex')}`, size };
}

/** Copies one regular file, its header and content into the tar's hash; returns bytes copied. */
async function copyFile(
  src: string, target: string, name: string, st: fs.Stats, base: Omit<HeaderFields, 'name' | 'type' | 'size'>,
  emit: (b: Buffer) => void, hash: ReturnType<typeof createHash>, split: TarSplitWriter,
  finish: (target: string, name: string, st: fs.Stats, isLink: boolean, fd?: number) => void,
): Promise<number> {
  const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW;
  const size = st.size;
  emit(encodeHeader({ ...base, name, type: 'file', size }));
  if (size <= SMALL_FILE) {
    const buf = readSmallFile(src, size);
    hash.update(buf);
    const out = fs.openSync(target, flags, st.mode & 0o777);
    try {
      fs.writeSync(out, buf);
      finish(target, name, st, false, out);
    } finally {
      fs.closeSync(out);
    }
  } else {
    // no longer a regular file (swapped meanwhile, with --pause=false): zeros, as a shrunk file's tail
    const inp = await openRegular(src);
    const out = await fs.promises.open(target, flags, st.mode & 0o777);
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (let left = size; left > 0;) {
        const want = Math.min(CHUNK, left);
        let { bytesRead } = inp ? await inp.read(buf, 0, want, null) : { bytesRead: 0 };
        if (bytesRead === 0) { buf.fill(0, 0, want); bytesRead = want; }
        const chunk = buf.subarray(0, bytesRead);
        hash.update(chunk);
        await out.write(chunk);
        left -= bytesRead;
      }
      finish(target, name, st, false, out.fd);
    } finally {
      await inp?.close();
      await out.close();
    }
  }
  split.file(name, size);
  const pad = dataPadding(size);
  if (pad) emit(pad);
  return size;
}
