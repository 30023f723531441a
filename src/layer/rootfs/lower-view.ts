import * as fs from 'node:fs';
import * as path from 'node:path';
import { MNT_DETACH, berthNative } from '../../util/native';
import { SystemError } from '../../util/errors';

const MS_RDONLY = 1;
const MOUNT_DATA_MAX = 4095;

/**
 * Runs `fn` with the image's merged filesystem (the container's lower dirs, top first)
 * mounted read-only in a directory of `scratch`; the kernel resolves the lower layers'
 * whiteouts and opaque directories. Unmounted and removed afterwards.
 */
export async function withLowerView<T>(lowerDirs: string[], scratch: string, fn: (lower: string) => Promise<T> | T): Promise<T> {
  const base = fs.mkdtempSync(path.join(scratch, 'lowerview-'));
  const empty = path.join(base, 'empty');
  const target = path.join(base, 'root');
  fs.mkdirSync(empty);
  fs.mkdirSync(target);
  let mounted = false;
  try {
    if (lowerDirs.length === 0) return await fn(empty);
    // overlay needs two lower dirs when it has no upper: an empty one at the bottom
    const dirs = [...lowerDirs, empty];
    let options = `lowerdir=${dirs.join(':')}`;
    let cwd: string | null = null;
    if (options.length > MOUNT_DATA_MAX) {
      // relative to the layers' common parent, as overlay2 does with its short links
      cwd = path.dirname(path.dirname(lowerDirs[0]));
      options = `lowerdir=${dirs.map((d) => path.relative(cwd as string, d)).join(':')}`;
      if (options.length > MOUNT_DATA_MAX) throw new SystemError(`cannot compute changes: ${lowerDirs.length} layers exceed the mount options limit`);
    }
    const prev = process.cwd();
    try {
      if (cwd) process.chdir(cwd);
      berthNative().mount('overlay', target, 'overlay', MS_RDONLY, options);
      mounted = true;
    } catch (e) {
      throw new SystemError(`cannot mount the image's filesystem: ${(e as Error).message}`);
    } finally {
      if (process.cwd() !== prev) process.chdir(prev);
    }
    return await fn(target);
  } finally {
    let clear = true;
    if (mounted) {
      try { berthNative().umount(target, 0); } catch {
        try { berthNative().umount(target, MNT_DETACH); } catch { clear = false; /* never rm -rf through a mount */ }
      }
    }
    if (clear) fs.rmSync(base, { recursive: true, force: true });
  }
}
