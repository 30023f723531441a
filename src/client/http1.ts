/**
 * The HTTP/1.1 client side the CLI needs to speak to an engine, on a plain socket: one request
 * per connection (`Connection: close`), a Buffer or streamed (chunked) body, a response whose
 * body is a Readable framed by Content-Length, chunked encoding or the connection's end, and
 * the 101 upgrade that attach/exec turn into a raw stream.
 *
 * Why not node:http: loading it and making the first ClientRequest cost a CLI command ~4.5 ms
 * (of a ~45 ms `version`), more than everything else a request does; the engine API needs
 * none of its agent, pooling or parser generality.
 */
import type * as net from 'node:net';
import { Readable } from 'node:stream';

export type HeaderMap = Record<string, string>;

export interface Http1Request {
  method: string;
  /** path and query, already encoded */
  path: string;
  host: string;
  headers: HeaderMap;
  /** a whole body (sent with Content-Length) or a stream (sent chunked) */
  body?: Buffer | Readable;
  /** ask for an upgrade (Connection: Upgrade, Upgrade: tcp) and hand the socket back on 101 */
  upgrade?: boolean;
}

export interface Http1Handlers {
  response(res: Http1Response): void;
  /** a 101 to an upgrade request: the raw socket and the bytes read past the headers */
  upgrade(socket: net.Socket, head: Buffer): void;
  /** the request failed before a response arrived (connect errors keep their `code`) */
  error(e: Error): void;
}

/** A response: its status and headers (names lower-cased), and its body as a stream. */
export class Http1Response extends Readable {
  constructor(
    readonly statusCode: number,
    readonly statusMessage: string,
    readonly headers: Record<string, string>,
    private readonly socket: net.Socket,
  ) {
    super();
  }

  override _read(): void {
    this.socket.resume();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.socket.destroy();
    cb(err);
  }
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

function head(req: Http1Request, framing: HeaderMap): string {
  let s = `${req.method} ${req.path} HTTP/1.1\r\nHost: ${req.host}\r\n`;
  const all: HeaderMap = { ...req.headers, ...framing };
  all.Connection = req.upgrade ? 'Upgrade' : 'close';
  if (req.upgrade) all.Upgrade = 'tcp';
  for (const [k, v] of Object.entries(all)) s += `${k}: ${v}\r\n`;
  return `${s}\r\n`;
}

/** Writes the request: headers and a whole body in one write, a stream as chunks. */
function writeRequest(socket: net.Socket, req: Http1Request): void {
  const body = req.body;
  if (body === undefined) {
    const noBody = req.method === 'GET' || req.method === 'HEAD';
    socket.write(head(req, noBody ? {} : { 'Content-Length': '0' }));
    return;
  }
  if (Buffer.isBuffer(body)) {
    socket.write(Buffer.concat([Buffer.from(head(req, { 'Content-Length': String(body.length) })), body]));
    return;
  }
  socket.write(head(req, { 'Transfer-Encoding': 'chunked' }));
  body.on('data', (c: Buffer | string) => {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    if (b.length === 0) return;
    if (!socket.write(Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, CRLF]))) {
      body.pause();
      socket.once('drain', () => body.resume());
    }
  });
  body.once('end', () => { if (!socket.destroyed) socket.write(LAST_CHUNK); });
  // a body that fails (an unreadable context) ends the request: the daemon sees a cut request
  body.once('error', (e) => socket.destroy(e));
}

interface Parsed { status: number; message: string; headers: Record<string, string>; rest: Buffer }

