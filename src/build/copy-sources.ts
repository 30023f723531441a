import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidParameterError } from '../util/errors';
import { scopedJoin } from '../util/archive';
import { pathChecksum, sourceHash } from './cache-key';

/**
 * COPY/ADD sources resolved in a source root (the build context, or another stage's or
 * image's root for --from), with the classic builder's rules (moby builder/dockerfile/copy.go):
 * a leading `/` or `./` is dropped, wildcards (`*`, `?`, `[...]`) are matched with
 * filepath.Match against every path of the root, links are resolved inside the root (never
 * out of it), a missing file is `COPY failed: file not found in build context or excluded by
 * .dockerignore: stat x: file does not exist`, several sources need a destination ending in /.
 */

export interface ResolvedSource {
  /** the path as matched, relative to the root ("app", "src/a.py") */
  rel: string;
  /** the host path, links resolved inside the root */
  abs: string;
  isDir: boolean;
  /** `file:<hash>` or `dir:<hash>` (see cache-key.ts) */
  hash: string;
}

export interface ResolvedCopy {
  sources: ResolvedSource[];
  /** the history/cache text for the sources: file:, dir: or multi: */
  sourceHash: string;
}

/** moby's containsWildcards: `*`, `?` or `[` not escaped by a backslash. */
export function containsWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i];
    if (ch === '\\') i++;
    else if (ch === '*' || ch === '?' || ch === '[') return true;
  }
  return false;
}

const reEscape = (s: string): string => s.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

/** Go's path/filepath.Match (separator "/"); throws "syntax error in pattern" as Go does. */
export function goMatch(pattern: string, name: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '*') { re += '[^/]*'; continue; }
    if (ch === '?') { re += '[^/]'; continue; }
    if (ch === '\\') {
      if (i + 1 >= pattern.length) throw new Error('syntax error in pattern');
      re += reEscape(pattern[++i]);
      continue;
    }
    if (ch === '[') {
      let j = i + 1;
      let cls = '';
      if (pattern[j] === '^') { cls += '^'; j++; }
      let first = true;
      for (;; first = false) {
        if (j >= pattern.length) throw new Error('syntax error in pattern');
        let c = pattern[j];
        if (c === ']' && !first) break;
        if (c === '\\') { j++; c = pattern[j] ?? ''; if (c === '') throw new Error('syntax error in pattern'); }
        if (c === '/' ) throw new Error('syntax error in pattern');
        cls += c === '-' && pattern[j + 1] !== ']' && !first ? '-' : reEscape(c);
        j++;
      }
      re += `(?!/)[${cls}]`;
      i = j;
      continue;
    }
    re += reEscape(ch);
  }
  return new RegExp(re + '$', 's').test(name);
}

function isURL(s: string): boolean {
  return /^https?:\/\//.test(s);
}

export function cleanSource(orig: string): string {
  let p = orig;
  if (p.startsWith('/')) p = p.slice(1);
  if (p.startsWith('./')) p = p.slice(2);
  return p;
}

async function walkRel(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await fs.promises.readdir(dir)).sort()) {
      const r = rel === '' ? name : `${rel}/${name}`;
      out.push(r);
      const st = await fs.promises.lstat(path.join(dir, name));
      if (st.isDirectory()) await walk(path.join(dir, name), r);
    }
  };
  await walk(root, '');
  return out;
}

async function one(root: string, rel: string, fromContext: boolean, cmdName: string): Promise<ResolvedSource> {
  let abs: string;
  try {
    abs = scopedJoin(root, rel);
  } catch (e) {
    throw new InvalidParameterError(`${cmdName} failed: ${(e as Error).message}`);
  }
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
    const why = `stat ${rel}: file does not exist`;
    throw new InvalidParameterError(`${cmdName} failed: ${fromContext ? `file not found in build context or excluded by .dockerignore: ${why}` : why}`);
  }
  // the link (if any) is resolved inside root: hash what will be copied
  const inRoot = path.relative(path.resolve(root), abs) || '.';
  return { rel, abs, isDir: st.isDirectory(), hash: await pathChecksum(path.resolve(root), inRoot === '.' ? '' : inRoot) };
}

/**
 * Resolves the (already expanded) sources of a COPY/ADD in `root`. URL and heredoc (`<<EOF`)
 * sources are left to the caller. `fromContext` picks the not-found wording.
 */
export async function resolveCopySources(
  root: string, sources: readonly string[], dest: string,
  opts: { cmdName: 'COPY' | 'ADD'; fromContext: boolean },
): Promise<ResolvedCopy> {
  const out: ResolvedSource[] = [];
  let all: string[] | null = null;
  let others = 0;
  for (const orig of sources) {
    if (isURL(orig) || orig.startsWith('<<')) { others++; continue; }
    const p = cleanSource(orig);
    if (containsWildcards(p)) {
      all ??= await walkRel(root);
      for (const rel of all) {
        let m: boolean;
        try { m = goMatch(p, rel); } catch { m = false; }
        if (m) out.push(await one(root, rel, opts.fromContext, opts.cmdName));
      }
      continue;
    }
    out.push(await one(root, p === '' ? '.' : p, opts.fromContext, opts.cmdName));
  }
  if (out.length + others === 0) throw new InvalidParameterError(`${opts.cmdName} failed: no source files were specified`);
  if (out.length + others > 1 && !dest.endsWith('/')) {
    throw new InvalidParameterError(`When using ${opts.cmdName} with more than one source file, the destination must be a directory and end with a /`);
  }
  return { sources: out, sourceHash: sourceHash(out.map((s) => s.hash)) };
}

/** The destination in the image: relative to WORKDIR, trailing slash kept. */
export function normalizeDest(workingDir: string, requested: string): string {
  if (requested.startsWith('/')) return requested;
  const endsInSlash = requested.endsWith('/');
  const joined = path.posix.join('/', workingDir || '/', requested);
  return endsInSlash && !joined.endsWith('/') ? `${joined}/` : joined;
}

/**
 * Where one source lands: a directory's contents go into dest; a file goes to dest, or into
 * it when dest ends with / or already is a directory in the image.
 */
export function destFor(source: Pick<ResolvedSource, 'rel' | 'isDir'>, dest: string, destIsDir: boolean): { path: string; contents: boolean } {
  const clean = dest === '/' ? '/' : dest.replace(/\/+$/, '');
  if (source.isDir) return { path: clean, contents: true };
  if (dest.endsWith('/') || destIsDir) return { path: path.posix.join(clean, path.posix.basename(source.rel)), contents: false };
  return { path: clean, contents: false };
}
