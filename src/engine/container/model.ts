import type { MountRecord } from '../volume';
import type { ContainerConfig, ContainerState, EndpointSettings, HostConfig, PortMap } from '../../api-types';

/**
 * The persisted container document. Config and HostConfig are kept as the client sent them
 * (after merging the image's defaults), as Docker does, because inspect returns them verbatim.
 */
export interface ContainerDoc {
  id: string;
  /** without the leading "/" */
  name: string;
  created: string;
  path: string;
  args: string[];
  config: ContainerConfig;
  hostConfig: HostConfig;
  /** image ID, "sha256:..." */
  image: string;
  state: ContainerState;
  restartCount: number;
  /** set when the user stopped it, so unless-stopped does not bring it back */
  manuallyStopped: boolean;
  hasBeenStarted: boolean;
  logPath: string;
  hostnamePath: string;
  hostsPath: string;
  resolvConfPath: string;
  runtime: string;
  /** sandbox: the netns file while set up; interfaces: eth name per network */
  network: { ports: PortMap; networks: Record<string, EndpointSettings>; sandbox?: string; interfaces?: Record<string, string> };
  /** volumes, binds and tmpfs mounts resolved at create (absent in documents of older berthd) */
  mounts?: MountRecord[];
}

export function initialState(): ContainerState {
  return {
    Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false,
    Pid: 0, ExitCode: 0, Error: '', StartedAt: '0001-01-01T00:00:00Z', FinishedAt: '0001-01-01T00:00:00Z',
  };
}

/** Docker's State.Status derivation from the flags. */
export function statusOf(s: ContainerState): ContainerState['Status'] {
  if (s.Dead) return 'dead';
  if (s.Restarting) return 'restarting';
  if (s.Paused) return 'paused';
  if (s.Running) return 'running';
  if (s.StartedAt !== '0001-01-01T00:00:00Z' || s.FinishedAt !== '0001-01-01T00:00:00Z') return 'exited';
  return 'created';
}
