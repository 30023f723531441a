export * from './layer-store';
export { OverlayLayerStore } from './overlay/overlay-layer-store';
export { decompressedTar } from './overlay/tar-unpack';
export { computeChanges, opaqueDirs, rwDiffTar, withLowerView, type LayerChange } from './rootfs';
