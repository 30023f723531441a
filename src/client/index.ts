export { EngineClient, encodeFilters } from './engine-client';
export type {
  Filters, ContainerListOptions, RemoveOptions, LogsOptions, AttachOptions, WaitCondition,
  ImageListOptions, ImportOptions, EventsOptions, PendingWait, ContainerPathStat, CommitOptions,
} from './engine-client';
export { imageBuildQuery, type ImageBuildOptions, type BuildStreamMessage } from './build';
export { ApiError, DaemonUnreachableError } from './errors';
export { DEFAULT_HOST, hostFromEnv, parseHost, type Endpoint } from './endpoint';
export { StdcopyDecoder, demultiplex, copyRaw, encodeFrame, type Frame, type StreamKind, type Sink } from './stdcopy';
export { jsonLines } from './json-stream';
export { buildPath, type HijackedConnection, type Query, type RequestOptions } from './transport';
