/** The flag set `create` and `run` share (one definition), and the create request it builds. */
import type { ContainerCreateRequest, HostConfig, NetworkingConfig } from '../../../api-types';
import { get, type FlagSpec, type FlagValues } from '../../flagset';
import { buildEnv, buildLabels } from '../../opts/env';
import { parseUlimit } from '../../opts/ulimit';
import { parseRestartPolicy } from '../../opts/restart';
import { parseGoDuration } from '../../../util/go-duration';
import { ramInBytes } from '../../format';
import { memSwapBytes, parseCpus } from '../../opts/sizes';
import { parsePublish } from '../../opts/publish';
import { parseSecurityOpts } from '../../opts/security-opt';
import { parseMount, parseTmpfs, splitVolumes } from '../../opts/mounts';

const check = (fn: (v: string) => unknown) => (v: string) => { fn(v); };
const S = (name: string, help: string, short?: string, more: Partial<FlagSpec> = {}): FlagSpec => ({ name, short, kind: 'string', help, ...more });
const L = (name: string, help: string, short?: string): FlagSpec => ({ name, short, kind: 'list', help });
const B = (name: string, help: string, short?: string): FlagSpec => ({ name, short, kind: 'bool', help });
const I = (name: string, help: string, short?: string): FlagSpec => ({ name, short, kind: 'int', help });
const bytes = { check: check(ramInBytes) };
const dur = { check: check(parseGoDuration) };

