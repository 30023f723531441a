import type { VolumeCreateRequest } from '../../api-types';
import type { VolumeBackend } from '../../engine';
import { EngineError, InvalidParameterError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { boolParam, filtersParam } from '../query';

class NotImplemented extends EngineError {
  constructor() { super('volumes are not available in this daemon', 501); }
}

function volumes(ctx: ApiContext): VolumeBackend {
  const b = ctx.backends.volumes;
  if (!b) throw new NotImplemented();
  return b;
}

export async function volumeList(ctx: ApiContext): Promise<void> {
  ctx.json(200, await volumes(ctx).list(filtersParam(ctx.query)));
}

export async function volumeCreate(ctx: ApiContext): Promise<void> {
  const body = (await ctx.readJsonObject<VolumeCreateRequest>(false)) ?? {};
  for (const k of ['Name', 'Driver'] as const) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== 'string') throw new InvalidParameterError(`json: cannot unmarshal ${typeof body[k]} into Go struct field CreateOptions.${k} of type string`);
  }
  ctx.json(201, await volumes(ctx).create(body));
}

export async function volumeInspect(ctx: ApiContext): Promise<void> {
  ctx.json(200, await volumes(ctx).inspect(ctx.params.name));
}

export async function volumeDelete(ctx: ApiContext): Promise<void> {
  await volumes(ctx).remove(ctx.params.name, boolParam(ctx.query, 'force'));
  ctx.empty(204);
}

export async function volumePrune(ctx: ApiContext): Promise<void> {
  ctx.json(200, await volumes(ctx).prune(filtersParam(ctx.query)));
}

export const volumeRoutes: Route[] = [
  { method: 'GET', path: '/volumes', handler: volumeList },
  { method: 'POST', path: '/volumes/create', handler: volumeCreate },
  { method: 'POST', path: '/volumes/prune', handler: volumePrune },
  { method: 'GET', path: '/volumes/:name', handler: volumeInspect },
  { method: 'DELETE', path: '/volumes/:name', handler: volumeDelete },
];
