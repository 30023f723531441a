import type { DiskUsageBackend } from '../../engine';
import { EngineError } from '../../util/errors';
import type { ApiContext, Route } from '../context';

class NotImplemented extends EngineError {
  constructor() { super('disk usage is not available in this daemon', 501); }
}

function backend(ctx: ApiContext): DiskUsageBackend {
  const b = ctx.backends.diskUsage;
  if (!b) throw new NotImplemented();
  return b;
}

/** GET /system/df */
export async function systemDataUsage(ctx: ApiContext): Promise<void> {
  ctx.json(200, await backend(ctx).diskUsage());
}

/** POST /build/prune: what system prune asks after the images */
export async function buildPrune(ctx: ApiContext): Promise<void> {
  ctx.json(200, await backend(ctx).buildPrune());
}

export const diskUsageRoutes: Route[] = [
  { method: 'GET', path: '/system/df', handler: systemDataUsage },
  { method: 'POST', path: '/build/prune', handler: buildPrune },
];

/**
 * Answers only while no network routes exist (the API server skips a fallback whose method
 * and path another route declares): the docker CLI's system prune asks for it and fails on
 * a 404, and with no networks there is nothing to prune.
 */
export async function networkPruneFallback(ctx: ApiContext): Promise<void> {
  ctx.json(200, { NetworksDeleted: null });
}

export const fallbackRoutes: Route[] = [
  { method: 'POST', path: '/networks/prune', handler: networkPruneFallback },
];
