import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRegularSync } from '../open-regular';

/**
 * Path resolution inside a root directory, as filepath-securejoin does: every symlink met
 * on the way is resolved as if `root` were "/", and ".." never climbs above it. Whatever a
 * container put in its filesystem (a link to "/", "../../.."), the result stays under root.
 */

const MAX_LINKS = 255;

function lstatOrNull(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw e;
  }
}

/**
 * Joins `unsafePath` under `root`, resolving every symlink (the last component too) within
 * root. Missing components are appended as they are. Returns a host path under root.
 */
export function scopedJoin(root: string, unsafePath: string): string {
  const rootClean = path.resolve(root);
  let pending = unsafePath.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let links = 0;
  while (pending.length) {
    const part = pending.shift() as string;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = path.join(rootClean, ...done, part);
    const st = lstatOrNull(candidate);
    if (!st || !st.isSymbolicLink()) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links: ${unsafePath}`), { code: 'ELOOP' });
    const target = fs.readlinkSync(candidate);
    const targetParts = target.split('/').filter((p) => p !== '' && p !== '.');
    if (target.startsWith('/')) done.length = 0;
    pending = [...targetParts, ...pending];
  }
  return path.join(rootClean, ...done);
}

/**
 * The text of the regular file at `file` inside root (links resolved within it: scopedJoin),
 * or null when it is absent, unreadable, not a regular file (a FIFO there never blocks) or
 * larger than `max`: for /etc/passwd and /etc/group of an image or a running container,
 * which could hand us anything.
 */
export function readTextInRoot(root: string, file: string, max = 16 * 1024 * 1024): string | null {
  let fd: number | null;
  try {
    fd = openRegularSync(scopedJoin(root, file));
  } catch {
    return null; // missing, or a symlink loop: missing, as libc sees it
  }
  if (fd === null) return null;
  try {
    return fs.fstatSync(fd).size > max ? null : fs.readFileSync(fd, 'utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** The container path (absolute, "/"-rooted) of a host path under root. */
export function containerPath(root: string, hostPath: string): string {
  const rel = path.relative(path.resolve(root), hostPath);
  if (rel.startsWith('..')) throw new Error(`${hostPath} is outside of ${root}`);
  return `/${rel}`;
}

/** Docker's PreserveTrailingDotOrSeparator: keeps a trailing "/" or "/." of `original`. */
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  if (original.endsWith('/.') || original === '.') {
    return cleaned.endsWith('/') ? `${cleaned}.` : `${cleaned}/.`;
  }
  if (original.endsWith('/') && !cleaned.endsWith('/')) return `${cleaned}/`;
  return cleaned;
}

/** Docker's SplitPathDirEntry: ("/a/b/." → "/a/b", "."), ("/a/b/" → "/a", "b"). */
export function splitPathDirEntry(p: string): { dir: string; base: string } {
  let cleaned = path.posix.normalize(p);
  if (cleaned.length > 1 && cleaned.endsWith('/')) cleaned = cleaned.slice(0, -1);
  if (p.endsWith('/.') || p === '.') cleaned = cleaned === '/' ? '/.' : `${cleaned}/.`;
  return { dir: path.posix.dirname(cleaned), base: path.posix.basename(cleaned) || '/' };
}

/**
 * Docker's container.ResolvePath: the directory part resolved within root (symlinks
 * followed), the last element kept as is (so a final symlink is copied as a link).
 * Returns the host path and the container's absolute path as asked.
 */
export function resolveInRoot(root: string, containerPathArg: string): { hostPath: string; absPath: string } {
  const absPath = preserveTrailingDotOrSeparator(path.posix.join('/', containerPathArg), containerPathArg);
  const slash = absPath.lastIndexOf('/');
  const dirPart = absPath.slice(0, slash + 1);
  const base = absPath.slice(slash + 1);
  if (base === '..') return { hostPath: scopedJoin(root, absPath), absPath };
  const dir = scopedJoin(root, dirPart);
  return { hostPath: base === '' ? `${dir}/` : path.join(dir, base) + (base === '.' ? '/.' : ''), absPath };
}
