import * as fs from 'node:fs';
import * as path from 'node:path';
import { preserveTrailingDotOrSeparator, splitPathDirEntry } from '../../../util/archive';

/**
 * The docker CLI's copy semantics (cli/command/container/cp.go and moby's pkg/archive
 * copy.go), as pure decisions on both ends' stat information.
 */

export interface CopyInfo { path: string; exists: boolean; isDir: boolean; rebaseName?: string }

export const ERR_NOT_DIRECTORY = 'not a directory';
export const ERR_DIR_NOT_EXISTS = 'no such directory';
export const ERR_CANNOT_COPY_DIR = 'cannot copy directory';

/** "ctr:/path" → container and path; an absolute or "./" path is local. */
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const i = arg.indexOf(':');
  if (i < 0 || arg.slice(0, i).startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, i), path: arg.slice(i + 1) };
}

export function resolveLocalPath(p: string): string {
  return preserveTrailingDotOrSeparator(path.resolve(p), p);
}

const assertsDirectory = (p: string): boolean => p.endsWith('/') || p.endsWith('/.') || p === '.';

/**
 * Where to extract and how to rename the archive's top entry (srcBase → dstBase), or an
 * error message: moby's PrepareArchiveCopy.
 */
export function prepareArchiveCopy(src: CopyInfo, dst: CopyInfo): { dstDir: string; rebase?: { from: string; to: string } } {
  const { dir: dstDir, base: dstBase } = splitPathDirEntry(dst.path);
  let srcBase = splitPathDirEntry(src.path).base;
  if (dst.exists && dst.isDir) return { dstDir: dst.path };
  if (dst.exists && src.isDir) throw new Error(ERR_CANNOT_COPY_DIR);
  if (!dst.exists && !src.isDir && assertsDirectory(dst.path)) throw new Error(ERR_DIR_NOT_EXISTS);
  if (src.rebaseName) srcBase = src.rebaseName;
  return { dstDir, rebase: { from: srcBase, to: dstBase } };
}

/** moby's GetRebaseName: keeps "/." and "/" of the asked path after resolving a link. */
export function getRebaseName(asked: string, resolved: string): { path: string; rebaseName?: string } {
  let r = resolved;
  if ((asked.endsWith('/.') || asked === '.') && !(r.endsWith('/.') || r === '.')) r += '/.';
  if (asked.endsWith('/') && !r.endsWith('/')) r += '/';
  const base = (p: string): string => path.posix.basename(p) || '/';
  return base(asked) !== base(r) ? { path: r, rebaseName: base(asked) } : { path: r };
}

/** moby's CopyInfoDestinationPath on the local filesystem: follows symlinks (at most 10). */
export function localDestinationInfo(p: string): CopyInfo {
  let cur = p;
  let st = lstatOrNull(cur);
  for (let n = 0; st?.isSymbolicLink(); n++) {
    if (n > 10) throw new Error(`too many symlinks in ${p}`);
    const target = fs.readlinkSync(cur);
    cur = target.startsWith('/') ? target : path.join(splitPathDirEntry(cur).dir, target);
    st = lstatOrNull(cur);
  }
  if (st) return { path: cur, exists: true, isDir: st.isDirectory() };
  const parent = splitPathDirEntry(cur).dir;
  const pst = fs.statSync(parent);
  if (!pst.isDirectory()) throw new Error(ERR_NOT_DIRECTORY);
  return { path: cur, exists: false, isDir: false };
}

/** moby's CopyInfoSourcePath: the parent's links resolved, the last one only with -L. */
export function localSourceInfo(p: string, followLink: boolean): CopyInfo {
  let resolved: string;
  let rebaseName: string | undefined;
  if (followLink) {
    const r = getRebaseName(p, fs.realpathSync(p));
    resolved = r.path;
    rebaseName = r.rebaseName;
  } else {
    const slash = p.lastIndexOf('/');
    const dir = p.slice(0, slash + 1) || '.';
    const base = p.slice(slash + 1);
    resolved = `${fs.realpathSync(dir)}/${base}`.replace(/^\/\//, '/');
    if (p.endsWith('/') && path.basename(p) !== path.basename(resolved)) rebaseName = path.basename(p);
  }
  const st = fs.lstatSync(resolved);
  return { path: resolved, exists: true, isDir: st.isDirectory(), rebaseName };
}

/** The docker CLI's ValidateOutputPath for a local destination. */
export function validateOutputPath(p: string): void {
  const dir = path.dirname(path.normalize(p));
  if (dir && dir !== '.' && !fs.existsSync(dir)) throw new Error(`invalid output path: directory "${dir}" does not exist`);
  const st = statOrNull(p);
  if (st && !st.isDirectory() && !st.isFile()) {
    throw new Error(`invalid output path: "${p}" must be a directory or a regular file: ${fileModeProblem(st)}`);
  }
}

function fileModeProblem(st: fs.Stats): string {
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'got a device';
  if (st.isFIFO()) return 'got a named pipe';
  if (st.isSocket()) return 'got a socket';
  return 'got an irregular file';
}

/** Go os.FileMode bits of a container path stat */
export const GO_MODE = { dir: 2 ** 31, symlink: 2 ** 27, device: 2 ** 26, pipe: 2 ** 25, socket: 2 ** 24, irregular: 2 ** 19 };

export function hasMode(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

function lstatOrNull(p: string): fs.Stats | null {
  try { return fs.lstatSync(p); } catch { return null; }
}

function statOrNull(p: string): fs.Stats | null {
  try { return fs.statSync(p); } catch { return null; }
}