export const CREATE_FLAGS: FlagSpec[] = [
  L('add-host', 'Add a custom host-to-IP mapping (host:ip)'), L('annotation', 'Add an annotation to the container'),
  L('attach', 'Attach to STDIN, STDOUT or STDERR', 'a'), I('blkio-weight', 'Block IO (relative weight)'),
  L('cap-add', 'Add Linux capabilities'), L('cap-drop', 'Drop Linux capabilities'),
  S('cgroup-parent', 'Optional parent cgroup for the container'), S('cgroupns', 'Cgroup namespace to use (host|private)'),
  S('cidfile', 'Write the container ID to the file'), I('cpu-period', 'Limit CPU CFS period'), I('cpu-quota', 'Limit CPU CFS quota'),
  I('cpu-shares', 'CPU shares (relative weight)', 'c'), S('cpus', 'Number of CPUs', undefined, { check: check(parseCpus) }),
  S('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'), S('cpuset-mems', 'MEMs in which to allow execution (0-3, 0,1)'),
  S('detach-keys', 'Override the key sequence for detaching a container'), L('device', 'Add a host device to the container'),
  L('dns', 'Set custom DNS servers'), L('dns-option', 'Set DNS options'), L('dns-search', 'Set custom DNS search domains'),
  S('domainname', 'Container NIS domain name'), S('entrypoint', 'Overwrite the default ENTRYPOINT of the image'),
  L('env', 'Set environment variables', 'e'), L('env-file', 'Read in a file of environment variables'),
  L('expose', 'Expose a port or a range of ports'), L('group-add', 'Add additional groups to join'),
  S('health-cmd', 'Command to run to check health'), S('health-interval', 'Time between running the check (ms|s|m|h)', undefined, dur),
  I('health-retries', 'Consecutive failures needed to report unhealthy'),
  S('health-start-interval', 'Time between running the check during the start period (ms|s|m|h)', undefined, dur),
  S('health-start-period', 'Start period for the container to initialize (ms|s|m|h)', undefined, dur),
  S('health-timeout', 'Maximum time to allow one check to run (ms|s|m|h)', undefined, dur),
  S('hostname', 'Container host name', 'h'), B('init', 'Run an init inside the container that forwards signals and reaps processes'),
  B('interactive', 'Keep STDIN open even if not attached', 'i'), S('ip', 'IPv4 address'), S('ip6', 'IPv6 address'),
  S('ipc', 'IPC mode to use'), S('isolation', 'Container isolation technology'),
  L('label', 'Set meta data on a container', 'l'), L('label-file', 'Read in a line delimited file of labels'),
  L('link', 'Add link to another container'), S('log-driver', 'Logging driver for the container'), L('log-opt', 'Log driver options'),
  S('mac-address', 'Container MAC address'), S('memory', 'Memory limit', 'm', bytes),
  S('memory-reservation', 'Memory soft limit', undefined, bytes),
  S('memory-swap', "Swap limit equal to memory plus swap: '-1' to enable unlimited swap", undefined, { check: check(memSwapBytes) }),
  I('memory-swappiness', 'Tune container memory swappiness (0 to 100)'), L('mount', 'Attach a filesystem mount to the container'),
  S('name', 'Assign a name to the container'), L('network', 'Connect a container to a network'), { name: 'net', kind: 'list', hidden: true },
  L('network-alias', 'Add network-scoped alias for the container'), B('no-healthcheck', 'Disable any container-specified HEALTHCHECK'),
  B('oom-kill-disable', 'Disable OOM Killer'), I('oom-score-adj', "Tune host's OOM preferences (-1000 to 1000)"),
  S('pid', 'PID namespace to use'), I('pids-limit', 'Tune container pids limit (set -1 for unlimited)'),
  S('platform', 'Set platform if server is multi-platform capable'), B('privileged', 'Give extended privileges to this container'),
  L('publish', "Publish a container's port(s) to the host", 'p'), B('publish-all', 'Publish all exposed ports to random ports', 'P'),
  S('pull', 'Pull image before running ("always", "missing", "never")', undefined, { def: 'missing' }),
  B('quiet', 'Suppress the pull output', 'q'), B('read-only', "Mount the container's root filesystem as read only"),
  S('restart', 'Restart policy to apply when a container exits', undefined, { def: 'no', check: check(parseRestartPolicy) }),
  B('rm', 'Automatically remove the container and its associated anonymous volumes when it exits'),
  S('runtime', 'Runtime to use for this container'), L('security-opt', 'Security Options'), S('shm-size', 'Size of /dev/shm', undefined, bytes),
  S('stop-signal', 'Signal to stop the container'), I('stop-timeout', 'Timeout (in seconds) to stop a container'),
  L('storage-opt', 'Storage driver options for the container'), L('sysctl', 'Sysctl options'), L('tmpfs', 'Mount a tmpfs directory'),
  B('tty', 'Allocate a pseudo-TTY', 't'), L('ulimit', 'Ulimit options'), S('user', 'Username or UID (format: <name|uid>[:<group|gid>])', 'u'),
  S('userns', 'User namespace to use'), S('uts', 'UTS namespace to use'), L('volume', 'Bind mount a volume', 'v'),
  S('volume-driver', 'Optional volume driver for the container'), L('volumes-from', 'Mount volumes from the specified container(s)'),
  S('workdir', 'Working directory inside the container', 'w'),
];

export interface CreatePlan { body: ContainerCreateRequest; name?: string; platform?: string; pull: string; cidfile?: string }

function kv(list: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const s of list) { const i = s.indexOf('='); o[i < 0 ? s : s.slice(0, i)] = i < 0 ? '' : s.slice(i + 1); }
  return o;
}

