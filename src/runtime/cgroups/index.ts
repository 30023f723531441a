export { cgroupPaths, V1_CONTROLLERS, type CgroupPaths, type CgroupRootOptions, type V1Controller } from './paths';
export { readCgroupStats, cgroupPids, parseProcStat, type CgroupStatsOptions } from './stats';
