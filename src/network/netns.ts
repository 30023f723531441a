import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { MNT_DETACH, berthNative } from '../util/native';

/**
 * A persistent network namespace: a new netns bind-mounted on a file, as `ip netns add` does,
 * so it outlives its creator and the daemon; the runtime joins it by path.
 */
export async function createNetns(file: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o711 });
  await fs.writeFile(file, '', { mode: 0o444 });
  await new Promise<void>((resolve, reject) => {
    execFile('unshare', [`--net=${file}`, 'true'], (err, _out, stderr) => {
      if (err) reject(new Error(`creating the network namespace: ${stderr.trim() || err.message}`));
      else resolve();
    });
  });
}

/** Unmounts and deletes the namespace file; a missing one is fine. */
export async function removeNetns(file: string): Promise<void> {
  try {
    berthNative().umount(file, MNT_DETACH);
  } catch {
    // not mounted (already removed, or never set up)
  }
  await fs.rm(file, { force: true });
}

export async function listNetns(dir: string): Promise<string[]> {
  return fs.readdir(dir).catch(() => [] as string[]);
}
