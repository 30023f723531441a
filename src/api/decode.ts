import { InvalidParameterError } from '../util/errors';

/**
 * Go's json decoding rejects a field of the wrong type before dockerd looks at the request;
 * this does the same for the bodies berthd decodes, with Go's wording, so a client's
 * `{"Image": 42}` is a 400 and never reaches the engine.
 */
type Kind = 'string' | 'bool' | 'int' | 'strings' | 'stringMap' | 'object' | 'array' | Shape;
interface Shape { [field: string]: Kind }

const GO_TYPE: Record<string, string> = {
  string: 'string', bool: 'bool', int: 'int64', strings: '[]string', stringMap: 'map[string]string', object: 'struct', array: '[]interface {}',
};

const HEALTH: Shape = { Test: 'strings', Interval: 'int', Timeout: 'int', Retries: 'int', StartPeriod: 'int' };

const HOST_CONFIG: Shape = {
  Binds: 'strings', ContainerIDFile: 'string', LogConfig: 'object', NetworkMode: 'string', PortBindings: 'object',
  RestartPolicy: { Name: 'string', MaximumRetryCount: 'int' }, AutoRemove: 'bool', VolumeDriver: 'string',
  VolumesFrom: 'strings', Mounts: 'array', CapAdd: 'strings', CapDrop: 'strings', CgroupnsMode: 'string',
  Dns: 'strings', DnsOptions: 'strings', DnsSearch: 'strings', ExtraHosts: 'strings', GroupAdd: 'strings',
  IpcMode: 'string', Cgroup: 'string', Links: 'strings', OomScoreAdj: 'int', PidMode: 'string', Privileged: 'bool',
  PublishAllPorts: 'bool', ReadonlyRootfs: 'bool', SecurityOpt: 'strings', StorageOpt: 'stringMap', Tmpfs: 'stringMap',
  UTSMode: 'string', UsernsMode: 'string', ShmSize: 'int', Sysctls: 'stringMap', Runtime: 'string', Init: 'bool',
  MaskedPaths: 'strings', ReadonlyPaths: 'strings', ConsoleSize: 'array', CpuShares: 'int', Memory: 'int',
  MemoryReservation: 'int', MemorySwap: 'int', NanoCpus: 'int', CpuPeriod: 'int', CpuQuota: 'int', CpusetCpus: 'string',
  CpusetMems: 'string', PidsLimit: 'int', Ulimits: 'array', OomKillDisable: 'bool', BlkioWeight: 'int',
};

export const CONTAINER_CREATE: Shape = {
  Hostname: 'string', Domainname: 'string', User: 'string', AttachStdin: 'bool', AttachStdout: 'bool', AttachStderr: 'bool',
  ExposedPorts: 'object', Tty: 'bool', OpenStdin: 'bool', StdinOnce: 'bool', Env: 'strings', Cmd: 'strings',
  Healthcheck: HEALTH, ArgsEscaped: 'bool', Image: 'string', Volumes: 'object', WorkingDir: 'string', Entrypoint: 'strings',
  NetworkDisabled: 'bool', MacAddress: 'string', OnBuild: 'strings', Labels: 'stringMap', StopSignal: 'string',
  StopTimeout: 'int', Shell: 'strings', HostConfig: HOST_CONFIG, NetworkingConfig: 'object',
};

export const EXEC_CREATE: Shape = {
  AttachStdin: 'bool', AttachStdout: 'bool', AttachStderr: 'bool', ConsoleSize: 'array', DetachKeys: 'string', Tty: 'bool',
  Env: 'strings', Cmd: 'strings', Privileged: 'bool', User: 'string', WorkingDir: 'string',
};

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

function fits(kind: Exclude<Kind, Shape>, v: unknown): boolean {
  switch (kind) {
    case 'string': return typeof v === 'string';
    case 'bool': return typeof v === 'boolean';
    case 'int': return typeof v === 'number' && Number.isFinite(v);
    case 'strings': return Array.isArray(v) && v.every((x) => typeof x === 'string' || x === null);
    case 'stringMap': return typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string' || x === null);
    case 'object': return typeof v === 'object' && !Array.isArray(v);
    case 'array': return Array.isArray(v);
  }
}

/** Throws Go's "cannot unmarshal" error for the first field whose JSON type does not fit. */
export function checkShape(body: Record<string, unknown>, shape: Shape, struct: string): void {
  for (const [field, value] of Object.entries(body)) {
    const kind = shape[field];
    if (kind === undefined || value === null) continue; // unknown fields are ignored, as Go does
    const bad = (goType: string): never => {
      throw new InvalidParameterError(`json: cannot unmarshal ${jsonType(value)} into Go struct field ${struct}.${field} of type ${goType}`);
    };
    if (typeof kind === 'object') {
      if (typeof value !== 'object' || Array.isArray(value)) bad('struct');
      checkShape(value as Record<string, unknown>, kind, `${struct}.${field}`);
    } else if (!fits(kind, value)) {
      bad(GO_TYPE[kind]);
    }
  }
}
