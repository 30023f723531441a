import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HostFacts } from '../spec/host-facts';

/** The v1 controllers berth reads or runc populates. */
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'] as const;
export type V1Controller = typeof V1_CONTROLLERS[number];

export interface CgroupPaths {
  version: 1 | 2;
  /** v1: the container's directory in each controller's hierarchy; v2: every key maps to the one directory */
  controllers: Record<V1Controller, string>;
  /** where cgroup.procs lists the container's processes (v1: the pids hierarchy) */
  procsDir: string;
}

export interface CgroupRootOptions {
  /** where the hierarchies are mounted (tests point it at a fixture tree); default /sys/fs/cgroup */
  root?: string;
}

/** Mount points of the v1 controllers, from mountinfo ("cpu,cpuacct" mounts serve both). */
function v1MountPoints(mountinfo: string): Partial<Record<V1Controller, string>> {
  const out: Partial<Record<V1Controller, string>> = {};
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const [fstype, , superOpts = ''] = line.slice(sep + 3).split(' ');
    if (fstype !== 'cgroup') continue;
    const mountPoint = line.slice(0, sep).split(' ')[4];
    for (const opt of superOpts.split(',')) {
      if ((V1_CONTROLLERS as readonly string[]).includes(opt) && !out[opt as V1Controller]) out[opt as V1Controller] = mountPoint;
    }
  }
  return out;
}

/**
 * Where the container's cgroup lives for a cgroupfs-style cgroupsPath ("/berth/<id>"):
 * v1 `<mount of ctrl>/berth/<id>` per controller, v2 `/sys/fs/cgroup/berth/<id>`.
 */
export function cgroupPaths(cgroupsPath: string, host: Pick<HostFacts, 'cgroupVersion'>, opts: CgroupRootOptions = {}): CgroupPaths {
  const rel = path.posix.normalize(`/${cgroupsPath}`);
  const root = opts.root ?? '/sys/fs/cgroup';
  if (host.cgroupVersion === 2) {
    const dir = path.join(root, rel);
    const controllers = Object.fromEntries(V1_CONTROLLERS.map((c) => [c, dir])) as Record<V1Controller, string>;
    return { version: 2, controllers, procsDir: dir };
  }
  let mounts: Partial<Record<V1Controller, string>> = {};
  if (opts.root === undefined) {
    try {
      mounts = v1MountPoints(fs.readFileSync('/proc/self/mountinfo', 'utf8'));
    } catch { /* fall back to the usual layout */ }
  }
  const controllers = Object.fromEntries(V1_CONTROLLERS.map((c) => [c, path.join(mounts[c] ?? path.join(root, c), rel)])) as Record<V1Controller, string>;
  return { version: 1, controllers, procsDir: controllers.pids };
}
