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

export const diskUsageRoutes: Route[] = [
  { method: 'GET', path: '/system/df', handler: systemDataUsage },
];
