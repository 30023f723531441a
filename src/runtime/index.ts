export * from './oci-runtime';
export { ConmonRuntime, type ConmonRuntimeOptions } from './conmon/conmon-runtime';
export { OciRuntimeError } from './conmon/oci-cli';
export { readHostFacts, type HostFacts } from './spec/host-facts';
export { resolveUser, type ResolvedUser } from './spec/user';
