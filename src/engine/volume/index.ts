export { ContainerMounts, mountFor, mountPoints, mountRedirects, ANONYMOUS_LABEL } from './container-mounts';
export type { MountOwner } from './container-mounts';
export type { MountRecord } from './mount-specs';
export { parseBind, parseMountSpec } from './mount-specs';
export { VolumeService } from './service';
