import type { Readable } from 'node:stream';
import type {
  BuildPruneResponse, DiskUsageBuildCache,
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse,
  ContainerStats, ContainerSummary, ContainerTopResponse, ContainerWaitResponse, EventMessage,
  DiskUsage, ExecCreateRequest, ExecInspect, ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary,
  EndpointSettings, HostConfig, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneResponse, NetworkResource,
  SystemInfo, SystemVersion, AuthConfig, AuthResponse, DistributionInspect, ImageSearchResult, Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse,
} from '../api-types';
import type { StdioStream, TerminalSize } from '../runtime';

export type { StdioStream, TerminalSize, LogEntry, OutputChunk } from '../runtime';

/**
 * What the API layer may ask of the engine, one interface per resource (as Moby's routers
 * take a backend). Handlers parse, make one call here, and shape the reply.
 * Every method throws typed errors from util/errors with Docker's status and wording.
 */

/** Docker's filters query parameter, decoded: {"status": ["exited"], "label": ["a=b"]}. */
export type Filters = Record<string, string[]>;

export interface LogsOptions {
  follow: boolean;
  stdout: boolean;
  stderr: boolean;
  since: number;
  until: number;
  timestamps: boolean;
  tail: number; // -1 = all
}

export interface AttachOptions {
  stream: boolean;
  logs: boolean;
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string;
}

/** A hijacked session: output chunks plus stdin; `tty` decides the framing. */
export interface AttachSession extends StdioStream {
  tty: boolean;
  /** resolves when the output has ended (container exited, or detached) */
  done: Promise<void>;
}

