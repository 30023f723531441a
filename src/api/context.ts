import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { InvalidParameterError } from '../util/errors';
import type { Backends } from '../engine';

/** What the daemon tells the API layer about itself. */
export interface ServerInfo { version: string; apiVersion: string; minApiVersion: string; os: string }

/** JSON bodies larger than this are refused; image and build contexts are streamed instead. */
export const MAX_JSON_BODY = 16 * 1024 * 1024;

/** The headers dockerd puts on every response, 101s included. */
export function commonHeaders(info: ServerInfo): Record<string, string> {
  return {
    'Api-Version': info.apiVersion,
    'Docker-Experimental': 'false',
    'Ostype': info.os,
    'Server': `Berth/${info.version} (${info.os})`,
  };
}

/**
 * A request that arrived with `Connection: Upgrade`: Node hands over the raw socket (and the
 * bytes it already read past the headers), so the body, if any, is read here (by
 * Content-Length, or chunked) and whatever follows it is the client's stdin.
 */
export class UpgradedRequest {
  private body: Promise<Buffer> | null = null;

  constructor(readonly socket: Duplex, head: Buffer, private readonly framing: { length: number } | 'chunked') {
    if (head.length > 0) socket.unshift(head);
  }

  /** The request body; bytes past its end stay on the socket. */
  readBody(limit: number): Promise<Buffer> {
    this.body ??= this.framing === 'chunked' ? readChunked(this.socket, limit) : readLength(this.socket, this.framing.length, limit);
    return this.body;
  }
}

async function readLength(s: Duplex, n: number, limit: number): Promise<Buffer> {
  if (n > limit) throw new InvalidParameterError('request body is too large');
  return n <= 0 ? Buffer.alloc(0) : readFrom(s, (b) => (b.length >= n ? n : -1));
}

const readLine = (s: Duplex): Promise<Buffer> => readFrom(s, (b) => { const i = b.indexOf('\r\n'); return i < 0 ? -1 : i + 2; });

async function readChunked(s: Duplex, limit: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const line = (await readLine(s)).toString('latin1').trim();
    const n = Number.parseInt(line.split(';')[0], 16);
    if (Number.isNaN(n) || n < 0) throw new InvalidParameterError('malformed chunked request body');
    if (n === 0) break;
    size += n;
    if (size > limit) throw new InvalidParameterError('request body is too large');
    const chunk = await readFrom(s, (b) => (b.length >= n + 2 ? n + 2 : -1));
    parts.push(chunk.subarray(0, n));
  }
  while ((await readLine(s)).length > 2) { /* trailers */ }
  return Buffer.concat(parts);
}

/**
 * Reads from `s` until `need(buffered)` says how many bytes make a whole unit (-1: not yet);
 * returns that unit and puts any surplus back on the socket.
 */
function readFrom(s: Duplex, need: (buf: Buffer) => number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let acc: Buffer = Buffer.alloc(0);
    const cleanup = (): void => {
      s.off('readable', onReadable);
      s.off('end', onEnd);
      s.off('error', onError);
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      let n = need(acc);
      while (n < 0 && (chunk = s.read() as Buffer | null) !== null) {
        acc = acc.length === 0 ? chunk : Buffer.concat([acc, chunk]);
        n = need(acc);
      }
      if (n < 0) {
        if (s.readableEnded) onEnd();
        return;
      }
      cleanup();
      if (acc.length > n) s.unshift(acc.subarray(n));
      resolve(acc.subarray(0, n));
    };
    const onEnd = (): void => { cleanup(); reject(new InvalidParameterError('unexpected EOF while reading request body')); };
    const onError = (e: Error): void => { cleanup(); reject(e); };
    s.on('readable', onReadable);
    s.on('end', onEnd);
    s.on('error', onError);
    onReadable();
  });
}

/** One request as a handler sees it: parsed path/query, the backends, and ways to answer. */
export class ApiContext {
  private response: ServerResponse | null;
  private readonly aborter = new AbortController();