const capName = (c: string) => { const u = c.toUpperCase(); return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`; };

/** Flags → the POST /containers/create body, as docker's CLI fills it. */
export function buildCreate(v: FlagValues, image: string, cmd: string[], opts: { readFile: (p: string) => string; attach: boolean; consoleSize?: [number, number] }): CreatePlan {
  const { readFile } = opts;
  const stdin = get.bool(v, 'interactive');
  const tty = get.bool(v, 'tty');
  const detach = !opts.attach;
  const attachList = get.list(v, 'attach').map((s) => s.toLowerCase());
  const ports = parsePublish(get.list(v, 'publish'), get.list(v, 'expose'));
  const { volumes, binds } = splitVolumes(get.list(v, 'volume'));
  const sec = parseSecurityOpts(get.list(v, 'security-opt'), readFile);
  const restart = parseRestartPolicy(get.str(v, 'restart') ?? 'no');
  if (get.bool(v, 'rm') && restart.Name !== 'no' && restart.Name !== '') throw new Error('conflicting options: cannot specify both --restart and --rm');
  const networks = [...get.list(v, 'network'), ...get.list(v, 'net')];
  const networkMode = networks[0] ?? 'default';
  const str = (k: string) => get.str(v, k);
  const mem = (k: string) => (str(k) !== undefined ? ramInBytes(str(k)!) : undefined);

  const host: HostConfig = {
    Binds: binds.length ? binds : null, ContainerIDFile: str('cidfile') ?? '',
    LogConfig: { Type: str('log-driver') ?? '', Config: kv(get.list(v, 'log-opt')) },
    NetworkMode: networkMode, PortBindings: ports.bindings, RestartPolicy: restart, AutoRemove: get.bool(v, 'rm'),
    VolumeDriver: str('volume-driver') ?? '', VolumesFrom: get.list(v, 'volumes-from').length ? get.list(v, 'volumes-from') : null,
    ConsoleSize: opts.consoleSize ?? [0, 0],
    CapAdd: get.list(v, 'cap-add').length ? get.list(v, 'cap-add').map(capName) : null,
    CapDrop: get.list(v, 'cap-drop').length ? get.list(v, 'cap-drop').map(capName) : null,
    CgroupnsMode: str('cgroupns') ?? '', Dns: get.list(v, 'dns'), DnsOptions: get.list(v, 'dns-option'), DnsSearch: get.list(v, 'dns-search'),
    ExtraHosts: get.list(v, 'add-host').length ? get.list(v, 'add-host') : null,
    GroupAdd: get.list(v, 'group-add').length ? get.list(v, 'group-add') : null,
    IpcMode: str('ipc') ?? '', Links: get.list(v, 'link').length ? get.list(v, 'link') : null,
    OomScoreAdj: get.int(v, 'oom-score-adj') ?? 0, PidMode: str('pid') ?? '', Privileged: get.bool(v, 'privileged'),
    PublishAllPorts: get.bool(v, 'publish-all'), ReadonlyRootfs: get.bool(v, 'read-only'),
    SecurityOpt: sec.securityOpt.length ? sec.securityOpt : null,
    StorageOpt: get.list(v, 'storage-opt').length ? kv(get.list(v, 'storage-opt')) : undefined,
    Tmpfs: get.list(v, 'tmpfs').length ? parseTmpfs(get.list(v, 'tmpfs')) : undefined,
    UTSMode: str('uts') ?? '', UsernsMode: str('userns') ?? '', ShmSize: mem('shm-size') ?? 0,
    Sysctls: get.list(v, 'sysctl').length ? kv(get.list(v, 'sysctl')) : undefined,
    Runtime: str('runtime'), Init: get.bool(v, 'init') ? true : undefined,
    CpuShares: get.int(v, 'cpu-shares') ?? 0, Memory: mem('memory') ?? 0,
    NanoCpus: str('cpus') !== undefined ? parseCpus(str('cpus')!) : 0,
    CpuPeriod: get.int(v, 'cpu-period') ?? 0, CpuQuota: get.int(v, 'cpu-quota') ?? 0,
    CpusetCpus: str('cpuset-cpus') ?? '', CpusetMems: str('cpuset-mems') ?? '',
    MemoryReservation: mem('memory-reservation') ?? 0,
    MemorySwap: str('memory-swap') !== undefined ? memSwapBytes(str('memory-swap')!) : 0,
    OomKillDisable: get.bool(v, 'oom-kill-disable'), PidsLimit: get.int(v, 'pids-limit'),
    BlkioWeight: get.int(v, 'blkio-weight') ?? 0,
    Ulimits: get.list(v, 'ulimit').map(parseUlimit),
    Mounts: get.list(v, 'mount').length ? get.list(v, 'mount').map(parseMount) : undefined,
  };
  const extra = host as HostConfig & Record<string, unknown>;
  extra.MemorySwappiness = get.int(v, 'memory-swappiness') ?? -1;
  extra.CgroupParent = str('cgroup-parent') ?? '';
  extra.Isolation = str('isolation') ?? '';
  if (get.list(v, 'annotation').length) extra.Annotations = kv(get.list(v, 'annotation'));
  if (get.list(v, 'device').length) {
    extra.Devices = get.list(v, 'device').map((d) => {
      const [src, dst = src, perms = 'rwm'] = d.split(':');
      return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms };
    });
  }
  if (sec.unmaskSystemPaths) { host.MaskedPaths = []; host.ReadonlyPaths = []; }

  let healthcheck: ContainerCreateRequest['Healthcheck'];
  const ns = (k: string) => (str(k) !== undefined ? parseGoDuration(str(k)!) : undefined);
  if (get.bool(v, 'no-healthcheck')) {
    if (str('health-cmd') !== undefined) throw new Error('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (str('health-cmd') !== undefined || ['health-interval', 'health-timeout', 'health-start-period', 'health-retries'].some((k) => get.has(v, k))) {
    const hc: NonNullable<ContainerCreateRequest['Healthcheck']> & Record<string, unknown> = {};
    if (str('health-cmd') !== undefined) hc.Test = ['CMD-SHELL', str('health-cmd')!];
    if (ns('health-interval')) hc.Interval = ns('health-interval');
    if (ns('health-timeout')) hc.Timeout = ns('health-timeout');
    if (ns('health-start-period')) hc.StartPeriod = ns('health-start-period');
    if (ns('health-start-interval')) hc.StartInterval = ns('health-start-interval');
    if (get.int(v, 'health-retries')) hc.Retries = get.int(v, 'health-retries');
    for (const k of ['Interval', 'Timeout', 'StartPeriod'] as const) if ((hc[k] ?? 0) < 0) throw new Error(`--health-${k.toLowerCase()} cannot be negative`);
    healthcheck = hc;
  }

  const entry = str('entrypoint');
  const networking: NetworkingConfig = { EndpointsConfig: {} };
  const epFlags = get.list(v, 'network-alias').length > 0 || !!str('ip') || !!str('ip6');
  if ((networkMode !== 'default' || epFlags) && !['host', 'none'].includes(networkMode) && !networkMode.startsWith('container:')) {
    networking.EndpointsConfig![networkMode] = {
      Aliases: get.list(v, 'network-alias').length ? get.list(v, 'network-alias') : null,
      IPAMConfig: str('ip') || str('ip6') ? { IPv4Address: str('ip'), IPv6Address: str('ip6') } : null,
    };
  }
  const body: ContainerCreateRequest = {
    Hostname: str('hostname') ?? '', Domainname: str('domainname') ?? '', User: str('user') ?? '',
    AttachStdin: !detach && (stdin || attachList.includes('stdin')),
    AttachStdout: !detach && (attachList.length === 0 || attachList.includes('stdout')),
    AttachStderr: !detach && (attachList.length === 0 || attachList.includes('stderr')),
    ExposedPorts: Object.keys(ports.exposed).length ? ports.exposed : undefined,
    Tty: tty, OpenStdin: stdin, StdinOnce: stdin && !detach,
    Env: buildEnv(get.list(v, 'env'), get.list(v, 'env-file'), readFile),
    Cmd: cmd.length ? cmd : null, Healthcheck: healthcheck, Image: image, Volumes: volumes,
    WorkingDir: str('workdir') ?? '', Entrypoint: entry === undefined ? null : entry === '' ? [''] : [entry],
    MacAddress: str('mac-address'), Labels: buildLabels(get.list(v, 'label'), get.list(v, 'label-file'), readFile),
    StopSignal: str('stop-signal'), StopTimeout: get.int(v, 'stop-timeout'),
    HostConfig: host, NetworkingConfig: networking,
  };
  if (!body.Env?.length) body.Env = null;
  return { body, name: str('name'), platform: str('platform'), pull: str('pull') ?? 'missing', cidfile: str('cidfile') };
}
