/**
 * Fakes and clients for the API tests: backends whose every method can be replaced per test,
 * a server on a fresh unix socket, and small HTTP clients (plain and raw) to talk to it.
 */
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Backends, ContainerBackend, ExecBackend, ImageBackend, SystemBackend } from '../engine';
import type { SystemInfo, SystemVersion } from '../api-types';
import { NotFoundError } from '../util/errors';
import { createApiServer } from './server';

export const TEST_INFO = { version: '0.1.0', apiVersion: '1.41', minApiVersion: '1.12', os: 'linux' };

export const FAKE_VERSION: SystemVersion = {
  Platform: { Name: 'berth' },
  Components: [{ Name: 'Engine', Version: '0.1.0', Details: { ApiVersion: '1.41', MinAPIVersion: '1.12' } }],
  Version: '0.1.0', ApiVersion: '1.41', MinAPIVersion: '1.12', GitCommit: 'fake', GoVersion: 'node', Os: 'linux',
  Arch: 'amd64', KernelVersion: '6.1.0', BuildTime: '2024-01-01T00:00:00.000000000+00:00',
};

const noContainer = (ref: string): never => { throw new NotFoundError(`No such container: ${ref}`); };
const noExec = (id: string): never => { throw new NotFoundError(`No such exec instance: ${id}`); };
const noImage = (ref: string): never => { throw new NotFoundError(`No such image: ${ref}`); };

export interface FakeOverrides {
  containers?: Partial<ContainerBackend>;
  execs?: Partial<ExecBackend>;
  images?: Partial<ImageBackend>;
  system?: Partial<SystemBackend>;
}

export function fakeBackends(o: FakeOverrides = {}): Backends {
  const containers: ContainerBackend = {
    create: async () => ({ Id: 'c'.repeat(64), Warnings: [] }),
    list: async () => [],
    inspect: async (ref) => noContainer(ref),
    start: async (ref) => noContainer(ref),
    stop: async (ref) => noContainer(ref),
    restart: async (ref) => noContainer(ref),
    kill: async (ref) => noContainer(ref),
    wait: async (ref) => noContainer(ref),
    remove: async (ref) => noContainer(ref),
    logs: async (ref) => noContainer(ref),
    attach: async (ref) => noContainer(ref),
    resize: async (ref) => noContainer(ref),
    top: async (ref) => noContainer(ref),
    rename: async (ref) => noContainer(ref),
    pause: async (ref) => noContainer(ref),
    unpause: async (ref) => noContainer(ref),
    stats: async function* (ref) { noContainer(ref); },
    prune: async () => ({ ContainersDeleted: null, SpaceReclaimed: 0 }),
    ...o.containers,
  };
  const execs: ExecBackend = {
    create: async (ref) => noContainer(ref),
    start: async (id) => noExec(id),
    resize: async (id) => noExec(id),
    inspect: async (id) => noExec(id),
    ...o.execs,
  };
  const images: ImageBackend = {
    list: async () => [],
    inspect: async (ref) => noImage(ref),
    import: () => { throw new Error('import not faked'); },
    tag: async (ref) => noImage(ref),
    remove: async (ref) => noImage(ref),
    save: (refs) => noImage(refs[0] ?? ''),
    load: () => { throw new Error('load not faked'); },
    history: async (ref) => noImage(ref),
    prune: async () => ({ ImagesDeleted: null, SpaceReclaimed: 0 }),
    ...o.images,
  };
  const system: SystemBackend = {
    version: async () => FAKE_VERSION,
    info: async () => ({ ID: 'fake', ServerVersion: '0.1.0', OSType: 'linux' }) as SystemInfo,
    events: async function* (_opts, abort) {
      await new Promise((resolve) => abort.addEventListener('abort', resolve, { once: true }));
    },
    ...o.system,
  };
  return { containers, execs, images, system };
}

export interface TestServer { socketPath: string; server: http.Server; close(): Promise<void> }

export async function startTestServer(backends: Backends): Promise<TestServer> {
  const socketPath = path.join(os.tmpdir(), `berth-api-test-${randomBytes(6).toString('hex')}.sock`);
  const server = createApiServer(backends, TEST_INFO);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    server,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: Buffer }

/** One plain HTTP request over the socket; the whole reply. */
export function request(socketPath: string, method: string, urlPath: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw connection that collects everything the server sends. */
export class RawClient {
  readonly socket: net.Socket;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  ended = false;

  constructor(socketPath: string) {
    this.socket = net.connect(socketPath);
    this.socket.on('data', (c: Buffer) => { this.buf = Buffer.concat([this.buf, c]); this.wake(); });
    this.socket.on('end', () => { this.ended = true; this.wake(); });
    this.socket.on('close', () => { this.ended = true; this.wake(); });
    this.socket.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  get received(): Buffer { return this.buf; }

  /** Resolves once `pred` holds on what was received (or rejects after `ms`). */
  async until(pred: (buf: Buffer, ended: boolean) => boolean, ms = 3000): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (!pred(this.buf, this.ended)) {
      if (Date.now() > deadline) throw new Error(`timed out; received so far: ${JSON.stringify(this.buf.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
    return this.buf;
  }

  /** The bytes after the response head, once the head is complete. */
  async head(): Promise<{ head: string; rest: Buffer }> {
    const buf = await this.until((b) => b.includes('\r\n\r\n'));
    const i = buf.indexOf('\r\n\r\n');
    return { head: buf.subarray(0, i).toString('latin1'), rest: buf.subarray(i + 4) };
  }
}