  constructor(
    readonly req: IncomingMessage,
    res: ServerResponse | null,
    /** set when the client asked to upgrade; hijack.ts then owns the socket */
    readonly upgrade: UpgradedRequest | null,
    readonly params: Record<string, string>,
    readonly query: URLSearchParams,
    /** the version the client asked for in the path, else the server's */
    readonly apiVersion: string,
    readonly backends: Backends,
    readonly info: ServerInfo,
  ) {
    this.response = res;
    if (upgrade) upgrade.socket.once('close', () => this.aborter.abort());
    else res?.once('close', () => this.aborter.abort());
  }

  /** Aborted when the client goes away (or the exchange is over). */
  get signal(): AbortSignal { return this.aborter.signal; }

  /**
   * The response. On an upgrade request that is answered as plain HTTP (an error before the
   * 101, or a route that does not hijack), one is made on the raw socket, closed after use.
   */
  get res(): ServerResponse {
    if (this.response) return this.response;
    const up = this.upgrade;
    if (!up) throw new Error('request without a response');
    const res = new ServerResponse(this.req);
    res.shouldKeepAlive = false;
    res.assignSocket(up.socket as Socket);
    for (const [k, v] of Object.entries(commonHeaders(this.info))) res.setHeader(k, v);
    res.once('finish', () => {
      up.socket.end();
      const t = setTimeout(() => up.socket.destroy(), 2000); // a client that never closes its side
      t.unref();
      up.socket.once('close', () => clearTimeout(t));
    });
    this.response = res;
    return res;
  }

  /** True once the raw socket has been taken over by a 101 (no HTTP response possible). */
  hijacked = false;

  json(status: number, body: unknown): void {
    const text = JSON.stringify(body) + '\n';
    this.res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    this.res.end(text);
  }

  /** 204 No Content, or another bodiless status (201 for tag, 200 for resize). */
  empty(status = 204): void {
    const headers: Record<string, string | number> = status === 204 || status === 304 ? {} : { 'Content-Length': 0 };
    this.res.writeHead(status, headers);
    this.res.end();
  }

  /**
   * A header holding base64url JSON (X-Registry-Auth, X-Registry-Config), decoded; undefined
   * when absent or undecodable, which dockerd treats as no credentials.
   */
  jsonHeader(name: string): unknown {
    const h = this.req.headers[name.toLowerCase()];
    const v = Array.isArray(h) ? h[0] : h;
    if (!v) return undefined;
    try {
      return JSON.parse(Buffer.from(v.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** The whole body, refused past `limit` bytes. */
  async readBody(limit = MAX_JSON_BODY): Promise<Buffer> {
    if (this.upgrade) return this.upgrade.readBody(limit);
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of this.req) {
      const b = chunk as Buffer;
      size += b.length;
      if (size > limit) throw new InvalidParameterError('request body is too large');
      parts.push(b);
    }
    return Buffer.concat(parts);
  }

  /** The body as a stream (an image tarball), for bodies too large to hold. */
  bodyStream(): Readable {
    if (!this.upgrade) return this.req;
    const up = this.upgrade;
    return Readable.from((async function* () { yield await up.readBody(MAX_JSON_BODY); })());
  }

  /**
   * The body as JSON. Empty → `undefined` unless `required`, then 400 as dockerd says it;
   * malformed → 400 with the parser's complaint.
   */
  async readJson<T>(required: boolean): Promise<T | undefined> {
    const buf = await this.readBody();
    const text = buf.toString('utf8');
    if (text.trim() === '') {
      if (required) throw new InvalidParameterError('invalid JSON: got EOF while reading request body');
      return undefined;
    }
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      throw new InvalidParameterError(`invalid JSON: ${(e as Error).message}`);
    }
  }

  /** readJson for bodies that must be a JSON object. */
  async readJsonObject<T extends object>(required: boolean, emptyMessage = 'invalid JSON: got EOF while reading request body'): Promise<T | undefined> {
    const v = await this.readJson<unknown>(false);
    if (v === undefined || v === null) {
      if (required) throw new InvalidParameterError(emptyMessage);
      return undefined;
    }
    if (typeof v !== 'object' || Array.isArray(v)) throw new InvalidParameterError('invalid JSON: expected a JSON object');
    return v as T;
  }
}

/** A handler named after the spec's operationId; it answers through ctx. */
export type Handler = (ctx: ApiContext) => Promise<void>;

export interface Route {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handler: Handler;
}
