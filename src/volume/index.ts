export * from './volume-store';
export { LocalVolumes } from './local-volumes';
export { copyTree, isEmptyDir } from './copy';
