import type { ApiContext, Route } from '../context';
import { filtersParam, timestampParam } from '../query';
import { streamJsonLines } from '../streaming';

/** GET|HEAD /_ping. No Builder-Version header: the docker CLI then uses the classic builder. */
export async function systemPing(ctx: ApiContext): Promise<void> {
  const res = ctx.res;
  res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
  res.setHeader('Pragma', 'no-cache');
  res.setHeader('Swarm', 'inactive');
  res.setHeader('Content-Type', 'text/plain; charset=utf-8');
  if (ctx.req.method === 'HEAD') {
    res.setHeader('Content-Length', '0');
    res.writeHead(200);
    res.end();
    return;
  }
  res.setHeader('Content-Length', '2');
  res.writeHead(200);
  res.end('OK');
}

export async function systemVersion(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.system.version());
}

export async function systemInfo(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.system.info());
}

/** GET /events: newline-delimited JSON, headers sent at once, one flushed line per event. */
export async function systemEvents(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const since = timestampParam(q, 'since', 0);
  const until = timestampParam(q, 'until', 0);
  const filters = filtersParam(q);
  const events = ctx.backends.system.events({ since: since || undefined, until: until || undefined, filters }, ctx.signal);
  await streamJsonLines(ctx, events, { headers: 'soon', errorLines: false });
}

export const systemRoutes: Route[] = [
  { method: 'GET', path: '/_ping', handler: systemPing },
  { method: 'HEAD', path: '/_ping', handler: systemPing },
  { method: 'GET', path: '/version', handler: systemVersion },
  { method: 'GET', path: '/info', handler: systemInfo },
  { method: 'GET', path: '/events', handler: systemEvents },
];
