import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { SystemError } from '../../util/errors';

/**
 * What Docker calls tar-split: a layer's tar kept as its raw metadata (header blocks,
 * extension headers, padding, trailer) plus, for each regular file, where its content now
 * lives in the unpacked layer. save rebuilds the original tar byte for byte from it and the
 * files, so a layer is stored once instead of twice (diff/ and a full copy of its tar).
 *
 * File <layer>/tar-split, gzip of: "BTS1", total tar size (f64), then records:
 *   'R' u32 n, n bytes      raw bytes
 *   'Z' u32 n               n zero bytes (padding, end-of-archive blocks)
 *   'F' f64 size, u16 n, n bytes of path relative to the layer directory
 * A file the same tar later replaced or removed is moved to <layer>/stash/<n> first, and
 * its records follow it there; so every byte stays reproducible.
 */

export const TAR_SPLIT = 'tar-split';
const STASH = 'stash';
const MAGIC = 'BTS1';
/** content of entries that are not unpacked as files (odd types) above this goes to stash */
const INLINE_MAX = 64 * 1024;

type Rec = { kind: 'R'; data: Buffer } | { kind: 'Z'; n: number } | { kind: 'F'; size: number; path: string };

export class TarSplitWriter {
  private readonly recs: Rec[] = [];
  private total = 0;
  private stashed = 0;
  /** indices of 'F' records by path, to move them along with a stashed file */
  private readonly byPath = new Map<string, number[]>();

  /** `layerDir` holds `diffName` (the unpack root) and will hold the stash */
  constructor(private readonly layerDir: string, private readonly diffName = 'diff') {}

  raw(data: Buffer): void {
    if (data.length === 0) return;
    this.total += data.length;
    let zeros = true;
    for (let i = 0; i < data.length; i++) if (data[i] !== 0) { zeros = false; break; }
    const last = this.recs[this.recs.length - 1];
    if (zeros) {
      if (last?.kind === 'Z') last.n += data.length;
      else this.recs.push({ kind: 'Z', n: data.length });
    } else if (last?.kind === 'R') {
      last.data = Buffer.concat([last.data, data]);
    } else {
      this.recs.push({ kind: 'R', data });
    }
  }

  /** `rel` (under the unpack root) holds the next `size` bytes of the tar */
  file(rel: string, size: number): void {
    if (size === 0) return;
    this.addFile(`${this.diffName}/${rel}`, size);
  }

  private addFile(p: string, size: number): void {
    this.total += size;
    this.byPath.set(p, [...(this.byPath.get(p) ?? []), this.recs.length]);
    this.recs.push({ kind: 'F', size, path: p });
  }

  /** content no file holds (an entry type not unpacked): kept inline, or in the stash when big */
  content(chunks: Buffer[]): void {
    const size = chunks.reduce((n, c) => n + c.length, 0);
    if (size <= INLINE_MAX) {
      for (const c of chunks) this.raw(Buffer.from(c));
      return;
    }
    const p = this.stashPath();
    fs.mkdirSync(path.join(this.layerDir, STASH), { recursive: true, mode: 0o700 });
    const fd = fs.openSync(path.join(this.layerDir, p), 'wx', 0o600);
    try { for (const c of chunks) fs.writeSync(fd, c); } finally { fs.closeSync(fd); }
    this.addFile(p, size);
  }

  private stashPath(): string {
    return `${STASH}/${this.stashed++}`;
  }

  /**
   * The unpack is about to remove `rel` (replaced by a later entry): when content records
   * point at it or below it, it is moved to the stash instead. Returns false if nothing
   * needed keeping (the caller removes it).
   */
  removing(rel: string): boolean {
    const from = `${this.diffName}/${rel}`;
    const under = `${from}/`;
    const hits = [...this.byPath.keys()].filter((p) => p === from || p.startsWith(under));
    if (hits.length === 0) return false;
    const to = this.stashPath();
    fs.mkdirSync(path.join(this.layerDir, STASH), { recursive: true, mode: 0o700 });
    fs.renameSync(path.join(this.layerDir, from), path.join(this.layerDir, to));
    for (const p of hits) {
      const moved = to + p.slice(from.length);
      for (const i of this.byPath.get(p) ?? []) (this.recs[i] as { path: string }).path = moved;
      this.byPath.set(moved, [...(this.byPath.get(moved) ?? []), ...(this.byPath.get(p) ?? [])]);
      this.byPath.delete(p);
    }
    return true;
  }

  get size(): number {
    return this.total;
  }

