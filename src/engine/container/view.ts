import type { ContainerInspect, ContainerPort, ContainerSummary, NetworkSettings } from '../../api-types';
import { InvalidParameterError } from '../../util/errors';
import { containerStatus } from '../../util/human-time';
import type { Filters } from '../backends';
import type { ContainerDeps } from './deps';
import type { ContainerDoc } from './model';
import { statusOf } from './model';
import { mountPoints } from '../volume';
import { labelMatch } from '../label-filter';

/** Docker fills the top-level address fields from the default bridge's endpoint only. */
function networkSettings(doc: ContainerDoc): NetworkSettings {
  const b = doc.network.networks.bridge ?? {};
  const sandbox = doc.network.sandbox ?? '';
  return {
    Bridge: '', SandboxID: sandbox ? doc.id : '', HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    Ports: doc.network.ports, SandboxKey: sandbox, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
    EndpointID: b.EndpointID ?? '', Gateway: b.Gateway ?? '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: b.IPAddress ?? '', IPPrefixLen: b.IPPrefixLen ?? 0,
    IPv6Gateway: '', MacAddress: b.MacAddress ?? '', Networks: doc.network.networks,
  };
}

export function toInspect(deps: ContainerDeps, doc: ContainerDoc, execIds: string[]): ContainerInspect {
  const state = { ...doc.state, Status: statusOf(doc.state) };
  return {
    Id: doc.id,
    Created: doc.created,
    Path: doc.path,
    Args: doc.args,
    State: state,
    Image: doc.image,
    ResolvConfPath: doc.resolvConfPath,
    HostnamePath: doc.hostnamePath,
    HostsPath: doc.hostsPath,
    LogPath: doc.logPath,
    Name: `/${doc.name}`,
    RestartCount: doc.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length ? execIds : null,
    HostConfig: doc.hostConfig,
    GraphDriver: { Name: 'overlay2', Data: deps.layers.graphData(doc.id) },
    Mounts: mountPoints(doc.mounts),
    Config: doc.config,
    NetworkSettings: networkSettings(doc),
  };
}

/** dockerd's STATUS column text, e.g. "Up 3 minutes (healthy)", "Exited (3) 2 seconds ago". */
export function statusText(doc: ContainerDoc, now = Date.now()): string {
  const s = doc.state;
  // a container waiting out its restart delay is running in Docker's terms
  return containerStatus({ ...s, Running: s.Running || s.Restarting }, now);
}

function ports(doc: ContainerDoc): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const [key, bindings] of Object.entries(doc.network.ports)) {
    const [port, proto] = key.split('/');
    const type = (proto ?? 'tcp') as ContainerPort['Type'];
    if (!bindings || bindings.length === 0) {
      out.push({ PrivatePort: Number(port), Type: type });
      continue;
    }
    for (const b of bindings) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return out;
}

function commandText(doc: ContainerDoc): string {
  return [doc.path, ...doc.args].join(' ');
}

export function toSummary(doc: ContainerDoc): ContainerSummary {
  return {
    Id: doc.id,
    Names: [`/${doc.name}`],
    Image: doc.config.Image ?? '',
    ImageID: doc.image,
    Command: commandText(doc),
    Created: Math.floor(Date.parse(doc.created) / 1000),
    Ports: ports(doc),
    Labels: doc.config.Labels ?? {},
    State: statusOf(doc.state),
    Status: statusText(doc),
    HostConfig: { NetworkMode: doc.hostConfig.NetworkMode ?? 'default' },
    NetworkSettings: { Networks: doc.network.networks },
    Mounts: mountPoints(doc.mounts),
  };
}

const FILTER_KEYS = new Set(['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'health', 'isolation', 'network', 'volume', 'publish', 'expose', 'is-task']);
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead']);

/** Docker's container list filters. */
export function listContainers(deps: ContainerDeps, opts: { all: boolean; limit: number; filters: Filters }, imageIdOf: (ref: string) => string | null): ContainerDoc[] {
  const f = opts.filters;
  for (const k of Object.keys(f)) if (!FILTER_KEYS.has(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
  for (const st of f.status ?? []) {
    if (!STATUSES.has(st)) throw new InvalidParameterError(`invalid filter 'status=${st}'`);
  }
  for (const e of f.exited ?? []) if (!/^-?\d+$/.test(e)) throw new InvalidParameterError(`invalid filter 'exited=${e}'`);
  let docs = deps.registry.all().sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || (b.id < a.id ? -1 : 1));
  const createdOf = (ref: string): number => Date.parse(deps.registry.get(ref).created);
  const before = f.before?.length ? createdOf(f.before[0]) : null;
  const since = f.since?.length ? createdOf(f.since[0]) : null;
  const ancestors = (f.ancestor ?? []).map((a) => imageIdOf(a)).filter((x): x is string => !!x);
  const showAll = opts.all || opts.limit > 0 || !!f.status?.length || !!f.exited?.length || before !== null || since !== null;
  docs = docs.filter((d) => {
    const status = statusOf(d.state);
    if (!showAll && status !== 'running' && status !== 'paused' && status !== 'restarting') return false;
    if (f.id?.length && !f.id.some((v) => d.id.startsWith(v))) return false;
    if (f.name?.length && !f.name.some((v) => safeRegex(v).test(d.name) || `/${d.name}` === v)) return false;
    if (f.status?.length && !f.status.includes(status)) return false;
    if (f.exited?.length && (status !== 'exited' || !f.exited.includes(String(d.state.ExitCode)))) return false;
    if (f.label?.length && !f.label.every((l) => labelMatch(d.config.Labels ?? {}, l))) return false;
    if (f.ancestor?.length && !ancestors.includes(d.image) && !f.ancestor.includes(d.config.Image ?? '')) return false;
    if (before !== null && Date.parse(d.created) >= before) return false;
    if (since !== null && Date.parse(d.created) <= since) return false;
    if (f.health?.length && !f.health.includes(d.state.Health?.Status ?? 'none')) return false;
    if (f.network?.length && !f.network.some((n) => n === d.hostConfig.NetworkMode || Object.entries(d.network.networks).some(([k, e]) => k === n || e.NetworkID === n))) return false;
    if (f.volume?.length && !f.volume.some((v) => (d.mounts ?? []).some((m) => m.destination === v || (m.name || m.source) === v))) return false;
    return true;
  });
  return opts.limit > 0 ? docs.slice(0, opts.limit) : docs;
}

function safeRegex(v: string): RegExp {
  try {
    return new RegExp(v);
  } catch {
    return new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  }
}

