import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import {
  archiveKind, cleanSource, destFor, downloadFilename, normalizeDest, pathChecksum, resolveCopySources, sourceHash,
  type CopyStep, type RunConfig,
} from '../../build';
import type { ImageRecord } from '../../image';
import { decompressedTar } from '../../layer';
import { extractTar, scopedJoin } from '../../util/archive';
import { InvalidParameterError } from '../../util/errors';
import { commitRwLayer, imageConfigOf } from '../container/commit';
import { copyDirContents, copyEntry, mkdirAllInRoot, parseChmod, resolveOwner, type CopyAttrs } from './copy-files';
import { BuildFailure, type BuildSession } from './session';

/** One source ready to copy: a host path and how it lands. */
interface Source {
  abs: string;
  rel: string;
  isDir: boolean;
  hash: string;
  /** a local ADD source that is an archive: extracted into the destination */
  extract: boolean;
}

const isURL = (s: string): boolean => /^https?:\/\//.test(s);

/** ADD <url>: fetched into the build's temp dir; named from the URL or Content-Disposition. */
async function download(s: BuildSession, url: string, dest: string, n: number, checksum: string): Promise<Source> {
  let res: Response;
  try {
    res = await fetch(url, { signal: s.signal, redirect: 'follow' });
  } catch (e) {
    throw new BuildFailure(`failed to GET ${url}: ${(e as Error).message}`);
  }
  if (!res.ok) throw new BuildFailure(`failed to GET ${url} with status ${res.status} ${res.statusText}: ${(await res.text().catch(() => '')).slice(0, 200)}`);
  let name = downloadFilename(url, res.headers.get('content-disposition') ?? undefined);
  if (name === '') {
    if (dest.endsWith('/')) throw new BuildFailure(`cannot determine filename for source ${url}`);
    name = path.posix.basename(dest);
  }
  const dir = s.tmpPath('downloads', String(n));
  await fs.promises.mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  const body = res.body ? Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>) : Readable.from([]);
  await fs.promises.writeFile(file, body, { mode: 0o600 });
  if (checksum !== '') {
    const got = `sha256:${createHash('sha256').update(await fs.promises.readFile(file)).digest('hex')}`;
    if (got !== checksum) throw new BuildFailure(`digest mismatch ${got}: ${checksum}`);
  }
  const lm = res.headers.get('last-modified');
  const t = lm ? new Date(lm) : null;
  if (t && !Number.isNaN(t.getTime())) await fs.promises.utimes(file, t, t);
  return { abs: file, rel: name, isDir: false, hash: await pathChecksum(dir, name), extract: false };
}

/** Heredoc sources (`COPY <<EOF /dst`): files made from the documents. */
async function inline(s: BuildSession, step: CopyStep, name: string, n: number): Promise<Source> {
  const key = name.replace(/^<<-?/, '').replace(/^["']|["']$/g, '');
  const content = step.inline.get(key) ?? '';
  const dir = s.tmpPath('heredocs', String(n));
  await fs.promises.mkdir(dir, { recursive: true });
  await fs.promises.writeFile(path.join(dir, key), content, { mode: 0o644 });
  return { abs: path.join(dir, key), rel: key, isDir: false, hash: await pathChecksum(dir, key), extract: false };
}

/**
 * Resolves a COPY/ADD's sources in `root` (the context or a --from root), with the cache
 * probe text they give. URL and heredoc sources are fetched/written first.
 */
export async function copySources(s: BuildSession, step: CopyStep, root: string, fromContext: boolean): Promise<{ sources: Source[]; hash: string }> {
  const cmdName = step.instruction.kind;
  if (cmdName === 'COPY' && step.sources.some(isURL)) throw new InvalidParameterError('source can\'t be a URL for COPY');
  const out: Source[] = [];
  let n = 0;
  for (const src of step.sources) {
    if (isURL(src) && step.instruction.kind === 'ADD') out.push(await download(s, src, step.dest, n++, step.instruction.checksum));
    else if (src.startsWith('<<')) out.push(await inline(s, step, src, n++));
    else {
      // a COPY from a context still in memory: checksummed there, on the disk only if asked
      const mem = fromContext && cmdName === 'COPY' ? s.memory?.source(cleanSource(src)) : null;
      if (mem) { out.push({ ...mem, extract: false }); continue; }
      if (fromContext) await s.contextOnDisk();
      // one source at a time ("/" as dest: the several-sources rule is checked below)
      const r = await resolveCopySources(root, [src], '/', { cmdName, fromContext });
      for (const x of r.sources) {
        const extract = cmdName === 'ADD' && fromContext && !x.isDir && (await archiveKind(x.abs).catch(() => null)) !== null;
        out.push({ abs: x.abs, rel: x.rel, isDir: x.isDir, hash: x.hash, extract });
      }
    }
  }
  if (out.length > 1 && !step.dest.endsWith('/')) {
    throw new InvalidParameterError(`When using ${cmdName} with more than one source file, the destination must be a directory and end with a /`);
  }
  return { sources: out, hash: sourceHash(out.map((x) => x.hash)) };
}

/** Copies the sources into a new layer over `parent` and commits it as the step's image. */
export async function copyStep(s: BuildSession, step: CopyStep, parent: ImageRecord | null, sources: Source[], probe: RunConfig, createdBy: string, author = ''): Promise<ImageRecord> {
  const layer = await s.scratchLayer(parent);
  try {
    const rootfs = layer.root;
    const attrs: CopyAttrs = { owner: await resolveOwner(rootfs, step.chown), mode: parseChmod(step.chmod) };
    const dest = normalizeDest(step.config.WorkingDir ?? '', step.dest);
    let destIsDir = false;
    try { destIsDir = (await fs.promises.stat(scopedJoin(rootfs, dest))).isDirectory(); } catch { destIsDir = false; }
    for (const src of sources) {
      s.checkAborted();
      if (src.extract) {
        const dir = await mkdirAllInRoot(rootfs, dest, { uid: 0, gid: 0 });
        const tar = await decompressedTar(fs.createReadStream(src.abs));
        await extractTar(tar, dir, { scope: rootfs, noOverwriteDirNonDir: false, ...(step.chown ? { chown: attrs.owner } : {}) });
        continue;
      }
      const to = destFor(src, dest, destIsDir || sources.length > 1);
      const parentDir = await mkdirAllInRoot(rootfs, to.contents ? to.path : path.posix.dirname(to.path), attrs.owner);
      if (to.contents) {
        await copyDirContents(src.abs, parentDir, attrs);
      } else {
        const base = path.posix.basename(to.path);
        await copyEntry(src.abs, path.join(parentDir, base), attrs);
      }
    }
    return await commitRwLayer(s.deps.layers, s.deps.images, {
      rwId: layer.id, parent,
      config: imageConfigOf({ ...step.config, Image: parent?.id ?? '' }),
      containerConfig: imageConfigOf({ ...probe, Image: parent?.id ?? '' }),
      containerId: '',
      createdBy,
      author: author || undefined,
    });
  } finally {
    await s.dropScratch(layer.id);
  }
}
