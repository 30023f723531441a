export * from './layer-store';
