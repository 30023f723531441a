/**
 * HTTP/1.1 to the daemon over a unix socket or TCP, always under the /v1.41 prefix.
 * Error statuses become ApiError with the daemon's `{"message"}`; a missing daemon becomes
 * DaemonUnreachableError. `hijack` performs the attach/exec connection upgrade.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { API_VERSION } from '../api-types';
import { ApiError, DaemonUnreachableError } from './errors';
import type { Endpoint } from './endpoint';

export type QueryValue = string | number | boolean | string[] | undefined | null;
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body (serialised here) ... */
  json?: unknown;
  /** ... or a raw body (tar archives, stdin). */
  body?: Buffer | Readable;
  headers?: Record<string, string>;
}

/** A hijacked attach/exec connection: read output from `stream`, write stdin to it. */
export interface HijackedConnection {
  readonly stream: Duplex;
  /** Half-close: tell the daemon stdin reached EOF, keep reading output. */
  closeWrite(): void;
  close(): void;
}

const CONNECT_ERRORS = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'ENOTSOCK', 'EHOSTUNREACH', 'ECONNRESET']);

export function buildPath(path: string, query?: Query): string {
  let qs = '';
  if (query) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) { for (const x of v) parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(x)}`); continue; }
      const s = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
      parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(s)}`);
    }
    if (parts.length) qs = `?${parts.join('&')}`;
  }
  return `/v${API_VERSION}${path}${qs}`;
}

async function readAll(res: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function toApiError(res: http.IncomingMessage): Promise<ApiError> {
  const text = (await readAll(res)).toString('utf8').trim();
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (parsed && typeof parsed.message === 'string') message = parsed.message;
  } catch { /* not JSON: keep the text */ }
  if (!message) message = `${res.statusCode} ${res.statusMessage ?? ''}`.trim();
  return new ApiError(message, res.statusCode ?? 500);
}

export class Transport {
  private readonly agent: http.Agent;

  constructor(readonly endpoint: Endpoint) {
    this.agent = new http.Agent({ keepAlive: true });
  }

  private base(method: string, path: string, opts: RequestOptions, upgrade: boolean): http.ClientRequest {
    const headers: Record<string, string> = { 'User-Agent': 'Berth-Client', ...opts.headers };
    if (opts.json !== undefined) headers['Content-Type'] = 'application/json';
    if (upgrade) { headers.Connection = 'Upgrade'; headers.Upgrade = 'tcp'; }
    const ep = this.endpoint;
    const socketPath = ep.socketPath;
    return http.request({
      method,
      path: buildPath(path, opts.query),
      headers,
      // unix sockets bypass http.Agent: its TLS server-name check compiles Node's IPv6 regex
      // (~9 ms of every CLI start) for a connection that costs nothing to open
      ...(socketPath
        ? { host: 'localhost', createConnection: () => net.connect(socketPath) }
        : { host: ep.host, port: ep.port, agent: upgrade ? false : this.agent }),
    });
  }

  private connectError(e: unknown): Error {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code && CONNECT_ERRORS.has(code)) return new DaemonUnreachableError(this.endpoint.display, e);
    return e instanceof Error ? e : new Error(String(e));
  }

  private send(req: http.ClientRequest, opts: RequestOptions): void {
    if (opts.json !== undefined) req.end(JSON.stringify(opts.json));
    else if (Buffer.isBuffer(opts.body)) req.end(opts.body);
    else if (opts.body) {
      // a body that fails (a context that cannot be read) ends the request, or it would hang
      opts.body.once('error', (e) => req.destroy(e));
      opts.body.pipe(req);
    }
    else req.end();
  }

  /** Resolves with the response once headers arrive; rejects on error statuses. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.base(method, path, opts, false);
      req.on('error', (e) => reject(this.connectError(e)));
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) toApiError(res).then(reject, reject);
        else resolve(res);
      });
      this.send(req, opts);
    });
  }

  async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, opts);
    const text = (await readAll(res)).toString('utf8');
    return (text.trim() ? JSON.parse(text) : undefined) as T;
  }

  /** A request whose body we do not need (start, stop, kill...). */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<number> {
    const res = await this.request(method, path, opts);
    await readAll(res);
    return res.statusCode ?? 200;
  }

  /** Upgrade the connection (101) and hand back the raw socket. */
  hijack(method: string, path: string, opts: RequestOptions = {}): Promise<HijackedConnection> {
    return new Promise((resolve, reject) => {
      const req = this.base(method, path, opts, true);
      req.on('error', (e) => reject(this.connectError(e)));
      req.on('upgrade', (_res, socket, head) => {
        if (head.length) socket.unshift(head);
        resolve({ stream: socket, closeWrite: () => socket.end(), close: () => socket.destroy() });
      });
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) { toApiError(res).then(reject, reject); return; }
        // A daemon that streams without upgrading: output only.
        resolve({ stream: res as unknown as Duplex, closeWrite: () => undefined, close: () => res.destroy() });
      });
      this.send(req, opts);
    });
  }

  close(): void { this.agent.destroy(); }
}
