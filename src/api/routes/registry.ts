import type { Readable } from 'node:stream';
import type { AuthConfig } from '../../api-types';
import type { RegistryBackend } from '../../engine';
import { InvalidParameterError, NotFoundError, SystemError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { filtersParam, stringParam } from '../query';
import { streamJsonLines } from '../streaming';

/**
 * Registries: pull (POST /images/create?fromImage=, in images.ts), push, login, search and
 * the distribution inspect. Credentials come as X-Registry-Auth: base64url JSON AuthConfig.
 */

function backend(ctx: ApiContext): RegistryBackend {
  const r = ctx.backends.registry;
  if (!r) throw new SystemError('registry operations are not supported by this berthd');
  return r;
}

/** X-Registry-Auth, decoded; a missing or undecodable header means anonymous, as in Docker. */
export function registryAuth(ctx: ApiContext): AuthConfig | undefined {
  const a = ctx.jsonHeader('X-Registry-Auth');
  return a && typeof a === 'object' ? (a as AuthConfig) : undefined;
}

/** The pull half of POST /images/create. */
export function imagePull(ctx: ApiContext, fromImage: string): Readable {
  const q = ctx.query;
  const tag = stringParam(q, 'tag');
  if (!ctx.backends.registry) throw new SystemError(`pulling images is not supported by this berthd: cannot pull ${fromImage}${tag ? `:${tag}` : ''}`);
  return backend(ctx).pull(fromImage, { tag, platform: stringParam(q, 'platform'), auth: registryAuth(ctx) }, ctx.signal);
}

/** POST /images/{name}/push?tag= */
export async function imagePush(ctx: ApiContext): Promise<void> {
  const progress = backend(ctx).push(ctx.params.name, { tag: stringParam(ctx.query, 'tag'), auth: registryAuth(ctx) }, ctx.signal);
  await streamJsonLines(ctx, progress, { headers: 'first', errorLines: true, release: () => progress.destroy() });
}

export async function systemAuth(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<AuthConfig>(true);
  ctx.json(200, await backend(ctx).login(body ?? {}));
}

export async function imageSearch(ctx: ApiContext): Promise<void> {
  const term = stringParam(ctx.query, 'term');
  if (!term) throw new InvalidParameterError('term is required');
  const limitS = stringParam(ctx.query, 'limit');
  const limit = limitS ? Number(limitS) : 25;
  if (!Number.isInteger(limit)) throw new InvalidParameterError(`invalid limit: ${limitS}`);
  ctx.json(200, await backend(ctx).search(term, { limit, filters: filtersParam(ctx.query) }));
}

export async function distributionInspect(ctx: ApiContext): Promise<void> {
  const rest = ctx.params['*'] ?? '';
  if (!rest.endsWith('/json')) throw new NotFoundError('page not found');
  ctx.json(200, await backend(ctx).distribution(rest.slice(0, -'/json'.length), registryAuth(ctx)));
}

export const registryRoutes: Route[] = [
  { method: 'POST', path: '/auth', handler: systemAuth },
  { method: 'GET', path: '/images/search', handler: imageSearch },
  { method: 'GET', path: '/distribution/*', handler: distributionInspect },
];
