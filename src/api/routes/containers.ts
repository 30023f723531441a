import { CONTAINER_CREATE, checkShape } from '../decode';
import type { ContainerCreateRequest } from '../../api-types';
import { InvalidParameterError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { boolParam, filtersParam, intParam, stringParam } from '../query';

/** Container lifecycle and metadata; streams (logs, attach, wait, stats) are in container-io.ts. */

/** h and w are required integers, as dockerd's strconv.Atoi makes them. */
export function terminalSizeParams(q: URLSearchParams): { rows: number; cols: number } {
  const rows = intParam(q, 'h');
  const cols = intParam(q, 'w');
  if (rows === undefined || cols === undefined) throw new InvalidParameterError('invalid resize parameters: h and w are required');
  if (rows < 0 || cols < 0) throw new InvalidParameterError(`invalid resize parameters: h=${rows} w=${cols}`);
  return { rows, cols };
}

export async function containerList(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const list = await ctx.backends.containers.list({
    all: boolParam(q, 'all'),
    limit: intParam(q, 'limit', -1),
    size: boolParam(q, 'size'),
    filters: filtersParam(q),
  });
  ctx.json(200, list);
}

export async function containerCreate(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<ContainerCreateRequest>(true, 'config cannot be empty in order to create a container');
  checkShape(body as Record<string, unknown>, CONTAINER_CREATE, 'ContainerConfigWrapper');
  const created = await ctx.backends.containers.create(stringParam(ctx.query, 'name'), body as ContainerCreateRequest);
  ctx.json(201, { Id: created.Id, Warnings: created.Warnings ?? [] });
}

export async function containerInspect(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.containers.inspect(ctx.params.id, boolParam(ctx.query, 'size')));
}

export async function containerTop(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.containers.top(ctx.params.id, stringParam(ctx.query, 'ps_args')));
}

export async function containerResize(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.resize(ctx.params.id, terminalSizeParams(ctx.query));
  ctx.empty(200);
}

export async function containerStart(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.start(ctx.params.id);
  ctx.empty(204);
}

export async function containerStop(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.stop(ctx.params.id, intParam(ctx.query, 't'), stringParam(ctx.query, 'signal'));
  ctx.empty(204);
}

export async function containerRestart(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.restart(ctx.params.id, intParam(ctx.query, 't'), stringParam(ctx.query, 'signal'));
  ctx.empty(204);
}

export async function containerKill(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.kill(ctx.params.id, stringParam(ctx.query, 'signal'));
  ctx.empty(204);
}

export async function containerRename(ctx: ApiContext): Promise<void> {
  const name = stringParam(ctx.query, 'name');
  if (name === undefined) throw new InvalidParameterError('Neither old nor new names may be empty');
  await ctx.backends.containers.rename(ctx.params.id, name);
  ctx.empty(204);
}

export async function containerPause(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.pause(ctx.params.id);
  ctx.empty(204);
}

export async function containerUnpause(ctx: ApiContext): Promise<void> {
  await ctx.backends.containers.unpause(ctx.params.id);
  ctx.empty(204);
}

export async function containerDelete(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  // link=1 removes a legacy link, not the container: refuse rather than delete the wrong thing
  if (boolParam(q, 'link')) throw new InvalidParameterError('removing legacy container links is not supported');
  await ctx.backends.containers.remove(ctx.params.id, { force: boolParam(q, 'force'), volumes: boolParam(q, 'v') });
  ctx.empty(204);
}

export async function containerPrune(ctx: ApiContext): Promise<void> {
  const r = await ctx.backends.containers.prune(filtersParam(ctx.query));
  ctx.json(200, { ContainersDeleted: r.ContainersDeleted ?? null, SpaceReclaimed: r.SpaceReclaimed ?? 0 });
}

export const containerRoutes: Route[] = [
  { method: 'GET', path: '/containers/json', handler: containerList },
  { method: 'POST', path: '/containers/create', handler: containerCreate },
  { method: 'POST', path: '/containers/prune', handler: containerPrune },
  { method: 'GET', path: '/containers/:id/json', handler: containerInspect },
  { method: 'GET', path: '/containers/:id/top', handler: containerTop },
  { method: 'POST', path: '/containers/:id/resize', handler: containerResize },
  { method: 'POST', path: '/containers/:id/start', handler: containerStart },
  { method: 'POST', path: '/containers/:id/stop', handler: containerStop },
  { method: 'POST', path: '/containers/:id/restart', handler: containerRestart },
  { method: 'POST', path: '/containers/:id/kill', handler: containerKill },
  { method: 'POST', path: '/containers/:id/rename', handler: containerRename },
  { method: 'POST', path: '/containers/:id/pause', handler: containerPause },
  { method: 'POST', path: '/containers/:id/unpause', handler: containerUnpause },
  { method: 'DELETE', path: '/containers/:id', handler: containerDelete },
];
