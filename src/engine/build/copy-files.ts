import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextInRoot, scopedJoin } from '../../util/archive';
import { copyAttrs, copyEntry as copyTreeEntry } from '../../util/copy-tree';
import { InvalidParameterError } from '../../util/errors';

/**
 * The file operations of COPY/ADD inside a build's root filesystem. Sources are copied as
 * they are: a symlink stays a link and is never followed, so a context link pointing out of
 * the context copies the link, not what it names. Destinations are resolved inside the
 * rootfs (a link in the image leads somewhere inside the image, never onto the host). An
 * existing entry is replaced unless both are directories, as Docker's untar does.
 */

export interface Owner { uid: number; gid: number }

export interface CopyAttrs {
  owner: Owner;
  /** --chmod, applied to every file and directory copied; null keeps the source's mode */
  mode: number | null;
}

/** Creates `containerDir` (absolute, inside `rootfs`) and missing parents, new ones owned by `owner`. */
export async function mkdirAllInRoot(rootfs: string, containerDir: string, owner: Owner): Promise<string> {
  const parts = containerDir.split('/').filter((p) => p !== '' && p !== '.');
  let cur = '/';
  for (const p of parts) {
    cur = path.posix.join(cur, p);
    const host = scopedJoin(rootfs, cur);
    let st: fs.Stats | null = null;
    try { st = await fs.promises.stat(host); } catch { st = null; }
    if (st && !st.isDirectory()) throw new InvalidParameterError(`mkdir ${cur}: not a directory`);
    if (!st) {
      await fs.promises.mkdir(host, { mode: 0o755 });
      await fs.promises.chmod(host, 0o755);
      await fs.promises.lchown(host, owner.uid, owner.gid);
    }
  }
  return scopedJoin(rootfs, containerDir);
}

/** The contents of directory `src` into directory `dst` (which is created when missing). */
export async function copyDirContents(src: string, dst: string, attrs: CopyAttrs): Promise<void> {
  const opts = { owner: attrs.owner, mode: attrs.mode ?? undefined };
  let exists = true;
  try { await fs.promises.lstat(dst); } catch { exists = false; }
  if (!exists) {
    await fs.promises.mkdir(dst, { mode: 0o755 });
    await copyAttrs(dst, await fs.promises.stat(src), opts);
  }
  for (const name of await fs.promises.readdir(src)) await copyTreeEntry(path.join(src, name), path.join(dst, name), opts);
}

/** One source entry to `dst` (a host path inside the rootfs), with the step's owner and mode. */
export function copyEntry(src: string, dst: string, attrs: CopyAttrs): Promise<void> {
  return copyTreeEntry(src, dst, { owner: attrs.owner, mode: attrs.mode ?? undefined });
}

/** passwd/group lookups in the image, for --chown names (moby's parseChownFlag and its wording). */
export async function resolveOwner(rootfs: string | null, spec: string): Promise<Owner> {
  if (spec === '') return { uid: 0, gid: 0 };
  const parts = spec.split(':');
  if (parts.length > 2) throw new InvalidParameterError(`invalid chown string format: ${spec}`);
  // no group: the user's name (or number) names the group as well
  const [user, group = user] = parts;
  const lookup = (name: string, file: string): number | null => {
    if (/^\d+$/.test(name)) return Number(name);
    const text = (rootfs && readTextInRoot(rootfs, file)) || '';
    for (const line of text.split('\n')) {
      const f = line.split(':');
      if (f[0] === name && f.length > 2 && /^\d+$/.test(f[2])) return Number(f[2]);
    }
    return null;
  };
  const uid = lookup(user, '/etc/passwd');
  if (uid === null) throw new InvalidParameterError(`can't find uid for user ${user}: no such user: ${user}`);
  const gid = lookup(group, '/etc/group');
  if (gid === null) throw new InvalidParameterError(`can't find gid for group ${group}: no such group: ${group}`);
  return { uid, gid };
}

/** --chmod=0755 (octal only, as the classic builder accepts). */
export function parseChmod(s: string): number | null {
  if (s === '') return null;
  if (!/^[0-7]{1,4}$/.test(s)) throw new InvalidParameterError(`invalid chmod parameter ${s}. it should be octal string and between 0 and 07777`);
  return parseInt(s, 8);
}