  /** Writes <layerDir>/tar-split (not synced: the caller syncs the filesystem). */
  save(): void {
    const parts: Buffer[] = [];
    const head = Buffer.alloc(12);
    head.write(MAGIC, 0, 'latin1');
    head.writeDoubleLE(this.total, 4);
    parts.push(head);
    for (const r of this.recs) {
      if (r.kind === 'R') {
        const h = Buffer.alloc(5);
        h.write('R', 0, 'latin1');
        h.writeUInt32LE(r.data.length, 1);
        parts.push(h, r.data);
      } else if (r.kind === 'Z') {
        const h = Buffer.alloc(5);
        h.write('Z', 0, 'latin1');
        h.writeUInt32LE(r.n, 1);
        parts.push(h);
      } else {
        const p = Buffer.from(r.path);
        const h = Buffer.alloc(11);
        h.write('F', 0, 'latin1');
        h.writeDoubleLE(r.size, 1);
        h.writeUInt16LE(p.length, 9);
        parts.push(h, p);
      }
    }
    fs.writeFileSync(path.join(this.layerDir, TAR_SPLIT), gzipSync(Buffer.concat(parts), { level: 1 }), { mode: 0o600 });
  }
}

function readSplit(file: string): { total: number; recs: Rec[] } {
  const b = gunzipSync(fs.readFileSync(file));
  if (b.toString('latin1', 0, 4) !== MAGIC) throw new SystemError(`${file}: not a tar-split file`);
  const total = b.readDoubleLE(4);
  const recs: Rec[] = [];
  for (let i = 12; i < b.length;) {
    const k = String.fromCharCode(b[i]);
    if (k === 'R') {
      const n = b.readUInt32LE(i + 1);
      recs.push({ kind: 'R', data: b.subarray(i + 5, i + 5 + n) });
      i += 5 + n;
    } else if (k === 'Z') {
      recs.push({ kind: 'Z', n: b.readUInt32LE(i + 1) });
      i += 5;
    } else if (k === 'F') {
      const size = b.readDoubleLE(i + 1);
      const n = b.readUInt16LE(i + 9);
      recs.push({ kind: 'F', size, path: b.toString('utf8', i + 11, i + 11 + n) });
      i += 11 + n;
    } else {
      throw new SystemError(`${file}: corrupt tar-split record at ${i}`);
    }
  }
  return { total, recs };
}

const BATCH = 1 << 20;
const SMALL_FILE = 256 * 1024;

function shorter(p: string): SystemError {
  return new SystemError(`layer file ${p} is shorter than when it was unpacked`);
}

function readSmall(file: string, size: number, rel: string): Buffer {
  const buf = Buffer.allocUnsafe(size);
  const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    for (let off = 0; off < size;) {
      const n = fs.readSync(fd, buf, off, size - off, off);
      if (n === 0) throw shorter(rel);
      off += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buf;
}

/**
 * Rebuilds the layer's tar from <layerDir>/tar-split and its files. With `digest`, the
 * stream fails at its end when the bytes do not hash to it (a file changed on disk).
 */
export function assembleTar(layerDir: string, digest?: string): { size: number; stream: Readable } {
  const { total, recs } = readSplit(path.join(layerDir, TAR_SPLIT));
  const hash = digest ? createHash('sha256') : null;
  async function* gen(): AsyncGenerator<Buffer> {
    let batch: Buffer[] = [];
    let batched = 0;
    const push = (b: Buffer): void => { batch.push(b); batched += b.length; hash?.update(b); };
    const flush = (): Buffer => { const out = Buffer.concat(batch, batched); batch = []; batched = 0; return out; };
    for (const r of recs) {
      if (r.kind === 'R') push(r.data);
      else if (r.kind === 'Z') push(Buffer.alloc(r.n));
      else if (r.size <= SMALL_FILE) {
        // most files: read with plain syscalls, no thread-pool round trip for each
        push(readSmall(path.join(layerDir, r.path), r.size, r.path));
      } else {
        const fh = await fs.promises.open(path.join(layerDir, r.path), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
        try {
          for (let left = r.size; left > 0;) {
            const buf = Buffer.allocUnsafe(Math.min(left, BATCH));
            const { bytesRead } = await fh.read(buf, 0, buf.length, r.size - left);
            if (bytesRead === 0) throw shorter(r.path);
            push(buf.subarray(0, bytesRead));
            left -= bytesRead;
            if (batched >= BATCH) yield flush();
          }
        } finally {
          await fh.close();
        }
      }
      if (batched >= BATCH) yield flush();
    }
    if (batched) yield flush();
    if (hash && `sha256:${hash.digest('hex')}` !== digest) throw new SystemError(`layer ${digest}: content on disk no longer matches its digest`);
  }
  return { size: total, stream: Readable.from(gen(), { objectMode: false }) };
}