function parseHead(buf: Buffer, end: number): Parsed {
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(lines[0]);
  if (!m) throw new Error(`malformed HTTP response: ${JSON.stringify(lines[0].slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  return { status: Number(m[1]), message: m[2] ?? '', headers, rest: buf.subarray(end + 4) };
}

/**
 * Decodes a chunked body. `feed` returns false once the last chunk and its trailers are
 * read; what follows is ignored (the connection is not reused).
 */
class ChunkDecoder {
  private buf: Buffer = Buffer.alloc(0);
  /** bytes of the current chunk's data still to come; -1 while reading a size line */
  private left = -1;
  private trailers = false;

  constructor(private readonly out: (b: Buffer) => void) {}

  feed(data: Buffer): boolean {
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    for (;;) {
      if (this.trailers) {
        const nl = this.buf.indexOf(CRLF);
        if (nl < 0) return true;
        const line = this.buf.subarray(0, nl);
        this.buf = this.buf.subarray(nl + 2);
        if (line.length === 0) return false;
        continue;
      }
      if (this.left < 0) {
        const nl = this.buf.indexOf(CRLF);
        if (nl < 0) return true;
        const size = parseInt(this.buf.toString('latin1', 0, nl).split(';')[0], 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new Error('malformed chunked encoding in HTTP response');
        this.buf = this.buf.subarray(nl + 2);
        if (size === 0) { this.trailers = true; continue; }
        this.left = size;
      }
      if (this.left > 0) {
        if (this.buf.length === 0) return true;
        const n = Math.min(this.left, this.buf.length);
        this.out(this.buf.subarray(0, n));
        this.buf = this.buf.subarray(n);
        this.left -= n;
        if (this.left > 0) return true;
      }
      // the CRLF after a chunk's data
      if (this.buf.length < 2) return true;
      this.buf = this.buf.subarray(2);
      this.left = -1;
    }
  }
}

/** Sends `req` on `socket` (connecting or connected) and reports the outcome to `on`. */
export function http1Request(socket: net.Socket, req: Http1Request, on: Http1Handlers): void {
  let headBuf: Buffer = Buffer.alloc(0);
  let res: Http1Response | null = null;
  let body: ((b: Buffer) => void) | null = null;
  /** the body lasts until the connection ends (no Content-Length, not chunked) */
  let untilClose = false;
  let finished = false;

  const fail = (e: Error): void => {
    if (finished) return;
    finished = true;
    if (res) res.destroy(e);
    else on.error(e);
  };
  const done = (): void => {
    if (finished) return;
    finished = true;
    socket.removeListener('data', onData);
    res?.push(null);
    socket.destroy();
  };

  const startBody = (parsed: Parsed): void => {
    const r = new Http1Response(parsed.status, parsed.message, parsed.headers, socket);
    res = r;
    const push = (b: Buffer): void => { if (!r.push(b)) socket.pause(); };
    const noBody = req.method === 'HEAD' || parsed.status === 204 || parsed.status === 304 || (parsed.status >= 100 && parsed.status < 200);
    const te = parsed.headers['transfer-encoding'];
    const cl = parsed.headers['content-length'];
    if (noBody) body = null;
    else if (te && /chunked/i.test(te)) {
      const dec = new ChunkDecoder(push);
      body = (b) => { if (!dec.feed(b)) done(); };
    } else if (cl !== undefined) {
      let left = Number(cl);
      if (!Number.isSafeInteger(left) || left < 0) throw new Error('malformed Content-Length in HTTP response');
      body = (b) => {
        const n = Math.min(left, b.length);
        if (n > 0) push(n === b.length ? b : b.subarray(0, n));
        left -= n;
        if (left === 0) done();
      };
      if (left === 0) body = null;
    } else {
      body = push;
      untilClose = true;
    }
    on.response(r);
    if (!body) { done(); return; }
    if (parsed.rest.length) body(parsed.rest);
  };

  function onData(data: Buffer): void {
    try {
      if (body) { body(data); return; }
      headBuf = headBuf.length ? Buffer.concat([headBuf, data]) : data;
      const end = headBuf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (headBuf.length > 1 << 20) throw new Error('HTTP response headers too large');
        return;
      }
      const parsed = parseHead(headBuf, end);
      if (parsed.status === 100) {
        // an interim "100 Continue": the real response follows
        headBuf = Buffer.alloc(0);
        if (parsed.rest.length) onData(parsed.rest);
        return;
      }
      if (parsed.status === 101 && req.upgrade) {
        finished = true;
        socket.removeListener('data', onData);
        socket.removeListener('error', fail);
        socket.removeListener('close', onClose);
        socket.pause();
        on.upgrade(socket, parsed.rest);
        return;
      }
      startBody(parsed);
    } catch (e) {
      fail(e as Error);
      socket.destroy();
    }
  }

  function onClose(): void {
    if (finished) return;
    // a body framed by the connection's end is complete; any other end is a cut response
    if (untilClose) {
      done();
      return;
    }
    const e = Object.assign(new Error(res ? 'aborted' : 'socket hang up'), { code: 'ECONNRESET' });
    fail(e);
  }

  socket.on('data', onData);
  socket.on('error', fail);
  socket.on('close', onClose);
  writeRequest(socket, req);
}
