/**
 * Typed Docker Engine API 1.41 client: one method per endpoint the CLI uses. Streams come
 * back as async iterables (JSON objects) or raw readables (logs); attach and exec start
 * hijack the connection.
 */
import type { Http1Response } from './http1';
import type { Readable } from 'node:stream';
import type {
  NetworkConnectRequest, NetworkCreateRequest, NetworkCreateResponse, NetworkDisconnectRequest, NetworkPruneResponse, NetworkResource,
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse,
  ContainerStats, ContainerSummary, ContainerTopResponse, ContainerWaitResponse, EventMessage,
  DiskUsage, ExecCreateRequest, ExecInspect, ExecStartRequest, ImageDeleteResponseItem, ImageHistoryItem, ImageInspect,
  ImagePruneResponse, ImageSummary, ProgressMessage, AuthConfig, AuthResponse, ImageSearchResult, SystemInfo, SystemVersion, Volume, VolumeCreateRequest, VolumeListResponse,
  VolumePruneResponse,
} from '../api-types';
import { imageBuildQuery, type BuildStreamMessage, type ImageBuildOptions } from './build';
import { hostFromEnv, parseHost, type Endpoint } from './endpoint';
import { jsonLines } from './json-stream';
import { Transport, type HijackedConnection, type Query } from './transport';

/** X-Docker-Container-Path-Stat: mode holds Go's os.FileMode bits (dir = 1<<31, symlink = 1<<27) */
export interface ContainerPathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }
export interface CommitOptions { repo?: string; tag?: string; comment?: string; author?: string; pause?: boolean; changes?: string[] }

function decodePathStat(res: Http1Response): ContainerPathStat {
  const h = res.headers['x-docker-container-path-stat'];
  const raw = Array.isArray(h) ? h[0] : h;
  if (!raw) throw new Error('unable to get resource stat from response: missing X-Docker-Container-Path-Stat header');
  return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as ContainerPathStat;
}

function registryConfigHeader(o: ImageBuildOptions): Record<string, string> {
  return o.registryConfig ? { 'X-Registry-Config': o.registryConfig } : {};
}

/** Filters as the CLI collects them: key → values. Sent in docker's map form. */
export type Filters = Record<string, string[]>;

export function encodeFilters(f?: Filters): string | undefined {
  if (!f || Object.keys(f).length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const [k, vs] of Object.entries(f)) {
    out[k] = {};
    for (const v of vs) out[k][v] = true;
  }
  return JSON.stringify(out);
}

const enc = encodeURIComponent;

export interface ContainerListOptions { all?: boolean; limit?: number; size?: boolean; filters?: Filters }
export interface RemoveOptions { force?: boolean; volumes?: boolean; link?: boolean }
export interface LogsOptions {
  follow?: boolean; stdout?: boolean; stderr?: boolean; since?: string; until?: string;
  timestamps?: boolean; tail?: string; details?: boolean;
}
export interface AttachOptions { stream?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean; logs?: boolean; detachKeys?: string }
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';
export interface ImageListOptions { all?: boolean; digests?: boolean; filters?: Filters }
export interface ImportOptions { repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string }
export interface EventsOptions { since?: string; until?: string; filters?: Filters }

/** A wait registered with the daemon; `result` settles when the condition is met. */
export interface PendingWait { result: Promise<ContainerWaitResponse> }

export class EngineClient {
  readonly transport: Transport;

  constructor(readonly endpoint: Endpoint = parseHost(hostFromEnv())) {
    this.transport = new Transport(endpoint);
  }

  /** `-H` wins over BERTH_HOST, which wins over DOCKER_HOST. */
  static fromHost(host?: string): EngineClient {
    return new EngineClient(parseHost(host || hostFromEnv()));
  }

  close(): void { this.transport.close(); }

  // ---- system
  async ping(): Promise<string> {
    const res = await this.transport.request('GET', '/_ping');
    let s = '';
    for await (const c of res) s += String(c);
    return s;
  }
  version(): Promise<SystemVersion> { return this.transport.json('GET', '/version'); }
  info(): Promise<SystemInfo> { return this.transport.json('GET', '/info'); }
  async *events(o: EventsOptions = {}): AsyncGenerator<EventMessage> {
    const res = await this.transport.request('GET', '/events', { query: { since: o.since, until: o.until, filters: encodeFilters(o.filters) } });
    yield* jsonLines<EventMessage>(res);
  }

