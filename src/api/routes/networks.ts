import type { NetworkConnectRequest, NetworkCreateRequest, NetworkDisconnectRequest } from '../../api-types';
import { EngineError, InvalidParameterError } from '../../util/errors';
import type { NetworkBackend } from '../../engine';
import type { ApiContext, Route } from '../context';
import { filtersParam } from '../query';

class NotImplemented extends EngineError {
  constructor() { super('networks are not available in this daemon', 501); }
}

function networks(ctx: ApiContext): NetworkBackend {
  const b = ctx.backends.networks;
  if (!b) throw new NotImplemented();
  return b;
}

export async function networkList(ctx: ApiContext): Promise<void> {
  ctx.json(200, await networks(ctx).list(filtersParam(ctx.query)));
}

export async function networkInspect(ctx: ApiContext): Promise<void> {
  ctx.json(200, await networks(ctx).inspect(ctx.params.id));
}

export async function networkCreate(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<NetworkCreateRequest>(true);
  ctx.json(201, await networks(ctx).create(body as NetworkCreateRequest));
}

export async function networkDelete(ctx: ApiContext): Promise<void> {
  await networks(ctx).remove(ctx.params.id);
  ctx.empty(204);
}

export async function networkConnect(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<NetworkConnectRequest>(true);
  if (!body?.Container) throw new InvalidParameterError('no container specified');
  await networks(ctx).connect(ctx.params.id, body.Container, body.EndpointConfig ?? undefined);
  ctx.empty(200);
}

export async function networkDisconnect(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<NetworkDisconnectRequest>(true);
  if (!body?.Container) throw new InvalidParameterError('no container specified');
  await networks(ctx).disconnect(ctx.params.id, body.Container, !!body.Force);
  ctx.empty(200);
}

export async function networkPrune(ctx: ApiContext): Promise<void> {
  ctx.json(200, await networks(ctx).prune(filtersParam(ctx.query)));
}

export const networkRoutes: Route[] = [
  { method: 'GET', path: '/networks', handler: networkList },
  { method: 'GET', path: '/networks/:id', handler: networkInspect },
  { method: 'POST', path: '/networks/create', handler: networkCreate },
  { method: 'DELETE', path: '/networks/:id', handler: networkDelete },
  { method: 'POST', path: '/networks/:id/connect', handler: networkConnect },
  { method: 'POST', path: '/networks/:id/disconnect', handler: networkDisconnect },
  { method: 'POST', path: '/networks/prune', handler: networkPrune },
];
