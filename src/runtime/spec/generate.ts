import * as path from 'node:path';
import type { ContainerRunSpec, NamespaceMode, SpecMount } from '../oci-runtime';
import { InvalidParameterError, SystemError } from '../../util/errors';
import { containerCapabilities } from './capabilities';
import { defaultDeviceRules, hostDevices } from './devices';
import type { HostFacts } from './host-facts';
import { OCI_VERSION, type OciMount, type OciNamespace, type OciRlimit, type OciSeccomp, type OciSpec } from './oci-types';
import { ociResources } from './resources';
import { defaultSeccomp, seccompFromDockerProfile } from './seccomp';
import { resolveUser } from './user';

export const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const DEFAULT_SHM_SIZE = 64 * 1024 * 1024;
export const INIT_DESTINATION = '/sbin/docker-init';

/** Docker's masked paths (Moby oci defaults, with the later /sys/devices/virtual/powercap). */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

const RLIMIT_NAMES = new Set(['RLIMIT_AS', 'RLIMIT_CORE', 'RLIMIT_CPU', 'RLIMIT_DATA', 'RLIMIT_FSIZE', 'RLIMIT_LOCKS',
  'RLIMIT_MEMLOCK', 'RLIMIT_MSGQUEUE', 'RLIMIT_NICE', 'RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_RSS', 'RLIMIT_RTPRIO',
  'RLIMIT_RTTIME', 'RLIMIT_SIGPENDING', 'RLIMIT_STACK']);

/**
 * Docker's environment: PATH, HOSTNAME and (with a TTY) TERM first, then the container's
 * variables replacing or appending by name ("NAME" without "=" removes it), then HOME from
 * passwd when still unset (as runc does).
 */
export function containerEnv(env: readonly string[], hostname: string, terminal: boolean, home: string): string[] {
  const out = [DEFAULT_PATH, `HOSTNAME=${hostname}`];
  if (terminal) out.push('TERM=xterm');
  for (const kv of env) {
    const eq = kv.indexOf('=');
    const key = eq < 0 ? kv : kv.slice(0, eq);
    const at = out.findIndex((e) => e.slice(0, e.indexOf('=')) === key);
    if (eq < 0) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) {
      out[at] = kv;
    } else {
      out.push(kv);
    }
  }
  if (!out.some((e) => e.startsWith('HOME='))) out.push(`HOME=${home}`);
  return out;
}

/** The daemon's own finite rlimits (an unlimited one is inherited anyway), then the user's --ulimit values over them. */
export function containerRlimits(host: HostFacts['rlimits'], user: ContainerRunSpec['process']['rlimits']): OciRlimit[] {
  const out = new Map<string, OciRlimit>();
  for (const r of host) {
    if (Number.isFinite(r.soft) && Number.isFinite(r.hard)) out.set(r.name, { type: r.name, soft: r.soft, hard: r.hard });
  }
  for (const r of user) {
    const up = r.name.toUpperCase();
    const name = up.startsWith('RLIMIT_') ? up : `RLIMIT_${up}`;
    if (!RLIMIT_NAMES.has(name)) throw new InvalidParameterError(`invalid ulimit type: ${r.name}`);
    const soft = r.soft < 0 ? Infinity : r.soft;
    const hard = r.hard < 0 ? Infinity : r.hard;
    if (soft > hard) throw new InvalidParameterError(`ulimit soft limit must be less than or equal to hard limit: ${r.soft} > ${r.hard}`);
    out.set(name, { type: name, soft, hard });
  }
  return [...out.values()];
}

function namespace(type: OciNamespace['type'], mode: NamespaceMode): OciNamespace | null {
  if (mode === 'host') return null;
  if (mode === 'private') return { type };
  return { type, path: mode.path };
}

