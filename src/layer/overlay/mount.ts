import { MNT_DETACH, berthNative } from '../../util/native';
import { SystemError } from '../../util/errors';

/** The kernel's limit on mount(2) data: one page. */
export const MOUNT_DATA_MAX = 4096 - 1;

export { isMounted, mountPoints } from '../../util/mountinfo';

/**
 * Options for an overlay mount, with lower directories top first. When absolute paths do
 * not fit in a page, the short links (relative to `linkRoot`) are used and mount runs
 * there, as overlay2 does.
 */
export function overlayOptions(lowerAbs: string[], lowerLinks: string[], upper: string, work: string): { options: string; relative: boolean } {
  const tail = `,upperdir=${upper},workdir=${work}`;
  const abs = `lowerdir=${lowerAbs.join(':')}${tail}`;
  if (abs.length <= MOUNT_DATA_MAX) return { options: abs, relative: false };
  const rel = `lowerdir=${lowerLinks.join(':')}${tail}`;
  if (rel.length <= MOUNT_DATA_MAX) return { options: rel, relative: true };
  throw new SystemError(`cannot mount layer: ${lowerAbs.length} layers exceed the mount options limit`);
}

/**
 * mount(2) through the native addon (mount(8) costs a process per container start).
 * Relative lower dirs resolve against the cwd, so it is switched for the synchronous call.
 */
export async function mountOverlay(target: string, options: string, cwd: string): Promise<void> {
  const prev = process.cwd();
  try {
    if (cwd !== prev) process.chdir(cwd);
    berthNative().mount('overlay', target, 'overlay', 0, options);
  } catch (e) {
    throw new SystemError(`error mounting overlay on ${target}: ${(e as Error).message}`);
  } finally {
    if (process.cwd() !== prev) process.chdir(prev);
  }
}

/** Unmounts every mount stacked on `target`; lazily when the mount is still busy. */
export async function unmountAll(target: string): Promise<void> {
  const native = berthNative();
  for (let i = 0; i < 8; i++) {
    try {
      native.umount(target, 0);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EINVAL' || code === 'ENOENT') return; // not (or no longer) a mount point
      try {
        native.umount(target, MNT_DETACH);
      } catch {
        return;
      }
    }
  }
}
