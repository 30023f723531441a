import * as fs from 'node:fs';
import { run } from './host-tools';
import { SystemError } from '../../util/errors';

/** The kernel's limit on mount(2) data: one page. */
export const MOUNT_DATA_MAX = 4096 - 1;

/** Undoes the \ooo escapes of /proc/self/mountinfo fields. */
function unescapeMountField(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Mount points currently mounted, from /proc/self/mountinfo. */
export function mountPoints(mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8')): Set<string> {
  const out = new Set<string>();
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length > 4) out.add(unescapeMountField(f[4]));
  }
  return out;
}

export function isMounted(target: string): boolean {
  return mountPoints().has(target);
}

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

export async function mountOverlay(target: string, options: string, cwd: string): Promise<void> {
  await run('mount', ['-t', 'overlay', 'overlay', '-o', options, target], { cwd });
}

/** Unmounts every mount stacked on `target`; lazily when the mount is still busy. */
export async function unmountAll(target: string): Promise<void> {
  for (let i = 0; i < 8 && isMounted(target); i++) {
    try {
      await run('umount', [target]);
    } catch {
      await run('umount', ['-l', target]);
    }
  }
}
