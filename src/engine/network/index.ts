export { ContainerNetworking, modeOf } from './attach';
export type { ContainerLookup, ContainerNetworkHooks } from './attach';
export { ensureDefaultNetworks } from './defaults';
export type { DefaultBridgeOptions } from './defaults';
export type { NetworkDoc } from './model';
export { NetworkRegistry } from './registry';
export { NetworkService } from './service';
