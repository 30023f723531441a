import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import Router from 'find-my-way';
import type { Backends } from '../engine';
import { InvalidParameterError, NotFoundError, errorMessage } from '../util/errors';
import { ApiContext, UpgradedRequest, commonHeaders, type Handler, type Route, type ServerInfo } from './context';
import { errorStatus, sendError } from './errors';
import { systemRoutes } from './routes/system';
import { containerRoutes } from './routes/containers';
import { containerIoRoutes } from './routes/container-io';
import { containerFsRoutes } from './routes/container-fs';
import { execRoutes } from './routes/exec';
import { imageRoutes } from './routes/images';
import { diskUsageRoutes } from './routes/disk-usage';
import { networkRoutes } from './routes/networks';
import { volumeRoutes } from './routes/volumes';
import { buildRoutes } from './routes/build';
import { registryRoutes } from './routes/registry';

export type { ServerInfo } from './context';

export interface ApiServerOptions {
  /** where 5xx failures and crashes of handlers are reported */
  log?: (message: string) => void;
}

export const ALL_ROUTES: readonly Route[] = [
  ...systemRoutes, ...containerRoutes, ...containerIoRoutes, ...containerFsRoutes, ...execRoutes, ...imageRoutes,
  ...diskUsageRoutes, ...networkRoutes, ...volumeRoutes, ...buildRoutes, ...registryRoutes,
];

interface RouteStore { handler: Handler }

/** Numeric comparison of dotted versions ("1.9" < "1.12"). */
export function compareApiVersions(a: string, b: string): number {
  const pa = a.split('.').map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split('.').map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Splits "/v1.41/containers/json?all=1" into the version, the routed path and the query. */
export function splitRequestUrl(url: string): { version: string | null; path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const m = /^\/v([0-9][0-9.]*)(\/.*)?$/.exec(rawPath);
  if (!m) return { version: null, path: rawPath, query };
  return { version: m[1], path: m[2] ?? '/', query };
}

function checkVersion(version: string, info: ServerInfo): void {
  if (compareApiVersions(version, info.minApiVersion) < 0) {
    throw new InvalidParameterError(`client version ${version} is too old. Minimum supported API version is ${info.minApiVersion}, please upgrade your client to a newer version`);
  }
  if (compareApiVersions(version, info.apiVersion) > 0) {
    throw new InvalidParameterError(`client version ${version} is too new. Maximum supported API version is ${info.apiVersion}`);
  }
}

/**
 * The Docker Engine API over HTTP/1.1. The daemon decides where it listens (unix socket,
 * tcp); requests with and without a /v1.xx prefix reach the same handlers, and upgrade
 * requests (attach, exec start) go through the same router as the others.
 */
export function createApiServer(backends: Backends, info: ServerInfo, opts: ApiServerOptions = {}): http.Server {
  const router = Router({ ignoreTrailingSlash: true, maxParamLength: 1024 });
  const noop = (): void => undefined;
  for (const r of ALL_ROUTES) router.on(r.method, r.path, noop, { handler: r.handler } satisfies RouteStore);
  const log = opts.log ?? noop;
  const headers = commonHeaders(info);

  const dispatch = async (req: IncomingMessage, res: ServerResponse | null, upgrade: UpgradedRequest | null): Promise<void> => {
    const { version, path, query } = splitRequestUrl(req.url ?? '/');
    const ctx = new ApiContext(req, res, upgrade, {}, query, version ?? info.apiVersion, backends, info);
    try {
      if (version !== null) checkVersion(version, info);
      const found = router.find((req.method ?? 'GET') as Router.HTTPMethod, path);
      if (!found) throw new NotFoundError('page not found');
      for (const [k, v] of Object.entries(found.params)) if (v !== undefined) ctx.params[k] = v;
      await (found.store as RouteStore).handler(ctx);
    } catch (e) {
      if (errorStatus(e) >= 500) log(`${req.method} ${req.url}: ${errorMessage(e)}`);
      if (ctx.hijacked) {
        upgrade?.socket.destroy();
        return;
      }
      try {
        sendError(ctx.res, e, req.method === 'HEAD');
      } catch (e2) {
        log(`${req.method} ${req.url}: cannot send error: ${errorMessage(e2)}`);
        (upgrade?.socket ?? res?.socket)?.destroy();
      }
    }
  };

  const server = http.createServer({ requestTimeout: 0 });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    void dispatch(req, res, null).catch((e: unknown) => log(`unexpected: ${errorMessage(e)}`));
  });
  // upgraded sockets are no longer the http server's: track them so shutdown can end them too
  const upgraded = new Set<Duplex>();
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = (): void => {
    closeAll();
    for (const s of upgraded) s.destroy();
  };
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined); // a client vanishing mid-stream is not the daemon's problem
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    const chunked = /chunked/i.test(String(req.headers['transfer-encoding'] ?? ''));
    const length = Number.parseInt(String(req.headers['content-length'] ?? '0'), 10) || 0;
    void dispatch(req, null, new UpgradedRequest(socket, head, chunked ? 'chunked' : { length })).catch((e: unknown) => log(`unexpected: ${errorMessage(e)}`));
  });
  server.on('clientError', (_err: Error, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}
