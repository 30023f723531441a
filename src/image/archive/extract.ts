import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import { InvalidParameterError } from '../../util/errors';

/**
 * Unpacks an image archive (docker save / OCI layout tar) into a private temporary
 * directory, as dockerd does before reading it. Only directories, regular files and
 * relative symlinks are kept; nothing is created through a symlink or outside `dir`.
 * Files are read back with resolveIn(), which follows those symlinks inside `dir` only.
 */

function bad(msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid image archive: ${msg}`);
}

function components(name: string): string[] {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw bad(`entry "${name}" escapes the archive`);
  return parts;
}

/** What a layer-like file of the archive became instead of a file (see ExtractOptions.layer). */
export type LayerOutcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

export interface ExtractOptions<T> {
  /**
   * Called for each file whose first bytes are a tar header or gzip/xz/zstd data (a layer):
   * it consumes `content` (e.g. unpacks it) instead of its being written out; an empty file
   * stands in its place and the result is kept by path (what parseArchive's layer paths
   * resolve to). A failure is kept too (the layer may be unused); its bytes are skipped.
   */
  layer?: (name: string, size: number, content: Readable) => Promise<T>;
}

const COMPRESSED = [[0x1f, 0x8b], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], [0x28, 0xb5, 0x2f, 0xfd]];

function layerLike(head: Buffer): boolean {
  if (COMPRESSED.some((m) => head.length >= m.length && m.every((b, i) => head[i] === b))) return true;
  if (head.length < 512 || head.toString('latin1', 257, 262) !== 'ustar') return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : head[i];
  return parseInt(head.toString('latin1', 148, 156).replace(/[\0 ]+$/, ''), 8) === sum;
}

/**
 * Unpacks `input` into `dir`; with opts.layer, layers are handed over as they stream by
 * (not written twice) and the map gives what became of each, by the path it would have had.
 */
export async function extractArchive<T = never>(input: Readable, dir: string, opts: ExtractOptions<T> = {}): Promise<Map<string, LayerOutcome<T>>> {
  const layers = new Map<string, LayerOutcome<T>>();
  const extract = tarStream.extract();
  const consume = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const parts = components(h.name);
      let p = dir;
      for (let i = 0; i < parts.length - 1; i++) {
        p = path.join(p, parts[i]);
        const st = fs.lstatSync(p, { throwIfNoEntry: false });
        if (!st) fs.mkdirSync(p, { mode: 0o700 });
        else if (!st.isDirectory()) throw bad(`entry "${h.name}": parent is not a directory`);
      }
      const target = path.join(dir, ...parts);
      if (parts.length === 0 || h.type === 'directory') {
        if (parts.length && !fs.existsSync(target)) fs.mkdirSync(target, { mode: 0o700 });
        entry.resume();
        continue;
      }
      fs.rmSync(target, { force: true });
      layers.delete(target);
      if (h.type === 'file' || h.type === 'contiguous-file') {
        const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, 0o600);
        // read by hand: ending a consumer early must not destroy the entry (the archive's stream)
        const it = entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        const head: Buffer[] = [];
        let len = 0;
        let ended = false;
        while (opts.layer && len < 512) {
          const r = await it.next();
          if (r.done) { ended = true; break; }
          head.push(r.value);
          len += r.value.length;
        }
        const first = Buffer.concat(head);
        async function* content(): AsyncGenerator<Buffer> {
          if (first.length) yield first;
          while (!ended) {
            const r = await it.next();
            if (r.done) { ended = true; return; }
            yield r.value;
          }
        }
        if (opts.layer && layerLike(first)) {
          fs.closeSync(fd);
          try {
            layers.set(target, { ok: true, value: await opts.layer(h.name, h.size ?? 0, Readable.from(content(), { objectMode: false })) });
          } catch (error) {
            layers.set(target, { ok: false, error });
          }
          while (!ended) if ((await it.next()).done) ended = true;
          continue;
        }
        await pipeline(Readable.from(content(), { objectMode: false }), fs.createWriteStream('', { fd }));
      } else if (h.type === 'symlink') {
        entry.resume();
        if (path.isAbsolute(h.linkname ?? '')) throw bad(`symlink "${h.name}" points outside the archive`);
        fs.symlinkSync(h.linkname ?? '', target);
      } else {
        entry.resume(); // links, devices, fifos: no place in an image archive
      }
    }
  })();
  try {
    await Promise.all([pipeline(input, extract), consume]);
    return layers;
  } catch (e) {
    extract.destroy();
    input.destroy();
    await consume.catch(() => undefined);
    const err = e as NodeJS.ErrnoException;
    if (e instanceof InvalidParameterError) throw e;
    if (err.code?.startsWith('Z_') || /unexpected end|invalid tar|header|checksum/i.test(err.message ?? '')) {
      throw bad(err.message.replace(/^invalid image archive: /, ''));
    }
    throw e;
  }
}

/** The real path of `rel` inside `dir`, following symlinks only while they stay inside. */
export function resolveIn(dir: string, rel: string): string {
  let parts = components(rel);
  let hops = 0;
  const done: string[] = [];
  while (parts.length) {
    const [head, ...rest] = parts;
    if (head === '..') {
      if (!done.length) throw bad(`"${rel}" escapes the archive`);
      done.pop();
      parts = rest;
      continue;
    }
    const p = path.join(dir, ...done, head);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (st?.isSymbolicLink()) {
      if (++hops > 40) throw bad(`too many symlinks resolving "${rel}"`);
      const link = fs.readlinkSync(p);
      if (path.isAbsolute(link)) throw bad(`"${rel}" escapes the archive`);
      parts = [...link.split('/').filter((x) => x !== '' && x !== '.'), ...rest];
      continue;
    }
    done.push(head);
    parts = rest;
  }
  return path.join(dir, ...done);
}

export function readArchiveFile(dir: string, rel: string): Buffer {
  const p = resolveIn(dir, rel);
  try {
    return fs.readFileSync(p);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw bad(`${rel} is missing`);
    throw e;
  }
}
