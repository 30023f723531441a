export * from './oci-types';
export { readHostFacts, type HostFacts } from './host-facts';
export { generateOciSpec, containerEnv, containerRlimits, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './generate';
export { defaultSeccomp, seccompFromDockerProfile } from './seccomp';
export { resolveUser, type ResolvedUser } from './user';
export { containerCapabilities, capsToMask, DEFAULT_CAPABILITIES } from './capabilities';
export { cpuQuotaFromNanoCpus } from './resources';
