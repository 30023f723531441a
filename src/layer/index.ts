export * from './layer-store';
export { OverlayLayerStore } from './overlay/overlay-layer-store';
