import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { TarWriter } from '../archive';
import { keepBuildFiles, PatternMatcher, readDockerignore, type MatchInfo } from './dockerignore';

/**
 * The build context as the docker CLI sends it (archive.TarWithOptions): a tar of the
 * directory in lexical order, .dockerignore applied, owners 0:0, symlinks stored as links
 * and never followed (so a link to /etc sends the link, not /etc), hard links by inode,
 * sockets skipped.
 */

export interface ContextOptions {
  /** the Dockerfile's path relative to the context (kept even when ignored); default "Dockerfile" */
  dockerfile?: string;
  /** the Dockerfile comes from stdin: it is not forced into the context */
  dockerfileFromStdin?: boolean;
  /** patterns to use instead of reading <dir>/.dockerignore */
  excludes?: string[];
  /**
   * A Dockerfile from stdin or from outside the context, added under `name` (the docker CLI's
   * AddDockerfileToBuildContext: ".dockerfile.<random>", and the name appended to .dockerignore
   * so that the daemon leaves it out of what COPY sees).
   */
  extraDockerfile?: { name: string; content: Buffer };
}

/** The effective exclude patterns of a context directory. */
export async function contextExcludes(dir: string, opts: ContextOptions = {}): Promise<string[]> {
  let patterns = opts.excludes;
  if (!patterns) {
    try {
      patterns = readDockerignore(await fs.promises.readFile(path.join(dir, '.dockerignore'), 'utf8'));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      patterns = [];
    }
  }
  return keepBuildFiles(patterns, opts.dockerfile ?? 'Dockerfile', opts.dockerfileFromStdin);
}

function asRoot(st: fs.Stats): fs.Stats {
  return new Proxy(st, { get: (t, k) => (k === 'uid' || k === 'gid' ? 0 : Reflect.get(t, k)) });
}

/**
 * Lists what the context holds after ignore rules, in archive order ("dir/", "dir/file").
 * The client walks with plain syscalls: it has nothing else to do meanwhile, and a thread-pool
 * round trip per file made the walk several times slower.
 */
export async function walkContext(dir: string, pm: PatternMatcher, visit: (rel: string, abs: string, st: fs.Stats) => Promise<void>): Promise<void> {
  const walk = async (absDir: string, relDir: string, parentInfo: MatchInfo | null): Promise<void> => {
    const names = fs.readdirSync(absDir).sort();
    for (const name of names) {
      const rel = relDir === '' ? name : `${relDir}/${name}`;
      const abs = path.join(absDir, name);
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (!st) continue; // removed meanwhile
      const { matched, info } = pm.matchesUsingParentResults(rel, parentInfo);
      if (matched) {
        if (!st.isDirectory()) continue;
        // an excluded directory is still walked when an exception may re-include below it
        const dirSlash = rel + '/';
        if (!pm.exclusions || !pm.patterns.some((p) => p.exclusion && (p.cleaned + '/').startsWith(dirSlash))) continue;
        await walk(abs, rel, info);
        continue;
      }
      if (st.isSocket()) continue;
      await visit(st.isDirectory() ? rel + '/' : rel, abs, st);
      if (st.isDirectory()) await walk(abs, rel, info);
    }
  };
  await walk(dir, '', null);
}

function addBuffer(w: TarWriter, name: string, content: Buffer, mode: number, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    w.pack.entry({ name, size: content.length, mode, mtime, uid: 0, gid: 0, type: 'file' }, content, (e) => (e ? reject(e) : resolve()));
  });
}

/** Streams the context directory as the docker CLI's build-context tar. */
export function contextTar(dir: string, opts: ContextOptions = {}): Readable {
  const extra = opts.extraDockerfile;
  return new TarWriter().run(async (w) => {
    const pm = new PatternMatcher(await contextExcludes(dir, opts));
    let ignoreSeen = false;
    await walkContext(dir, pm, async (rel, abs, st) => {
      if (extra && rel === '.dockerignore' && st.isFile()) {
        ignoreSeen = true;
        const text = Buffer.concat([await fs.promises.readFile(abs), Buffer.from(`\n${extra.name}\n`)]);
        await addBuffer(w, rel, text, st.mode & 0o7777, st.mtime);
        return;
      }
      await w.add(abs, rel, asRoot(st));
    });
    if (!extra) return;
    const now = new Date();
    if (!ignoreSeen) await addBuffer(w, '.dockerignore', Buffer.from(`.dockerignore\n${extra.name}\n`), 0o600, now);
    await addBuffer(w, extra.name, extra.content, 0o600, now);
  });
}
