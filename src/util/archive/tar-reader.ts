import { InvalidParameterError } from '../errors';

/**
 * A streaming tar reader that, unlike tar-stream, hands out the raw bytes around each
 * entry's content (header blocks, PAX/GNU extension headers, padding, the trailer), so a
 * layer's tar can later be rebuilt byte for byte from those bytes and the unpacked files
 * (what Docker keeps as tar-split metadata). Content of small entries comes as slices of
 * the input chunks: no stream per entry.
 */

const BLOCK = 512;

export type TarEntryType = 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo' | 'contiguous-file' | 'unsupported';

/** An entry's header, extension headers applied (field names as tar-stream's). */
export interface TarHeader {
  name: string;
  type: TarEntryType;
  linkname: string;
  size: number;
  mode: number;
  uid: number;
  gid: number;
  mtime: Date;
  devmajor: number;
  devminor: number;
  pax: Record<string, string> | null;
}

export interface TarReaderEntry {
  header: TarHeader;
  /** every byte from the end of the previous entry's padding to this entry's content */
  raw: Buffer;
  /** the content (header.size bytes); what the consumer leaves is read by rest() */
  body: AsyncIterable<Buffer>;
}

function bad(msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid tar stream: ${msg}`);
}

const TYPES: Record<string, TarEntryType> = {
  0: 'file', '\0': 'file', 1: 'link', 2: 'symlink', 3: 'character-device', 4: 'block-device',
  5: 'directory', 6: 'fifo', 7: 'contiguous-file',
};

function str(b: Buffer, start: number, len: number): string {
  const end = b.indexOf(0, start);
  return b.toString('utf8', start, end < 0 || end > start + len ? start + len : end);
}

/** octal, or base-256 when the high bit of the first byte is set (GNU, for big values) */
function num(b: Buffer, start: number, len: number): number {
  if (b[start] & 0x80) {
    let v = b[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + b[i];
    return v;
  }
  let i = start;
  const end = start + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 0 || c === 0x20) break;
    if (c < 0x30 || c > 0x37) throw bad(`invalid numeric header field "${b.toString('latin1', start, end)}"`);
    v = v * 8 + (c - 0x30);
  }
  return v;
}

function checksumOk(b: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : b[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  const want = num(b, 148, 8);
  return want === unsigned || want === signed;
}

/** A first block that is a valid ustar/GNU header: how a layer tar is told from other files. */
export function looksLikeTar(first: Buffer): boolean {
  if (first.length < BLOCK) return false;
  const magic = first.toString('latin1', 257, 262);
  try {
    return magic === 'ustar' && checksumOk(first);
  } catch {
    return false;
  }
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(data.toString('latin1', i, sp), 10);
    if (!(len > 0) || i + len > data.length) throw bad('invalid PAX record');
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

const pad = (n: number): number => (BLOCK - (n % BLOCK)) % BLOCK;

export class TarReader {
  private buf: Buffer = Buffer.alloc(0);
  private off = 0;
  private eof = false;
  private readonly it: AsyncIterator<Buffer>;
  /** input already read, after buf (the rest of a chunk a header was completed from) */
  private pending: Buffer | null = null;
  /** content bytes of the current entry not yet read */
  private left = 0;
  private padding = 0;
  /** the bytes after the end-of-archive marker (with it), once done */
  trailer: Buffer = Buffer.alloc(0);

  /**
   * `lenientEnd`: input that stops right after an entry's content, without its padding or the
   * end-of-archive blocks, ends the archive there, as Go's reader (Docker's) accepts. Content
   * cut short is an error either way.
   */
  constructor(input: AsyncIterable<Buffer>, private readonly opts: { lenientEnd?: boolean } = {}) {
    this.it = input[Symbol.asyncIterator]();
  }

  private avail(): number {
    return this.buf.length - this.off;
  }

  private async nextChunk(): Promise<Buffer | null> {
    if (this.pending) {
      const p = this.pending;
      this.pending = null;
      return p;
    }
    if (this.eof) return null;
    const r = await this.it.next();
    if (r.done) { this.eof = true; return null; }
    return r.value;
  }

  /**
   * At least n bytes buffered (false at end of input). Only what is missing is copied from
   * the next chunk; its rest waits in `pending`, so content is never copied.
   */
  private async fill(n: number): Promise<boolean> {
    while (this.avail() < n) {
      const c = await this.nextChunk();
      if (!c) return false;
      if (this.avail() === 0) {
        this.buf = c;
        this.off = 0;
        continue;
      }
      const need = n - this.avail();
      if (c.length > need) this.pending = c.subarray(need);
      this.buf = Buffer.concat([this.buf.subarray(this.off), c.length > need ? c.subarray(0, need) : c]);
      this.off = 0;
    }
    return true;
  }

  private take(n: number): Buffer {
    const b = this.buf.subarray(this.off, this.off + n);
    this.off += n;
    return b;
  }

  private async takeExact(n: number): Promise<Buffer> {
    if (!(await this.fill(n))) throw bad('unexpected end of data');
    return this.take(n);
  }

  /** The current entry's content, in slices of the input. */
  private async *content(): AsyncGenerator<Buffer> {
    while (this.left > 0) {
      if (this.avail() === 0 && !(await this.fill(1))) throw bad('unexpected end of data');
      const n = Math.min(this.left, this.avail());
      this.left -= n;
      yield this.take(n);
    }
  }

  /** What the consumer left of the current entry's content. */
  async rest(): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for await (const c of this.content()) out.push(c);
    return out;
  }

  /** the padding after the current entry's content (call after its content was read) */
  async endEntry(): Promise<Buffer> {
    if (this.left > 0) await this.rest();
    const p = this.padding;
    this.padding = 0;
    if (!p) return Buffer.alloc(0);
    if (this.opts.lenientEnd && !(await this.fill(1))) return Buffer.alloc(p); // the input ends here
    return Buffer.from(await this.takeExact(p));
  }

  /** The next entry, or null at the end (then `trailer` holds the bytes after the last one). */
  async next(): Promise<TarReaderEntry | null> {
    if (this.left > 0 || this.padding > 0) throw new Error('TarReader: previous entry not finished');
    const raw: Buffer[] = [];
    let pax: Record<string, string> = {};
    let longName: string | null = null;
    let longLink: string | null = null;
    for (;;) {
      if (!(await this.fill(BLOCK))) {
        if (this.avail() === 0 && raw.length === 0) { this.trailer = Buffer.alloc(0); return null; }
        throw bad('unexpected end of data');
      }
      const h = this.take(BLOCK);
      if (h.every((x) => x === 0)) {
        if (raw.length) throw bad('unexpected end of archive after an extension header');
        // end of archive: everything left (second zero block, padding to a record) is kept
        const rest: Buffer[] = [Buffer.from(h)];
        if (this.avail()) rest.push(Buffer.from(this.take(this.avail())));
        for (let c = await this.nextChunk(); c; c = await this.nextChunk()) rest.push(Buffer.from(c));
        this.eof = true;
        this.trailer = Buffer.concat(rest);
        return null;
      }
      if (!checksumOk(h)) throw bad('invalid tar header checksum');
      raw.push(Buffer.from(h));
      const flag = String.fromCharCode(h[156]);
      let size = num(h, 124, 12);
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        const data = Buffer.from(await this.takeExact(size + pad(size)));
        raw.push(data);
        const body = data.subarray(0, size);
        if (flag === 'x') pax = { ...pax, ...parsePax(body) };
        else if (flag === 'L') longName = str(body, 0, body.length);
        else if (flag === 'K') longLink = str(body, 0, body.length);
        // global headers ('g') are kept as bytes and otherwise ignored, as Docker does
        continue;
      }
      const magic = h.toString('latin1', 257, 263);
      let name = str(h, 0, 100);
      if (magic === 'ustar\0') {
        const prefix = str(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      if (longName !== null) name = longName;
      if (pax.path !== undefined) name = pax.path;
      let linkname = longLink ?? str(h, 157, 100);
      if (pax.linkpath !== undefined) linkname = pax.linkpath;
      if (pax.size !== undefined) size = parseInt(pax.size, 10);
      if (!Number.isSafeInteger(size) || size < 0) throw bad('invalid entry size');
      let type: TarEntryType = TYPES[flag] ?? 'unsupported';
      if (type === 'file' && name.endsWith('/')) type = 'directory';
      const mtime = pax.mtime !== undefined ? Number(pax.mtime) : num(h, 136, 12);
      const header: TarHeader = {
        name, type, linkname, size, mode: num(h, 100, 8),
        uid: pax.uid !== undefined ? parseInt(pax.uid, 10) : num(h, 108, 8),
        gid: pax.gid !== undefined ? parseInt(pax.gid, 10) : num(h, 116, 8),
        mtime: new Date(Math.floor(mtime * 1000)),
        devmajor: num(h, 329, 8), devminor: num(h, 337, 8), pax: Object.keys(pax).length ? pax : null,
      };
      this.left = size;
      this.padding = pad(size);
      return { header, raw: raw.length === 1 ? raw[0] : Buffer.concat(raw), body: this.content() };
    }
  }
}

/**
 * The tar's bytes with what Go's reader lets a tar leave out put back (the last entry's
 * padding, the end-of-archive blocks), for readers that need them: the docker CLI's context
 * with `-f -` stops after the last entry's data. Content cut short fails ("unexpected end of
 * data"), as Go's reader fails with an unexpected EOF: it is never completed with zeros.
 */
export async function* completeTar(input: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const reader = new TarReader(input, { lenientEnd: true });
  for (let entry = await reader.next(); entry; entry = await reader.next()) {
    yield entry.raw;
    yield* entry.body;
    const padding = await reader.endEntry();
    if (padding.length) yield padding;
  }
  // every entry ends on a block boundary: only the trailer may not
  if (reader.trailer.length) yield reader.trailer;
  yield Buffer.alloc(pad(reader.trailer.length) + 2 * BLOCK);
}
