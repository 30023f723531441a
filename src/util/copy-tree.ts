import { promises as fs } from 'node:fs';
import type { Stats } from 'node:fs';
import * as path from 'node:path';

/**
 * Copies a file tree on the host with its modes and times: symlinks are copied as links and
 * never followed (the source is read through lstat only), devices, FIFOs and sockets are
 * skipped. An existing destination entry is replaced unless both are directories, which
 * merge (as Docker's untar does). Used where Docker copies files into a container's or a
 * volume's filesystem: a new volume's content, a build's COPY.
 */
export interface CopyTreeOptions {
  /** owner of everything copied; default: the source's */
  owner?: { uid: number; gid: number };
  /** mode of everything copied except links (a build's --chmod); default: the source's */
  mode?: number;
}

async function lstatOrNull(p: string): Promise<Stats | null> {
  try { return await fs.lstat(p); } catch { return null; }
}

/** Sets owner, mode and times of a copied entry. */
export async function copyAttrs(dst: string, st: Stats, opts: CopyTreeOptions): Promise<void> {
  const owner = opts.owner ?? { uid: st.uid, gid: st.gid };
  await fs.lchown(dst, owner.uid, owner.gid);
  if (st.isSymbolicLink()) return;
  await fs.chmod(dst, opts.mode ?? (st.mode & 0o7777));
  await fs.utimes(dst, st.atime, st.mtime);
}

/** Copies `src` (recursively for a directory) to `dst`. */
export async function copyEntry(src: string, dst: string, opts: CopyTreeOptions = {}): Promise<void> {
  const st = await fs.lstat(src);
  const existing = await lstatOrNull(dst);
  if (existing && !(existing.isDirectory() && st.isDirectory())) await fs.rm(dst, { recursive: true, force: true });
  if (st.isDirectory()) {
    if (!existing?.isDirectory()) await fs.mkdir(dst, { mode: 0o700 });
    for (const name of await fs.readdir(src)) await copyEntry(path.join(src, name), path.join(dst, name), opts);
  } else if (st.isFile()) {
    await fs.copyFile(src, dst);
  } else if (st.isSymbolicLink()) {
    await fs.symlink(await fs.readlink(src), dst);
  } else {
    return;
  }
  await copyAttrs(dst, st, opts);
}
