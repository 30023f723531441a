export * from './types';
export { RegistryClient, RepositoryClient } from './client';
export { RegistryError } from './session';
export { AuthError, parseChallenges } from './auth';
export { DialError, type TransportOptions } from './transport';
export { BlobDownload, GrowingFile, type DownloadOptions } from './download';
export { hostPlatform, parsePlatform, formatPlatform, platformMatches, selectManifest } from './platform';
export { DistributionMetadata, type BlobRecord } from './metadata';
export { searchRegistry, type SearchResult } from './search';
