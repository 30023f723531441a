import type { HostConfig } from '../../api-types';
import type { ContainerRunSpec, NamespaceMode, SpecMount } from '../../runtime';
import { InvalidParameterError } from '../../util/errors';
import type { ContainerDoc } from './model';

const DEFAULT_SHM = 64 * 1024 * 1024;

/** Turns the stored container into what the runtime needs to build its OCI spec; `netns` from the network setup. */
export function buildRunSpec(doc: ContainerDoc, rootfs: string, netns?: NamespaceMode): ContainerRunSpec {
  const hc = doc.hostConfig;
  const cfg = doc.config;
  const sec = parseSecurityOpts(hc.SecurityOpt ?? []);
  const netHost = hc.NetworkMode === 'host';
  const mounts: SpecMount[] = [
    { destination: '/etc/hostname', type: 'bind', source: doc.hostnamePath, options: ['rbind', 'rprivate'] },
    { destination: '/etc/hosts', type: 'bind', source: doc.hostsPath, options: ['rbind', 'rprivate'] },
    { destination: '/etc/resolv.conf', type: 'bind', source: doc.resolvConfPath, options: ['rbind', 'rprivate'] },
    ...tmpfsMounts(hc.Tmpfs ?? {}),
  ];
  return {
    id: doc.id,
    name: doc.name,
    rootfs,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    hostname: cfg.Hostname ?? '',
    domainname: cfg.Domainname ?? '',
    process: {
      args: [doc.path, ...doc.args],
      env: cfg.Env ?? [],
      cwd: cfg.WorkingDir || '/',
      user: cfg.User ?? '',
      groupAdd: hc.GroupAdd ?? [],
      terminal: !!cfg.Tty,
      noNewPrivileges: sec.noNewPrivileges,
      rlimits: (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard })),
      oomScoreAdj: hc.OomScoreAdj || undefined,
    },
    privileged: !!hc.Privileged,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    seccomp: sec.seccomp,
    namespaces: {
      network: netns ?? (netHost ? 'host' : 'private'),
      pid: nsMode(hc.PidMode),
      ipc: nsMode(hc.IpcMode),
      uts: netHost || hc.UTSMode === 'host' ? 'host' : 'private',
    },
    mounts,
    resources: resources(hc),
    sysctls: hc.Sysctls ?? {},
    shmSize: hc.ShmSize || DEFAULT_SHM,
    maskedPaths: hc.MaskedPaths ?? undefined,
    readonlyPaths: hc.ReadonlyPaths ?? undefined,
    init: !!hc.Init,
    annotations: {},
    runtime: doc.runtime,
  };
}

function nsMode(mode: string | undefined): NamespaceMode {
  return mode === 'host' ? 'host' : 'private';
}

function resources(hc: HostConfig): ContainerRunSpec['resources'] {
  const r: ContainerRunSpec['resources'] = {};
  if (hc.Memory) r.memory = hc.Memory;
  if (hc.MemorySwap) r.memorySwap = hc.MemorySwap;
  if (hc.MemoryReservation) r.memoryReservation = hc.MemoryReservation;
  if (hc.CpuShares) r.cpuShares = hc.CpuShares;
  if (hc.NanoCpus) {
    r.nanoCpus = hc.NanoCpus;
  } else {
    if (hc.CpuQuota) r.cpuQuota = hc.CpuQuota;
    if (hc.CpuPeriod) r.cpuPeriod = hc.CpuPeriod;
  }
  if (hc.CpusetCpus) r.cpusetCpus = hc.CpusetCpus;
  if (hc.CpusetMems) r.cpusetMems = hc.CpusetMems;
  if (hc.PidsLimit && hc.PidsLimit > 0) r.pidsLimit = hc.PidsLimit;
  if (hc.BlkioWeight) r.blkioWeight = hc.BlkioWeight;
  return r;
}

function tmpfsMounts(tmpfs: Record<string, string>): SpecMount[] {
  return Object.entries(tmpfs).map(([dest, opts]) => ({
    destination: dest,
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'nodev', 'noexec', ...(opts ? opts.split(',') : [])],
  }));
}

/** Docker's --security-opt values: no-new-privileges[=bool], seccomp=unconfined|<profile JSON>. */
export function parseSecurityOpts(opts: string[]): { noNewPrivileges: boolean; seccomp: ContainerRunSpec['seccomp'] } {
  let noNewPrivileges = false;
  let seccomp: ContainerRunSpec['seccomp'] = { kind: 'default' };
  for (const opt of opts) {
    if (opt === 'no-new-privileges') {
      noNewPrivileges = true;
      continue;
    }
    const i = opt.search(/[=:]/);
    if (i < 0) throw new InvalidParameterError(`Invalid --security-opt: "${opt}"`);
    const key = opt.slice(0, i);
    const val = opt.slice(i + 1);
    switch (key) {
      case 'no-new-privileges':
        if (val !== 'true' && val !== 'false') throw new InvalidParameterError(`invalid --security-opt 2: "${opt}"`);
        noNewPrivileges = val === 'true';
        break;
      case 'seccomp':
        if (val === 'unconfined') seccomp = { kind: 'unconfined' };
        else if (val === 'builtin') seccomp = { kind: 'default' };
        else seccomp = { kind: 'profile', json: val };
        break;
      case 'apparmor':
      case 'label':
        break; // no AppArmor/SELinux on these hosts: accepted and ignored, as dockerd does without them
      default:
        throw new InvalidParameterError(`Invalid --security-opt: "${opt}"`);
    }
  }
  return { noNewPrivileges, seccomp };
}
