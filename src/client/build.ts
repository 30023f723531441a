/**
 * POST /build as the docker CLI's classic builder calls it (client.ImageBuild): the options
 * become Docker's query parameters, the context tar is the body, and the reply is a stream
 * of JSON messages.
 */
import type { ProgressMessage } from '../api-types';
import type { Query } from './transport';

/** One message of the build stream: text, the built image's ID (aux), pull progress, or the error. */
export type BuildStreamMessage = Omit<ProgressMessage, 'aux' | 'errorDetail'> & {
  aux?: { ID?: string } & Record<string, unknown>;
  errorDetail?: { code?: number; message: string };
};

export interface ImageBuildOptions {
  tags?: string[];
  /** path of the Dockerfile inside the context */
  dockerfile?: string;
  /** a null value: the argument is declared without a value (docker's `--build-arg K` with K unset) */
  buildArgs?: Record<string, string | null>;
  labels?: Record<string, string>;
  target?: string;
  noCache?: boolean;
  pull?: boolean;
  quiet?: boolean;
  networkMode?: string;
  extraHosts?: string[];
  /** remove intermediate containers after a successful build (the daemon's default: true) */
  remove?: boolean;
  forceRemove?: boolean;
  /** a context the daemon fetches itself (git URL) */
  remoteContext?: string;
  /** X-Registry-Config: credentials by registry for the base images' pulls (base64url JSON) */
  registryConfig?: string;
  platform?: string;
  cacheFrom?: string[];
  securityOpt?: string[];
  shmSize?: number;
  memory?: number;
  memorySwap?: number;
  cpuShares?: number;
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuSetCpus?: string;
  cpuSetMems?: string;
  cgroupParent?: string;
  isolation?: string;
  squash?: boolean;
  ulimits?: { Name: string; Soft: number; Hard: number }[];
}

/** The query of client.imageBuildOptionsToQuery: only what is set (rm=0 only when opting out, no networkmode for "default"). */
export function imageBuildQuery(o: ImageBuildOptions): Query {
  const q: Query = {};
  if (o.tags?.length) q.t = o.tags;
  if (o.securityOpt?.length) q.securityopt = o.securityOpt;
  if (o.extraHosts?.length) q.extrahosts = o.extraHosts;
  if (o.quiet) q.q = '1';
  if (o.remoteContext) q.remote = o.remoteContext;
  if (o.noCache) q.nocache = '1';
  if (o.remove === false) q.rm = '0';
  if (o.forceRemove) q.forcerm = '1';
  if (o.pull) q.pull = '1';
  if (o.squash) q.squash = '1';
  if (o.isolation) q.isolation = o.isolation;
  if (o.cpuSetCpus) q.cpusetcpus = o.cpuSetCpus;
  if (o.cpuSetMems) q.cpusetmems = o.cpuSetMems;
  if (o.cpuShares) q.cpushares = o.cpuShares;
  if (o.cpuQuota) q.cpuquota = o.cpuQuota;
  if (o.cpuPeriod) q.cpuperiod = o.cpuPeriod;
  if (o.memory) q.memory = o.memory;
  if (o.memorySwap) q.memswap = o.memorySwap;
  if (o.cgroupParent) q.cgroupparent = o.cgroupParent;
  if (o.shmSize) q.shmsize = o.shmSize;
  if (o.dockerfile) q.dockerfile = o.dockerfile;
  if (o.networkMode && o.networkMode !== 'default') q.networkmode = o.networkMode;
  if (o.target) q.target = o.target;
  if (o.platform) q.platform = o.platform;
  if (o.ulimits?.length) q.ulimits = JSON.stringify(o.ulimits);
  if (o.buildArgs && Object.keys(o.buildArgs).length) q.buildargs = JSON.stringify(o.buildArgs);
  if (o.labels && Object.keys(o.labels).length) q.labels = JSON.stringify(o.labels);
  if (o.cacheFrom?.length) q.cachefrom = JSON.stringify(o.cacheFrom);
  // the classic builder (BuilderV1), as the docker CLI asks for it
  q.version = '1';
  return q;
}