  // ---- containers
  containerCreate(body: ContainerCreateRequest, name?: string, platform?: string): Promise<ContainerCreateResponse> {
    return this.transport.json('POST', '/containers/create', { query: { name: name || undefined, platform: platform || undefined }, json: body });
  }
  containerList(o: ContainerListOptions = {}): Promise<ContainerSummary[]> {
    return this.transport.json('GET', '/containers/json', { query: { all: o.all || undefined, limit: o.limit, size: o.size || undefined, filters: encodeFilters(o.filters) } });
  }
  containerInspect(id: string, size = false): Promise<ContainerInspect> {
    return this.transport.json('GET', `/containers/${enc(id)}/json`, { query: { size: size || undefined } });
  }
  async containerStart(id: string, detachKeys?: string): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/start`, { query: { detachKeys } });
  }
  async containerStop(id: string, timeout?: number, signal?: string): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/stop`, { query: { t: timeout, signal } });
  }
  async containerRestart(id: string, timeout?: number, signal?: string): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/restart`, { query: { t: timeout, signal } });
  }
  async containerKill(id: string, signal?: string): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/kill`, { query: { signal } });
  }
  async containerRemove(id: string, o: RemoveOptions = {}): Promise<void> {
    await this.transport.call('DELETE', `/containers/${enc(id)}`, { query: { force: o.force || undefined, v: o.volumes || undefined, link: o.link || undefined } });
  }
  async containerPause(id: string): Promise<void> { await this.transport.call('POST', `/containers/${enc(id)}/pause`); }
  async containerUnpause(id: string): Promise<void> { await this.transport.call('POST', `/containers/${enc(id)}/unpause`); }
  async containerRename(id: string, name: string): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/rename`, { query: { name } });
  }
  async containerResize(id: string, height: number, width: number): Promise<void> {
    await this.transport.call('POST', `/containers/${enc(id)}/resize`, { query: { h: height, w: width } });
  }
  containerTop(id: string, psArgs?: string): Promise<ContainerTopResponse> {
    return this.transport.json('GET', `/containers/${enc(id)}/top`, { query: { ps_args: psArgs || undefined } });
  }
  containerPrune(filters?: Filters): Promise<ContainerPruneResponse> {
    return this.transport.json('POST', '/containers/prune', { query: { filters: encodeFilters(filters) } });
  }
  /** The raw log stream: stdcopy-framed unless the container has a TTY. */
  containerLogs(id: string, o: LogsOptions): Promise<Http1Response> {
    const q: Query = {
      follow: o.follow || undefined, stdout: o.stdout ?? true, stderr: o.stderr ?? true, since: o.since, until: o.until,
      timestamps: o.timestamps || undefined, tail: o.tail, details: o.details || undefined,
    };
    return this.transport.request('GET', `/containers/${enc(id)}/logs`, { query: q });
  }
  containerAttach(id: string, o: AttachOptions): Promise<HijackedConnection> {
    const q: Query = { stream: o.stream ?? true, stdin: o.stdin || undefined, stdout: o.stdout || undefined, stderr: o.stderr || undefined, logs: o.logs || undefined, detachKeys: o.detachKeys };
    return this.transport.hijack('POST', `/containers/${enc(id)}/attach`, { query: q });
  }
  /**
   * Registers a wait: resolves once the daemon has sent the response headers (it does so as
   * soon as the waiter is in place), so `run` can start the container without a race.
   */
  async containerWait(id: string, condition: WaitCondition = 'not-running'): Promise<PendingWait> {
    const res = await this.transport.request('POST', `/containers/${enc(id)}/wait`, { query: { condition } });
    const result = (async () => {
      let text = '';
      for await (const c of res) text += String(c);
      return JSON.parse(text) as ContainerWaitResponse;
    })();
    result.catch(() => undefined);
    return { result };
  }
  async *containerStats(id: string, stream: boolean): AsyncGenerator<ContainerStats> {
    const res = await this.transport.request('GET', `/containers/${enc(id)}/stats`, { query: { stream } });
    yield* jsonLines<ContainerStats>(res);
  }

  // ---- exec
  execCreate(id: string, body: ExecCreateRequest): Promise<{ Id: string }> {
    return this.transport.json('POST', `/containers/${enc(id)}/exec`, { json: body });
  }
  execStart(execId: string, body: ExecStartRequest): Promise<HijackedConnection> {
    return this.transport.hijack('POST', `/exec/${enc(execId)}/start`, { json: body });
  }
  async execStartDetached(execId: string, body: ExecStartRequest): Promise<void> {
    await this.transport.call('POST', `/exec/${enc(execId)}/start`, { json: { ...body, Detach: true } });
  }
  async execResize(execId: string, height: number, width: number): Promise<void> {
    await this.transport.call('POST', `/exec/${enc(execId)}/resize`, { query: { h: height, w: width } });
  }
  execInspect(execId: string): Promise<ExecInspect> { return this.transport.json('GET', `/exec/${enc(execId)}/json`); }

  // ---- volumes
  volumeList(filters?: Filters): Promise<VolumeListResponse> {
    return this.transport.json('GET', '/volumes', { query: { filters: encodeFilters(filters) } });
  }
  volumeCreate(body: VolumeCreateRequest): Promise<Volume> { return this.transport.json('POST', '/volumes/create', { json: body }); }
  volumeInspect(name: string): Promise<Volume> { return this.transport.json('GET', `/volumes/${enc(name)}`); }
  async volumeRemove(name: string, force = false): Promise<void> {
    await this.transport.call('DELETE', `/volumes/${enc(name)}`, { query: { force: force || undefined } });
  }
  volumePrune(filters?: Filters): Promise<VolumePruneResponse> {
    return this.transport.json('POST', '/volumes/prune', { query: { filters: encodeFilters(filters) } });
  }

  // ---- images
  imageList(o: ImageListOptions = {}): Promise<ImageSummary[]> {
    return this.transport.json('GET', '/images/json', { query: { all: o.all || undefined, digests: o.digests || undefined, filters: encodeFilters(o.filters) } });
  }
  imageInspect(name: string): Promise<ImageInspect> { return this.transport.json('GET', `/images/${enc(name)}/json`); }
  async imageTag(source: string, repo: string, tag?: string): Promise<void> {
    await this.transport.call('POST', `/images/${enc(source)}/tag`, { query: { repo, tag } });
  }
  imageRemove(name: string, force = false, noprune = false): Promise<ImageDeleteResponseItem[]> {
    return this.transport.json('DELETE', `/images/${enc(name)}`, { query: { force: force || undefined, noprune: noprune || undefined } });
  }
  networkList(filters?: Filters): Promise<NetworkResource[]> {
    return this.transport.json('GET', '/networks', { query: { filters: encodeFilters(filters) } });
  }
  networkInspect(id: string): Promise<NetworkResource> { return this.transport.json('GET', `/networks/${enc(id)}`); }
  networkCreate(body: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    return this.transport.json('POST', '/networks/create', { json: body });
  }
  async networkRemove(id: string): Promise<void> { await this.transport.call('DELETE', `/networks/${enc(id)}`); }
  async networkConnect(id: string, body: NetworkConnectRequest): Promise<void> {
    await this.transport.call('POST', `/networks/${enc(id)}/connect`, { json: body });
  }
  async networkDisconnect(id: string, body: NetworkDisconnectRequest): Promise<void> {
    await this.transport.call('POST', `/networks/${enc(id)}/disconnect`, { json: body });
  }
  networkPrune(filters?: Filters): Promise<NetworkPruneResponse> {
    return this.transport.json('POST', '/networks/prune', { query: { filters: encodeFilters(filters) } });
  }
  imagePrune(filters?: Filters): Promise<ImagePruneResponse> {
    return this.transport.json('POST', '/images/prune', { query: { filters: encodeFilters(filters) } });
  }
  imageHistory(name: string): Promise<ImageHistoryItem[]> { return this.transport.json('GET', `/images/${enc(name)}/history`); }
  systemDiskUsage(): Promise<DiskUsage> { return this.transport.json('GET', '/system/df'); }
  buildPrune(filters?: Filters, all = false, keepStorage?: number): Promise<{ CachesDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.transport.json('POST', '/build/prune', { query: { filters: encodeFilters(filters), all: all || undefined, 'keep-storage': keepStorage } });
  }
  /** `registryAuth`: X-Registry-Auth (base64url JSON AuthConfig); "e30=" ({}) is anonymous. */
  async *imagePull(fromImage: string, tag: string, platform?: string, registryAuth = 'e30='): AsyncGenerator<ProgressMessage> {
    const res = await this.transport.request('POST', '/images/create', {
      query: { fromImage, tag: tag || undefined, platform: platform || undefined },
      headers: { 'X-Registry-Auth': registryAuth },
    });
    yield* jsonLines<ProgressMessage>(res);
  }
  async *imagePush(name: string, tag: string | undefined, registryAuth: string): AsyncGenerator<ProgressMessage> {
    const res = await this.transport.request('POST', `/images/${enc(name)}/push`, { query: { tag: tag || undefined }, headers: { 'X-Registry-Auth': registryAuth } });
    yield* jsonLines<ProgressMessage>(res);
  }
  systemAuth(auth: AuthConfig): Promise<AuthResponse> { return this.transport.json('POST', '/auth', { json: auth }); }
  imageSearch(term: string, limit?: number, filters?: Filters): Promise<ImageSearchResult[]> {
    return this.transport.json('GET', '/images/search', { query: { term, limit: limit || undefined, filters: encodeFilters(filters) } });
  }
  /** `source` is a tarball stream (fromSrc=-) or a URL. */
  async *imageImport(source: Readable | string, o: ImportOptions = {}): AsyncGenerator<ProgressMessage> {
    const q: Query = {
      fromSrc: typeof source === 'string' ? source : '-', repo: o.repo, tag: o.tag, message: o.message,
      changes: o.changes?.length ? o.changes : undefined, platform: o.platform,
    };
    const res = await this.transport.request('POST', '/images/create', {
      query: q,
      body: typeof source === 'string' ? undefined : source,
      headers: typeof source === 'string' ? {} : { 'Content-Type': 'application/x-tar' },
    });
    yield* jsonLines<ProgressMessage>(res);
  }

  /** GET /images/get: Docker's archive of the named images, as a raw stream. */
  imageSave(names: string[]): Promise<Http1Response> {
    return this.transport.request('GET', '/images/get', { query: { names } });
  }

  /** POST /images/load with the archive as the body: progress, then "Loaded image" lines. */
  async *imageLoad(archive: Readable, quiet: boolean): AsyncGenerator<ProgressMessage> {
    const res = await this.transport.request('POST', '/images/load', {
      query: { quiet: quiet ? '1' : '0' }, body: archive, headers: { 'Content-Type': 'application/x-tar' },
    });
    yield* jsonLines<ProgressMessage>(res);
  }

  /** POST /build: `context` is the tar (or compressed tar) body; none with a remote context. */
  async *imageBuild(context: Buffer | Readable | null, o: ImageBuildOptions = {}): AsyncGenerator<BuildStreamMessage> {
    const res = await this.transport.request('POST', '/build', {
      query: imageBuildQuery(o), body: context ?? undefined, headers: { 'Content-Type': 'application/x-tar', ...registryConfigHeader(o) },
    });
    yield* jsonLines<BuildStreamMessage>(res);
  }

  /**
   * berth's POST /build/local: the daemon reads the context from `dir` on its own host
   * (`id`: the directory's "dev:ino" here). Rejects with ApiError 404 (not berthd) or 412
   * (the daemon cannot use it), before any message: then send the context with imageBuild.
   */
  async imageBuildLocal(dir: string, id: string, o: ImageBuildOptions = {}): Promise<AsyncGenerator<BuildStreamMessage>> {
    const res = await this.transport.request('POST', '/build/local', { query: { ...imageBuildQuery(o), contextdir: dir, contextid: id }, headers: registryConfigHeader(o) });
    return jsonLines<BuildStreamMessage>(res);
  }

  // container filesystem: diff, export, cp, commit
  containerChanges(id: string): Promise<{ Path: string; Kind: number }[] | null> {
    return this.transport.json('GET', `/containers/${enc(id)}/changes`);
  }
  containerExport(id: string): Promise<Http1Response> { return this.transport.request('GET', `/containers/${enc(id)}/export`); }
  /** HEAD /containers/{id}/archive: the path's stat from the X-Docker-Container-Path-Stat header */
  async containerStatPath(id: string, path: string): Promise<ContainerPathStat> {
    const res = await this.transport.request('HEAD', `/containers/${enc(id)}/archive`, { query: { path } });
    res.resume();
    return decodePathStat(res);
  }
  async copyFromContainer(id: string, path: string): Promise<{ stat: ContainerPathStat; content: Http1Response }> {
    const res = await this.transport.request('GET', `/containers/${enc(id)}/archive`, { query: { path } });
    return { stat: decodePathStat(res), content: res };
  }
  async copyToContainer(id: string, path: string, content: Readable, o: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    await this.transport.call('PUT', `/containers/${enc(id)}/archive`, {
      query: { path, noOverwriteDirNonDir: o.noOverwriteDirNonDir ?? true, copyUIDGID: o.copyUIDGID ? true : undefined },
      body: content,
      headers: { 'Content-Type': 'application/x-tar' },
    });
  }
  containerCommit(container: string, o: CommitOptions = {}): Promise<{ Id: string }> {
    return this.transport.json('POST', '/commit', {
      query: { container, repo: o.repo, tag: o.tag, comment: o.comment, author: o.author, pause: o.pause ?? true, changes: o.changes?.length ? o.changes : undefined },
      json: null,
    });
  }
}
