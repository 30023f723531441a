export * from './scoped-path';
export { TarWriter, packTree, type PackOptions } from './tar-pack';
export { extractTar, ExtractError, type ExtractOptions } from './tar-extract';
