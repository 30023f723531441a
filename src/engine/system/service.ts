import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { EventMessage, SystemInfo, SystemVersion } from '../../api-types';
import { API_VERSION, MIN_API_VERSION } from '../../api-types';
import type { ImageStore } from '../../image';
import type { Filters, SystemBackend } from '../backends';
import type { ContainerRegistry } from '../container/registry';
import type { EventBus } from '../events/bus';

export interface DaemonFacts {
  id: string;
  version: string;
  gitCommit: string;
  dataRoot: string;
  defaultRuntime: string;
  runtimes: Record<string, string>;
  runtimeVersions: Record<string, string>;
  cgroupVersion: '1' | '2';
  debug: boolean;
  securityOptions: string[];
  initPath: string;
}

const ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'aarch64' };
const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** version, info and events: what the daemon says about itself. */
export class SystemService implements SystemBackend {
  constructor(private readonly facts: DaemonFacts, private readonly containers: ContainerRegistry, private readonly images: ImageStore, private readonly bus: EventBus) {}

  async version(): Promise<SystemVersion> {
    const f = this.facts;
    return {
      Platform: { Name: 'Berth Engine' },
      Components: [
        { Name: 'Engine', Version: f.version, Details: { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, GitCommit: f.gitCommit, GoVersion: process.version, Os: 'linux', Arch: GOARCH[process.arch] ?? process.arch, KernelVersion: os.release(), Experimental: 'false', BuildTime: '' } },
        ...Object.entries(f.runtimeVersions).map(([name, v]) => ({ Name: name, Version: v, Details: { GitCommit: '' } })),
      ],
      Version: f.version,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: f.gitCommit,
      GoVersion: process.version,
      Os: 'linux',
      Arch: GOARCH[process.arch] ?? process.arch,
      KernelVersion: os.release(),
      BuildTime: '',
    };
  }

  async info(): Promise<SystemInfo> {
    const f = this.facts;
    const all = this.containers.all();
    const running = all.filter((c) => c.state.Running && !c.state.Paused).length;
    const paused = all.filter((c) => c.state.Paused).length;
    return {
      ID: f.id,
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: this.images.list().length,
      Driver: 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs'], ['Supports d_type', 'true'], ['Native Overlay Diff', 'true']],
      DockerRootDir: f.dataRoot,
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'null'], Authorization: null, Log: ['k8s-file'] },
      MemoryLimit: true,
      SwapLimit: f.cgroupVersion === '2',
      KernelMemory: false,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      OomKillDisable: f.cgroupVersion === '1',
      IPv4Forwarding: true,
      BridgeNfIptables: true,
      BridgeNfIp6tables: true,
      Debug: f.debug,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'k8s-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: f.cgroupVersion,
      NEventsListener: this.bus.listenerCount,
      KernelVersion: os.release(),
      OperatingSystem: osName(),
      OSVersion: '',
      OSType: 'linux',
      Architecture: ARCH[process.arch] ?? process.arch,
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: ['127.0.0.0/8'], Mirrors: [] },
      GenericResources: null,
      HttpProxy: process.env.HTTP_PROXY ?? '',
      HttpsProxy: process.env.HTTPS_PROXY ?? '',
      NoProxy: process.env.NO_PROXY ?? '',
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: f.version,
      Runtimes: Object.fromEntries(Object.entries(f.runtimes).map(([k, p]) => [k, { path: p }])),
      DefaultRuntime: f.defaultRuntime,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: f.initPath,
      ContainerdCommit: { ID: '', Expected: '' },
      RuncCommit: { ID: f.runtimeVersions[f.defaultRuntime] ?? '', Expected: '' },
      InitCommit: { ID: '', Expected: '' },
      SecurityOptions: f.securityOptions,
      Warnings: null,
    };
  }

  events(opts: { since?: number; until?: number; filters: Filters }, abort: AbortSignal): AsyncIterable<EventMessage> {
    return this.bus.stream(opts, abort);
  }
}

let cachedOs = '';
function osName(): string {
  if (cachedOs) return cachedOs;
  try {
    const text = readFileSync('/etc/os-release', 'utf8');
    cachedOs = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
  } catch {
    cachedOs = 'Linux';
  }
  return cachedOs;
}
