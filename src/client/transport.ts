/**
 * HTTP/1.1 to the daemon over a unix socket or TCP, always under the /v1.41 prefix.
 * Error statuses become ApiError with the daemon's `{"message"}`; a missing daemon becomes
 * DaemonUnreachableError. `hijack` performs the attach/exec connection upgrade.
 */
import * as net from 'node:net';
import type { Duplex, Readable } from 'node:stream';
import { API_VERSION } from '../api-types';
import { ApiError, DaemonUnreachableError } from './errors';
import type { Endpoint } from './endpoint';
import { http1Request, type Http1Handlers, type Http1Response } from './http1';

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

async function toApiError(res: Http1Response): Promise<ApiError> {
  const text = (await readAll(res)).toString('utf8').trim();
  let message = text;
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (parsed && typeof parsed.message === 'string') message = parsed.message;
  } catch { /* not JSON: keep the text */ }
  if (!message) message = `${res.statusCode} ${res.statusMessage}`.trim();
  return new ApiError(message, res.statusCode);
}

export class Transport {
  constructor(readonly endpoint: Endpoint) {}

  private connect(): net.Socket {
    const ep = this.endpoint;
    if (ep.socketPath) return net.connect(ep.socketPath);
    const socket = net.connect({ host: ep.host, port: ep.port ?? 2375 });
    socket.setNoDelay(true);
    return socket;
  }

  private open(method: string, path: string, opts: RequestOptions, upgrade: boolean, on: Omit<Http1Handlers, 'error'>, reject: (e: Error) => void): void {
    const headers: Record<string, string> = { 'User-Agent': 'Berth-Client', ...opts.headers };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = Buffer.from(JSON.stringify(opts.json));
    }
    const ep = this.endpoint;
    const host = ep.socketPath ? 'localhost' : `${ep.host?.includes(':') ? `[${ep.host}]` : ep.host}:${ep.port}`;
    http1Request(this.connect(), { method, path: buildPath(path, opts.query), host, headers, body, upgrade }, {
      ...on,
      error: (e) => reject(this.connectError(e)),
    });
  }

  private connectError(e: unknown): Error {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code && CONNECT_ERRORS.has(code)) return new DaemonUnreachableError(this.endpoint.display, e);
    return e instanceof Error ? e : new Error(String(e));
  }

  /** Resolves with the response once headers arrive; rejects on error statuses. */
  request(method: string, path: string, opts: RequestOptions = {}): Promise<Http1Response> {
    return new Promise((resolve, reject) => {
      this.open(method, path, opts, false, {
        response: (res) => {
          if (res.statusCode >= 400) toApiError(res).then(reject, reject);
          else resolve(res);
        },
        upgrade: (socket) => { socket.destroy(); reject(new Error('unexpected protocol upgrade')); },
      }, reject);
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
    return res.statusCode;
  }

  /** Upgrade the connection (101) and hand back the raw socket. */
  hijack(method: string, path: string, opts: RequestOptions = {}): Promise<HijackedConnection> {
    return new Promise((resolve, reject) => {
      this.open(method, path, opts, true, {
        upgrade: (socket, head) => {
          if (head.length) socket.unshift(head);
          resolve({ stream: socket, closeWrite: () => socket.end(), close: () => socket.destroy() });
        },
        response: (res) => {
          if (res.statusCode >= 400) { toApiError(res).then(reject, reject); return; }
          // A daemon that streams without upgrading: output only.
          resolve({ stream: res as unknown as Duplex, closeWrite: () => undefined, close: () => res.destroy() });
        },
      }, reject);
    });
  }

  /** nothing to release: every request has its own connection */
  close(): void { /* no pool */ }
}
