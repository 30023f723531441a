import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { copyEntry } from '../util/copy-tree';

/**
 * Fills a new, empty volume with what the image has at the mount point (Docker's
 * copyExistingContents): files, links and their owners, modes and times. Symlinks are copied
 * as links, never followed; the source is read through lstat only.
 */
export async function copyTree(src: string, dst: string): Promise<void> {
  const st = await fs.lstat(src);
  for (const name of await fs.readdir(src)) await copyEntry(path.join(src, name), path.join(dst, name));
  await fs.chown(dst, st.uid, st.gid);
  await fs.chmod(dst, st.mode & 0o7777);
}

/** True when the directory has no entries (or does not exist). */
export async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await fs.readdir(dir)).length === 0;
  } catch {
    return true;
  }
}
