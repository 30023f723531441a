import type { AuthConfig } from '../../api-types';
import type { BuildBackend, BuildRequest } from '../../engine';
import { EngineError, InvalidParameterError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { boolParam, intParam, listParam, stringParam } from '../query';
import { streamJsonLines } from '../streaming';

class NotImplemented extends EngineError {
  constructor() { super('the builder is not available in this daemon', 501); }
}

function backend(ctx: ApiContext): BuildBackend {
  const b = ctx.backends.builds;
  if (!b) throw new NotImplemented();
  return b;
}

/** A JSON object parameter (buildargs, labels); absent or empty → {}. */
function jsonMap<T>(q: URLSearchParams, name: string): Record<string, T> {
  const v = q.get(name);
  if (v === null || v.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch (e) {
    throw new InvalidParameterError(`failed to parse ${name}: ${(e as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidParameterError(`failed to parse ${name}: not a JSON object`);
  return parsed as Record<string, T>;
}

/** POST /build's query (moby's newImageBuildOptions). */
export function buildRequest(q: URLSearchParams): BuildRequest {
  const args = jsonMap<string | null>(q, 'buildargs');
  return {
    tags: listParam(q, 't').filter((t) => t !== ''),
    dockerfile: stringParam(q, 'dockerfile') ?? '',
    buildArgs: new Map(Object.entries(args).map(([k, v]) => [k, v === null ? null : String(v)])),
    target: stringParam(q, 'target') ?? '',
    noCache: boolParam(q, 'nocache'),
    pull: boolParam(q, 'pull'),
    labels: Object.fromEntries(Object.entries(jsonMap<string>(q, 'labels')).map(([k, v]) => [k, String(v)])),
    quiet: boolParam(q, 'q'),
    networkMode: stringParam(q, 'networkmode') ?? '',
    extraHosts: listParam(q, 'extrahosts').flatMap((h) => h.split(',')).filter((h) => h !== ''),
    rm: boolParam(q, 'rm', true),
    forceRm: boolParam(q, 'forcerm'),
    remote: stringParam(q, 'remote') ?? '',
    platform: stringParam(q, 'platform') ?? '',
    resources: resources(q),
  };
}

/** The RUN containers' limits: only those given (0 and absent mean none, as in moby). */
type Resources = NonNullable<BuildRequest['resources']>;

function resources(q: URLSearchParams): Resources {
  const r: Resources = {};
  const ints: [string, 'Memory' | 'MemorySwap' | 'CpuShares' | 'CpuPeriod' | 'CpuQuota' | 'ShmSize'][] = [
    ['memory', 'Memory'], ['memswap', 'MemorySwap'], ['cpushares', 'CpuShares'], ['cpuperiod', 'CpuPeriod'], ['cpuquota', 'CpuQuota'], ['shmsize', 'ShmSize'],
  ];
  for (const [name, field] of ints) {
    const v = intParam(q, name);
    if (v) r[field] = v;
  }
  const cpus = stringParam(q, 'cpusetcpus');
  if (cpus) r.CpusetCpus = cpus;
  const ulimits = q.get('ulimits');
  if (ulimits) {
    try {
      r.Ulimits = JSON.parse(ulimits) as Resources['Ulimits'];
    } catch (e) {
      throw new InvalidParameterError(`failed to parse ulimits: ${(e as Error).message}`);
    }
  }
  return r;
}

/**
 * X-Registry-Config: base64url JSON of AuthConfig by registry, as the docker CLI sends every
 * stored credential with a build; a missing or undecodable header is none (moby's getAuthConfigs).
 */
function registryConfig(ctx: ApiContext): Record<string, AuthConfig> | undefined {
  const parsed = ctx.jsonHeader('X-Registry-Config');
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, AuthConfig> : undefined;
}

function request(ctx: ApiContext): BuildRequest {
  return { ...buildRequest(ctx.query), registryAuths: registryConfig(ctx) };
}

/** POST /build: the body is the context; the reply Docker's classic JSON message stream. */
export async function imageBuild(ctx: ApiContext): Promise<void> {
  const messages = backend(ctx).build(ctx.bodyStream(), request(ctx), ctx.signal);
  await streamJsonLines(ctx, messages, { headers: 'first', errorLines: true, release: () => messages.destroy() });
}

/**
 * POST /build/local (berth): as POST /build, with the context read by the daemon from the
 * directory `contextdir` of its own host instead of sent as the body; `contextid` is the
 * directory's "dev:ino" as the client saw it. 412 when the daemon cannot use it (another
 * filesystem view, an unreadable file): the client then sends the context as usual.
 */
export async function imageBuildLocal(ctx: ApiContext): Promise<void> {
  const dir = stringParam(ctx.query, 'contextdir');
  const id = stringParam(ctx.query, 'contextid');
  if (!dir || !id) throw new InvalidParameterError('contextdir and contextid are required');
  const messages = backend(ctx).build(ctx.bodyStream(), { ...request(ctx), localContext: { dir, id } }, ctx.signal);
  await streamJsonLines(ctx, messages, { headers: 'first', errorLines: true, release: () => messages.destroy() });
}

/** POST /build/prune */
export async function buildPrune(ctx: ApiContext): Promise<void> {
  ctx.json(200, await backend(ctx).prune());
}

export const buildRoutes: Route[] = [
  { method: 'POST', path: '/build', handler: imageBuild },
  { method: 'POST', path: '/build/prune', handler: buildPrune },
  { method: 'POST', path: '/build/local', handler: imageBuildLocal },
];