export interface ContainerBackend {
  create(name: string | undefined, req: ContainerCreateRequest): Promise<ContainerCreateResponse>;
  list(opts: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<ContainerSummary[]>;
  inspect(ref: string, size: boolean): Promise<ContainerInspect>;
  start(ref: string): Promise<void>;
  stop(ref: string, timeoutSec?: number, signal?: string): Promise<void>;
  restart(ref: string, timeoutSec?: number, signal?: string): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  /** condition: not-running (default) | next-exit | removed */
  wait(ref: string, condition: string, abort?: AbortSignal): Promise<ContainerWaitResponse>;
  remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void>;
  /** objectMode Readable of runtime LogEntry */
  logs(ref: string, opts: LogsOptions, abort?: AbortSignal): Promise<{ tty: boolean; entries: Readable }>;
  attach(ref: string, opts: AttachOptions): Promise<AttachSession>;
  resize(ref: string, size: TerminalSize): Promise<void>;
  top(ref: string, psArgs?: string): Promise<ContainerTopResponse>;
  rename(ref: string, newName: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  /** one-shot when !stream; otherwise a stats object about every second until abort */
  stats(ref: string, stream: boolean, abort?: AbortSignal): AsyncIterable<ContainerStats>;
  prune(filters: Filters): Promise<ContainerPruneResponse>;
}

export interface ExecBackend {
  create(containerRef: string, req: ExecCreateRequest): Promise<{ Id: string }>;
  /** detach: runs in the background and resolves with null */
  start(execId: string, opts: { detach: boolean; tty: boolean; consoleSize?: TerminalSize }): Promise<AttachSession | null>;
  resize(execId: string, size: TerminalSize): Promise<void>;
  inspect(execId: string): Promise<ExecInspect>;
}

export interface ImageBackend {
  list(opts: { all: boolean; filters: Filters; digests: boolean }): Promise<ImageSummary[]>;
  inspect(ref: string): Promise<ImageInspect>;
  /** POST /images/create?fromSrc=-|URL: objectMode Readable of ProgressMessage */
  import(source: Readable | string, opts: { repo?: string; tag?: string; changes: string[]; message?: string; platform?: string }): Readable;
  tag(ref: string, repo: string, tag?: string): Promise<void>;
  remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageDeleteResponseItem[]>;
  /** GET /images/get: Docker's archive (tar stream); throws before streaming when a name is unknown */
  save(refs: string[]): Readable;
  /** GET /images/{name}/history: newest entry first */
  history(ref: string): Promise<ImageHistoryItem[]>;
  /** POST /images/prune (filters dangling, until, label, label!) */
  prune(filters: Filters): Promise<ImagePruneResponse>;
  /** POST /images/load: objectMode Readable of ProgressMessage (per-layer progress unless quiet) */
  load(body: Readable, quiet: boolean): Readable;
}

/** Registries: pull and push stream ProgressMessage objects (objectMode Readables). */
export interface RegistryBackend {
  /** POST /images/create?fromImage=&tag=&platform= */
  pull(fromImage: string, opts: { tag?: string; platform?: string; auth?: AuthConfig }, abort?: AbortSignal): Readable;
  /** POST /images/{name}/push?tag= */
  push(name: string, opts: { tag?: string; auth?: AuthConfig }, abort?: AbortSignal): Readable;
  /** POST /auth */
  login(auth: AuthConfig): Promise<AuthResponse>;
  /** GET /images/search */
  search(term: string, opts: { limit: number; filters: Filters }): Promise<ImageSearchResult[]>;
  /** GET /distribution/{name}/json */
  distribution(name: string, auth?: AuthConfig): Promise<DistributionInspect>;
}

export interface SystemBackend {
  version(): Promise<SystemVersion>;
  info(): Promise<SystemInfo>;
  /** past events in [since, until] then, when until is 0/future, live ones until abort */
  events(opts: { since?: number; until?: number; filters: Filters }, abort: AbortSignal): AsyncIterable<EventMessage>;
}

/** X-Docker-Container-Path-Stat: a path inside a container (mode in Go's os.FileMode bits) */
export interface ContainerPathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

export interface CommitOptions {
  /** "repo[:tag]" for the new image, or none */
  reference?: string;
  comment?: string;
  author?: string;
  pause: boolean;
  /** Dockerfile instructions (CMD, ENV, ...) applied to the new image's config */
  changes: string[];
}

/** A container's filesystem: diff, export, cp (archive) and commit. */
export interface ContainerFsBackend {
  changes(ref: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]>;
  /** the merged filesystem as a tar stream */
  export(ref: string): Promise<Readable>;
  statPath(ref: string, path: string): Promise<ContainerPathStat>;
  getArchive(ref: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }>;
  putArchive(ref: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void>;
  commit(ref: string, opts: CommitOptions): Promise<{ Id: string }>;
}

/** GET /system/df (POST /build/prune is the builder's: BuildBackend.prune). */
export interface DiskUsageBackend {
  diskUsage(): Promise<DiskUsage>;
}

/** POST /build's query parameters, decoded. */
export interface BuildRequest {
  /** -t, repeatable */
  tags: string[];
  /** path of the Dockerfile in the context; '' = Dockerfile */
  dockerfile: string;
  /** --build-arg: a null value = given without one and unset in the client */
  buildArgs: Map<string, string | null>;
  target: string;
  noCache: boolean;
  pull: boolean;
  labels: Record<string, string>;
  quiet: boolean;
  networkMode: string;
  extraHosts: string[];
  rm: boolean;
  forceRm: boolean;
  /** a URL to fetch the context (or Dockerfile) from instead of the body; '' = the body */
  remote: string;
  /** --platform: the platform of the base images (FROM --platform= wins); '' = the host's */
  platform?: string;
  /** X-Registry-Config: credentials by registry ("https://index.docker.io/v1/", "host:5000") for the base images' pulls */
  registryAuths?: Record<string, AuthConfig>;
  /**
   * berth's POST /build/local: a directory of the daemon's host to read the context from (as
   * the client would have packed it) instead of the body, and the "dev:ino" the client saw
   * there, proof that both see the same directory
   */
  localContext?: { dir: string; id: string };
  /** limits of the RUN containers (--memory, --cpu-shares, --shm-size, --ulimit, ...) */
  resources?: Pick<HostConfig, 'Memory' | 'MemorySwap' | 'CpuShares' | 'CpusetCpus' | 'CpuPeriod' | 'CpuQuota' | 'ShmSize' | 'Ulimits'>;
}

export interface BuildBackend {
  /**
   * Builds from the context tar (or a Dockerfile) in `context`: an objectMode Readable of
   * BuildMessage. It fails (errors before its first message) for a bad request or Dockerfile;
   * later failures arrive as an errorDetail message. Aborting stops the build, killing and
   * removing its RUN container.
   */
  build(context: Readable, req: BuildRequest, abort: AbortSignal): Readable;
  prune(): Promise<BuildPruneResponse>;
  /** the build cache for GET /system/df */
  usage(): Promise<DiskUsageBuildCache[]>;
}

export interface NetworkBackend {
  list(filters: Filters): Promise<NetworkResource[]>;
  inspect(ref: string): Promise<NetworkResource>;
  create(req: NetworkCreateRequest): Promise<NetworkCreateResponse>;
  remove(ref: string): Promise<void>;
  connect(ref: string, container: string, cfg: EndpointSettings | undefined): Promise<void>;
  disconnect(ref: string, container: string, force: boolean): Promise<void>;
  prune(filters: Filters): Promise<NetworkPruneResponse>;
}

export interface VolumeBackend {
  list(filters: Filters): Promise<VolumeListResponse>;
  create(req: VolumeCreateRequest): Promise<Volume>;
  inspect(name: string): Promise<Volume>;
  /** refused (409) while a container uses it; force ignores only a missing volume */
  remove(name: string, force: boolean): Promise<void>;
  prune(filters: Filters): Promise<VolumePruneResponse>;
  /** for GET /system/df: every volume with UsageData {Size, RefCount} */
  usage(): Promise<Volume[]>;
}

export interface Backends {
  containers: ContainerBackend;
  /** absent in fakes; the routes answer 501 without it */
  containerFs?: ContainerFsBackend;
  execs: ExecBackend;
  images: ImageBackend;
  /** absent in fakes; the routes answer 501 without it */
  diskUsage?: DiskUsageBackend;
  networks?: NetworkBackend;
  system: SystemBackend;
  /** absent in fakes; the routes answer 501 without it */
  volumes?: VolumeBackend;
  /** absent in fakes; the routes answer 501 without it */
  builds?: BuildBackend;
  /** absent in fakes; pull, push, login and search answer 501 without it */
  registry?: RegistryBackend;
}
