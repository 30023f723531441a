import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TarWriter } from '../../util/archive';

/**
 * What a container changed, read from its overlay upper directory: whiteouts (0/0 character
 * devices) are deletions, trusted.overlay.opaque directories hide everything below them.
 * Docker puts /etc/hosts, /etc/hostname, /etc/resolv.conf and the runtime's mount points in
 * an "init" layer under the container's; berth's runtime creates them in the upper dir, so
 * they are left out here, and their parents count as existing in the image.
 */

/** Docker's archive.ChangeType: 0 modified, 1 added, 2 deleted */
export type ChangeKind = 0 | 1 | 2;
export interface LayerChange { Path: string; Kind: ChangeKind }

/** what Docker's init layer holds: never reported, never committed */
const INIT_FILES = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/.dockerenv', '/dev/console', '/etc/mtab']);
/** directories of the init layer: they exist even when the image lacks them */
const INIT_DIRS = new Set(['/etc', '/dev', '/proc', '/sys', '/dev/pts', '/dev/shm']);

type BigStats = fs.BigIntStats;

function lstatBig(p: string): BigStats | null {
  try { return fs.lstatSync(p, { bigint: true }); } catch { return null; }
}

function isWhiteout(st: BigStats): boolean {
  return st.isCharacterDevice() && st.rdev === 0n;
}

/** Docker's sameFsTime: equal seconds, and equal nanoseconds unless one side has none */
function sameTime(a: BigStats, b: BigStats): boolean {
  const sa = a.mtimeNs / 1_000_000_000n;
  const sb = b.mtimeNs / 1_000_000_000n;
  const na = a.mtimeNs % 1_000_000_000n;
  const nb = b.mtimeNs % 1_000_000_000n;
  return sa === sb && (na === nb || na === 0n || nb === 0n);
}

/** Docker's statDifferent: mode, owner, rdev; size and mtime for non-directories only */
export function statDifferent(oldSt: BigStats, newSt: BigStats): boolean {
  if (oldSt.mode !== newSt.mode || oldSt.uid !== newSt.uid || oldSt.gid !== newSt.gid || oldSt.rdev !== newSt.rdev) return true;
  if (!newSt.isDirectory() && (!sameTime(oldSt, newSt) || oldSt.size !== newSt.size)) return true;
  return false;
}

/** Directories of `upper` carrying trusted.overlay.opaque=y, as "/a/b" paths. */
export function opaqueDirs(upper: string): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    const child = spawn('getfattr', ['-R', '-h', '-d', '-m', '^trusted\\.overlay\\.opaque$', '-e', 'text', '.'], { cwd: upper, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => {
      const set = new Set<string>();
      let file = '';
      for (const line of Buffer.concat(out).toString().split('\n')) {
        if (line.startsWith('# file: ')) file = line.slice(8).replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
        else if (line === 'trusted.overlay.opaque="y"' && file) set.add(`/${file.replace(/^\.\//, '')}`);
      }
      resolve(set);
    });
  });
}

function sortedNames(dir: string): string[] {
  try { return fs.readdirSync(dir).sort(); } catch { return []; }
}

/** Orders paths component by component, so a directory's entries follow it directly. */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/**
 * Changes of `upper` against the image's merged filesystem `lower` (a read-only view of
 * the image), with Docker's semantics: a new directory and everything in it is "A", a
 * deleted tree is one "D", and every directory above a change is "C".
 */
export function computeChanges(upper: string, lower: string, opaque: Set<string>): LayerChange[] {
  const out = new Map<string, ChangeKind>();
  const visit = (rel: string, lowerIsDir: boolean): void => {
    const names = sortedNames(path.join(upper, rel));
    for (const name of names) {
      const p = `${rel}/${name}`;
      if (INIT_FILES.has(p)) continue;
      const st = lstatBig(path.join(upper, p));
      if (!st) continue;
      const low = lowerIsDir ? lstatBig(path.join(lower, p)) : null;
      if (isWhiteout(st)) {
        if (low) out.set(p, 2);
        continue;
      }
      if (!st.isDirectory()) {
        if (!low) out.set(p, 1);
        else if (statDifferent(low, st)) out.set(p, 0);
        continue;
      }
      if (!low) {
        if (!INIT_DIRS.has(p)) out.set(p, 1);
        visit(p, false);
        continue;
      }
      if (statDifferent(low, st)) out.set(p, 0);
      if (!low.isDirectory()) {
        visit(p, false);
        continue;
      }
      visit(p, true);
      if (opaque.has(p)) {
        for (const gone of sortedNames(path.join(lower, p))) {
          const gp = `${p}/${gone}`;
          const up = lstatBig(path.join(upper, gp));
          if ((!up || isWhiteout(up)) && !INIT_FILES.has(gp)) out.set(gp, 2);
        }
      }
    }
  };
  visit('', true);
  for (const p of [...out.keys()]) {
    for (let d = path.posix.dirname(p); d !== '/'; d = path.posix.dirname(d)) if (!out.has(d)) out.set(d, 0);
  }
  return [...out.entries()].sort((a, b) => comparePaths(a[0], b[0])).map(([Path, Kind]) => ({ Path, Kind }));
}

export interface DiffEntry { rel: string; st: fs.Stats; whiteout: boolean; opaque: boolean }

/** The upper dir's entries that belong in a committed layer, parents first. */
export function diffEntries(upper: string, opaque: Set<string>): DiffEntry[] {
  const collect = (rel: string): DiffEntry[] => {
    const out: DiffEntry[] = [];
    for (const name of sortedNames(path.join(upper, rel))) {
      const p = `${rel}/${name}`;
      if (INIT_FILES.has(p)) continue;
      let st: fs.Stats;
      try { st = fs.lstatSync(path.join(upper, p)); } catch { continue; }
      const whiteout = st.isCharacterDevice() && st.rdev === 0;
      if (!st.isDirectory()) {
        out.push({ rel: p, st, whiteout, opaque: false });
        continue;
      }
      const below = collect(p);
      const isOpaque = opaque.has(p);
      const empty = sortedNames(path.join(upper, p)).length === 0;
      // a directory holding only what the runtime created (the init layer's) is not a change
      if (below.length || isOpaque || (empty && !INIT_DIRS.has(p))) out.push({ rel: p, st, whiteout: false, opaque: isOpaque }, ...below);
    }
    return out;
  };
  return collect('');
}

/**
 * The container's changes as a layer tar: overlay whiteouts become ".wh.NAME" files and
 * opaque directories get a ".wh..wh..opq" entry, as Docker's overlay2 Diff writes them.
 */
export async function rwDiffTar(upper: string): Promise<{ tar: Readable; empty: boolean }> {
  const opaque = await opaqueDirs(upper);
  const entries = diffEntries(upper, opaque);
  const tar = new TarWriter().run(async (w) => {
    for (const e of entries) {
      const name = e.rel.slice(1);
      if (e.whiteout) {
        const dir = path.posix.dirname(name);
        const wh = `${dir === '.' ? '' : `${dir}/`}.wh.${path.posix.basename(name)}`;
        await w.header({ name: wh, type: 'file', size: 0, mode: e.st.mode & 0o777, uid: e.st.uid, gid: e.st.gid, mtime: e.st.mtime });
        continue;
      }
      await w.add(path.join(upper, e.rel), name, e.st);
      if (e.opaque) await w.header({ name: `${name}/.wh..wh..opq`, type: 'file', size: 0, mode: 0o644, uid: 0, gid: 0, mtime: e.st.mtime });
    }
  });
  return { tar, empty: entries.length === 0 };
}
