export * from './scoped-path';
export { TarWriter, packTree, type PackOptions } from './tar-pack';
export { extractTar, ExtractError, writeNewFile, type ExtractOptions } from './tar-extract';