function isUnder(dest: string, dir: string): boolean {
  return dest === dir || dest.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

/** Docker's default mounts, then the container's; a container mount replaces defaults at or under its destination. */
function containerMounts(spec: ContainerRunSpec, host: HostFacts): OciMount[] {
  const ro = spec.privileged ? 'rw' : 'ro';
  const shmSize = spec.shmSize > 0 ? spec.shmSize : DEFAULT_SHM_SIZE;
  const defaults: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', ro] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    spec.namespaces.ipc === 'host'
      ? { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] }
      : { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${shmSize}`] },
  ];
  const user: SpecMount[] = spec.mounts.map((m) => ({ ...m, destination: path.posix.normalize(m.destination).replace(/(.)\/+$/, '$1') }));
  const kept = defaults.filter((d) => !user.some((u) => isUnder(d.destination, u.destination)));
  // parents before children, as Moby sorts them
  const depth = (m: SpecMount): number => m.destination.split('/').filter(Boolean).length;
  const sorted = user.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m) - depth(b.m) || a.i - b.i).map((x) => x.m);
  const mounts: OciMount[] = [...kept, ...sorted.map((m) => ({ destination: m.destination, type: m.type, source: m.source, options: [...m.options] }))];
  if (spec.init) {
    if (!host.initPath) throw new SystemError('--init requires an init binary, and none is installed (looked for /usr/bin/tini-static)');
    mounts.push({ destination: INIT_DESTINATION, type: 'bind', source: host.initPath, options: ['bind', 'ro'] });
  }
  return mounts;
}

function containerSeccomp(spec: ContainerRunSpec, caps: string[]): OciSeccomp | undefined {
  switch (spec.seccomp.kind) {
    case 'unconfined': return undefined;
    case 'profile': return seccompFromDockerProfile(spec.seccomp.json, caps);
    case 'default': return spec.privileged ? undefined : defaultSeccomp(caps);
  }
}

const IPC_SYSCTLS = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall',
  'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** Only namespaced sysctls, and only for namespaces the container owns (runc's rules, checked early). */
function checkSysctls(sysctls: Record<string, string>, spec: ContainerRunSpec): void {
  for (const key of Object.keys(sysctls)) {
    if (key.startsWith('net.')) {
      if (spec.namespaces.network === 'host') throw new InvalidParameterError(`sysctl "${key}" not allowed in host network namespace`);
      continue;
    }
    if (IPC_SYSCTLS.has(key) || key.startsWith('fs.mqueue.')) {
      if (spec.namespaces.ipc === 'host') throw new InvalidParameterError(`sysctl "${key}" not allowed in host IPC namespace`);
      continue;
    }
    if (key === 'kernel.domainname' || key === 'kernel.hostname') {
      if (spec.namespaces.uts === 'host') throw new InvalidParameterError(`sysctl "${key}" not allowed in host UTS namespace`);
      continue;
    }
    throw new InvalidParameterError(`sysctl "${key}" is not in a separate kernel namespace`);
  }
}

/** The OCI config.json for a container, shaped as Docker (Moby's oci defaults + daemon options) shapes it. */
export function generateOciSpec(spec: ContainerRunSpec, host: HostFacts): OciSpec {
  const caps = containerCapabilities({ privileged: spec.privileged, capAdd: spec.capAdd, capDrop: spec.capDrop, boundingCaps: host.boundingCaps });
  const user = resolveUser(spec.rootfs, spec.process.user, spec.process.groupAdd);
  const ownUts = spec.namespaces.uts !== 'host';
  const args = spec.init ? [INIT_DESTINATION, '--', ...spec.process.args] : [...spec.process.args];
  if (args.length === 0) throw new InvalidParameterError('No command specified');
  checkSysctls(spec.sysctls, spec);

  const namespaces = [
    namespace('mount', 'private'),
    namespace('network', spec.namespaces.network),
    namespace('uts', spec.namespaces.uts),
    namespace('pid', spec.namespaces.pid),
    namespace('ipc', spec.namespaces.ipc),
    // Docker's default cgroupns is private on cgroup v2 and the host's on v1
    host.cgroupVersion === 2 ? namespace('cgroup', 'private') : null,
  ].filter((n): n is OciNamespace => n !== null);

  const resources = ociResources(spec.resources, host.memorySwapAccounting);
  resources.devices = spec.privileged ? [{ allow: true, access: 'rwm' }] : defaultDeviceRules();

  const out: OciSpec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: spec.process.terminal,
      user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
      args,
      env: containerEnv(spec.process.env, spec.hostname, spec.process.terminal, user.home),
      cwd: spec.process.cwd || '/',
      // inheritable stays empty (Moby, since CVE-2022-24769): exec'd programs gain nothing through it
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] },
      rlimits: containerRlimits(host.rlimits, spec.process.rlimits),
      noNewPrivileges: spec.process.noNewPrivileges,
    },
    root: { path: spec.rootfs, readonly: spec.readonlyRootfs },
    mounts: containerMounts(spec, host),
    linux: {
      namespaces,
      devices: spec.privileged ? hostDevices() : [],
      cgroupsPath: `/berth/${spec.id}`,
      resources,
      maskedPaths: spec.privileged ? [] : [...(spec.maskedPaths ?? DEFAULT_MASKED_PATHS)],
      readonlyPaths: spec.privileged ? [] : [...(spec.readonlyPaths ?? DEFAULT_READONLY_PATHS)],
    },
    annotations: { ...spec.annotations },
  };
  if (ownUts && spec.hostname) out.hostname = spec.hostname;
  if (ownUts && spec.domainname) out.domainname = spec.domainname;
  if (spec.process.oomScoreAdj !== undefined) out.process.oomScoreAdj = spec.process.oomScoreAdj;
  if (Object.keys(spec.sysctls).length > 0) out.linux.sysctl = { ...spec.sysctls };
  const seccomp = containerSeccomp(spec, caps);
  if (seccomp) out.linux.seccomp = seccomp;
  return out;
}
