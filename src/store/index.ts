export * from './db';
export * from './containers';
export * from './events';
export * from './images';
export * from './layers';
export * from './networks';
export * from './volumes';
export * from './build-cache';
