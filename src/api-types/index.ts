export * from './build';
export * from './container';
export * from './exec';
export * from './image';
export * from './network';
export * from './system';
export * from './volume';

/** The API version berthd speaks by default and the oldest it accepts. */
export const API_VERSION = '1.41';
export const MIN_API_VERSION = '1.12';
