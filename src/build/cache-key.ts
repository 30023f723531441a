import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from './steps';

/**
 * The classic builder's layer cache, as a key.
 *
 * Docker's rules (moby image/cache): a step is answered from the cache when an image exists
 * whose parent is the current image and whose ContainerConfig equals the step's probe config.
 * That config is the stage's config with Cmd replaced by the step's own text, so:
 * - metadata steps (ENV, LABEL, CMD, EXPOSE, ...) hit when the parent and the instruction
 *   text (`#(nop)  ENV A=1`, after variable substitution) are the same;
 * - RUN hits when the parent, the command and the build args in scope are the same: the
 *   probe's Cmd is `|N K=v... /bin/sh -c cmd` (every ARG declared so far, and proxy args only
 *   when declared). RUN's output (network, time, files it fetched) is never looked at;
 * - ADD/COPY hit when the parent, the flags, the destination and the sources' checksum are
 *   the same (`COPY file:<hash> in /dst `): file contents and metadata count, mtimes do not;
 * - Env, Entrypoint, Shell, ExposedPorts, Volumes, Labels and OnBuild are compared too, so
 *   an earlier ENV/LABEL change misses every later step (the parent changes anyway).
 * Docker leaves User, WorkingDir, Healthcheck and StopSignal out of the comparison; they are
 * in the key here as well (they only change through steps that change the parent, so this
 * costs no hits), and the platform is included so images of other platforms never match.
 * `--no-cache` skips lookups; a miss makes every later step of the stage a miss.
 */

function sortedKeys(o: Record<string, unknown> | undefined): string[] {
  return Object.keys(o ?? {}).sort();
}

/** The cache key of a step: hex sha256 over parent id and the step's probe config. */
export function cacheKey(parentId: string, probe: RunConfig, platform = 'linux/amd64'): string {
  const canonical = {
    v: 1,
    parent: parentId,
    platform,
    cmd: probe.Cmd ?? [],
    entrypoint: probe.Entrypoint ?? [],
    env: probe.Env ?? [],
    shell: probe.Shell ?? [],
    exposedPorts: sortedKeys(probe.ExposedPorts),
    volumes: sortedKeys(probe.Volumes),
    labels: sortedKeys(probe.Labels).map((k) => [k, (probe.Labels as Record<string, string>)[k]]),
    onBuild: probe.OnBuild ?? [],
    user: probe.User ?? '',
    workingDir: probe.WorkingDir ?? '',
    healthcheck: probe.Healthcheck ?? null,
    stopSignal: probe.StopSignal ?? '',
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

/** moby's hashStringSlice: `prefix:` + sha256 of the hashes joined with commas. */
export function hashStringSlice(prefix: string, slice: readonly string[]): string {
  return `${prefix}:${createHash('sha256').update(slice.join(',')).digest('hex')}`;
}

/** The metadata of one source entry that its checksum covers (tarsum v1's header fields, no mtime). */
export interface EntryMeta {
  /** path relative to the source root, slash-separated */
  name: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  linkname: string;
}

/** Checksum of one entry: its metadata and, for files, the sha256 of the content. */
export function entryChecksum(meta: EntryMeta, contentSha256 = ''): string {
  const h = createHash('sha256');
  h.update(`name\0${meta.name}\0type\0${meta.type}\0mode\0${(meta.mode & 0o7777).toString(8)}\0uid\0${meta.uid}\0gid\0${meta.gid}\0`);
  h.update(`size\0${meta.size}\0linkname\0${meta.linkname}\0`);
  h.update(contentSha256);
  return h.digest('hex');
}

/**
 * The source part of a COPY/ADD's history text, as moby names it: `file:<hash>` for one file,
 * `dir:<hash>` for a directory (its entries' checksums, sorted), `multi:<hash>` for
 * several sources (their own hash strings).
 */
export function sourceHash(sources: readonly string[]): string {
  return sources.length === 1 ? sources[0] : hashStringSlice('multi', sources);
}

/** files up to this size are hashed with one plain read (no thread-pool round trips) */
const SMALL_FILE = 256 * 1024;

async function fileSha256(p: string, size: number): Promise<string> {
  if (size <= SMALL_FILE) {
    // the context was just extracted: its small files are in the page cache, and three
    // syscalls here cost less than one thread-pool round trip
    const fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    let n = 0;
    const buf = Buffer.allocUnsafe(size + 1);
    try {
      let r: number;
      while (n < buf.length && (r = fs.readSync(fd, buf, n, buf.length - n, null)) > 0) n += r;
    } finally {
      fs.closeSync(fd);
    }
    if (n <= size) return createHash('sha256').update(buf.subarray(0, n)).digest('hex');
    // it grew since lstat: hashed in chunks below
  }
  const h = createHash('sha256');
  const fh = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(64 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await fh.close();
  }
  return h.digest('hex');
}

function metaOf(abs: string, name: string, st: fs.Stats): EntryMeta {
  const type = st.isFile() ? 'file' : st.isDirectory() ? 'directory' : st.isSymbolicLink() ? 'symlink' : 'other';
  return {
    name, type, mode: st.mode, uid: st.uid, gid: st.gid,
    size: type === 'file' ? st.size : 0,
    linkname: type === 'symlink' ? fs.readlinkSync(abs) : '',
  };
}

/** the walk gives the event loop a turn after this many entries (a large context blocks nothing for long) */
const YIELD_EVERY = 256;

/**
 * Checksum of one resolved source under `root` (`rel` slash-separated): `file:<hash>` or
 * `dir:<hash>`. Symlinks are hashed as links, never followed. Walked with plain syscalls
 * (the thread pool's round trip per file made a cached COPY of a directory cost tens of ms).
 */
export async function pathChecksum(root: string, rel: string): Promise<string> {
  const abs = path.join(root, rel);
  const st = fs.lstatSync(abs);
  const name = rel.replace(/^\/+/, '');
  if (!st.isDirectory()) {
    const meta = metaOf(abs, name, st);
    return `file:${entryChecksum(meta, meta.type === 'file' ? await fileSha256(abs, st.size) : '')}`;
  }
  const sums: string[] = [];
  let seen = 0;
  const walk = async (dirAbs: string, dirRel: string, dst: fs.Stats): Promise<void> => {
    sums.push(entryChecksum(metaOf(dirAbs, dirRel, dst)));
    for (const child of fs.readdirSync(dirAbs).sort()) {
      if (++seen % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      const cAbs = path.join(dirAbs, child);
      const cRel = dirRel === '' ? child : `${dirRel}/${child}`;
      const cst = fs.lstatSync(cAbs);
      if (cst.isDirectory()) await walk(cAbs, cRel, cst);
      else {
        const meta = metaOf(cAbs, cRel, cst);
        sums.push(entryChecksum(meta, meta.type === 'file' ? await fileSha256(cAbs, cst.size) : ''));
      }
    }
  };
  await walk(abs, name, st);
  // moby sorts the entries' hashes, not their paths
  return hashStringSlice('dir', sums.sort());
}
