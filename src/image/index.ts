export * from './image-store';
export * from './reference';
export { applyChanges } from './changes';
export { ContentStore } from './content-store';
export { LocalImageStore, type ImageLayers, type ImageUser, type LocalImageStoreOptions } from './local-image-store';
export * from './archive';
