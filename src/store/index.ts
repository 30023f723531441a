export * from './db';
export * from './images';
export * from './layers';
