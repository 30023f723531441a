import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, ContainerCreateRequest, ContainerCreateResponse, HealthConfig, HostConfig } from '../../api-types';
import type { ImageRecord } from '../../image';
import { writeEtcFiles } from '../../network';
import { ConflictError, InvalidParameterError, NotFoundError } from '../../util/errors';
import { newId } from '../../util/ids';
import { generateName } from '../../util/names';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';
import { initialState } from './model';

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const MIN_MEMORY = 6 * 1024 * 1024;

/** The one create path: Docker's create JSON (from any client) → a stored container. */
export async function createContainer(deps: ContainerDeps, name: string | undefined, req: ContainerCreateRequest): Promise<ContainerCreateResponse> {
  if (!req || typeof req !== 'object') throw new InvalidParameterError('config cannot be empty in order to create a container');
  if (name !== undefined && name !== '' && !NAME_RE.test(name)) {
    throw new InvalidParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  const hostConfig: HostConfig = { ...(req.HostConfig ?? {}) };
  validateHostConfig(deps, hostConfig);
  if (!req.Image) throw new InvalidParameterError('No image was specified');
  const image = resolveImage(deps, req.Image);

  const endpoints = deps.network.prepare(hostConfig, req.NetworkingConfig);
  const config = mergeImageConfig(stripCreateOnly(req), image);
  const entrypoint = config.Entrypoint ?? [];
  const cmd = config.Cmd ?? [];
  const argv = [...entrypoint, ...cmd];
  if (argv.length === 0) throw new InvalidParameterError('No command specified');

  const id = newId();
  config.Hostname ||= hostConfig.NetworkMode === 'host' ? '' : id.slice(0, 12);
  const cleanName = name ? name.replace(/^\//, '') : uniqueGeneratedName(deps);
  const existing = deps.registry.nameInUse(cleanName);
  if (existing) {
    throw new ConflictError(`Conflict. The container name "/${cleanName}" is already in use by container "${existing}". You have to remove (or rename) that container to be able to reuse that name.`);
  }
  const mounts = deps.volumes ? await deps.volumes.resolve(config, hostConfig) : undefined;
  hostConfig.NetworkMode ||= 'default';
  hostConfig.RestartPolicy ??= { Name: 'no', MaximumRetryCount: 0 };
  if (!hostConfig.RestartPolicy.Name) hostConfig.RestartPolicy.Name = 'no';
  hostConfig.Runtime ||= deps.defaultRuntime;
  hostConfig.LogConfig ??= { Type: 'json-file', Config: {} };

  const dir = path.join(deps.dataRoot, 'containers', id);
  await fs.mkdir(dir, { recursive: true, mode: 0o710 });
  try {
    await deps.layers.createRw(id, image.chainIds.length ? image.chainIds[image.chainIds.length - 1] : null);
    const etc = await writeEtcFiles(dir, {
      hostname: config.Hostname ?? '',
      domainname: config.Domainname ?? '',
      networkMode: hostConfig.NetworkMode === 'host' ? 'host' : 'private',
      extraHosts: hostConfig.ExtraHosts ?? [],
      dns: hostConfig.Dns ?? [],
      dnsSearch: hostConfig.DnsSearch ?? [],
      dnsOptions: hostConfig.DnsOptions ?? [],
    });
    const doc: ContainerDoc = {
      id, name: cleanName, created: new Date().toISOString(),
      path: argv[0], args: argv.slice(1),
      config, hostConfig, image: image.id, state: initialState(),
      restartCount: 0, manuallyStopped: false, hasBeenStarted: false,
      logPath: path.join(dir, 'ctr.log'),
      hostnamePath: etc.hostname, hostsPath: etc.hosts, resolvConfPath: etc.resolvConf,
      runtime: hostConfig.Runtime,
      network: { ports: {}, networks: endpoints },
      mounts,
    };
    deps.registry.add(doc);
    deps.events.publish('container', 'create', id, eventAttrs(doc));
    return { Id: id, Warnings: [] };
  } catch (e) {
    await deps.layers.removeRw(id).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
}

function resolveImage(deps: ContainerDeps, ref: string): ImageRecord {
  const image = deps.images.tryResolve(ref);
  if (image) return image;
  // Docker names the reference with its default tag, which the docker CLI relies on to pull
  const shown = /[:@]/.test(ref.split('/').pop() ?? ref) || /^[0-9a-f]{12,64}$/.test(ref) ? ref : `${ref}:latest`;
  throw new NotFoundError(`No such image: ${shown}`);
}

function uniqueGeneratedName(deps: ContainerDeps): string {
  for (let i = 0; ; i++) {
    const n = generateName(i);
    if (!deps.registry.nameInUse(n)) return n;
  }
}

function stripCreateOnly(req: ContainerCreateRequest): ContainerConfig {
  const { HostConfig: _h, NetworkingConfig: _n, ...config } = req;
  return { ...config };
}

/** Docker's merge of the image's config under the user's (daemon/create.go semantics). */
export function mergeImageConfig(user: ContainerConfig, image: ImageRecord): ContainerConfig {
  const img = image.config.config ?? {};
  const out: ContainerConfig = { ...user };
  if (!out.User) out.User = img.User ?? '';
  if (!out.WorkingDir) out.WorkingDir = img.WorkingDir ?? '';
  // an explicit entrypoint (even an empty one) drops the image's Cmd
  if (!out.Entrypoint || out.Entrypoint.length === 0) {
    if (!out.Cmd || out.Cmd.length === 0) out.Cmd = img.Cmd ?? null;
    if (out.Entrypoint === undefined || out.Entrypoint === null) out.Entrypoint = img.Entrypoint ?? null;
  }
  // the user's variables first, then the image's that the user did not set (Docker's merge)
  const userKeys = new Set((user.Env ?? []).map((e) => e.split('=')[0]));
  out.Env = [...(user.Env ?? []), ...(img.Env ?? []).filter((e) => !userKeys.has(e.split('=')[0]))];
  out.Labels = { ...(img.Labels ?? {}), ...(user.Labels ?? {}) };
  if (img.ExposedPorts || user.ExposedPorts) out.ExposedPorts = { ...(img.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) };
  if (img.Volumes || user.Volumes) out.Volumes = { ...(img.Volumes ?? {}), ...(user.Volumes ?? {}) };
  if (!out.StopSignal && img.StopSignal) out.StopSignal = img.StopSignal;
  if (img.OnBuild && !out.OnBuild) out.OnBuild = img.OnBuild;
  out.Healthcheck = mergeHealth(user.Healthcheck, img.Healthcheck);
  if (!out.Healthcheck) delete out.Healthcheck;
  out.Image = user.Image;
  out.Tty ??= false;
  out.OpenStdin ??= false;
  out.StdinOnce ??= false;
  out.AttachStdin ??= false;
  out.AttachStdout ??= false;
  out.AttachStderr ??= false;
  out.Domainname ??= '';
  return out;
}

function mergeHealth(user: HealthConfig | undefined, img: HealthConfig | undefined): HealthConfig | undefined {
  if (!user) return img ? { ...img } : undefined;
  if (!img) return user;
  return {
    Test: user.Test && user.Test.length ? user.Test : img.Test,
    Interval: user.Interval || img.Interval,
    Timeout: user.Timeout || img.Timeout,
    Retries: user.Retries || img.Retries,
    StartPeriod: user.StartPeriod || img.StartPeriod,
  };
}

function validateHostConfig(deps: ContainerDeps, hc: HostConfig): void {
  const rp = hc.RestartPolicy;
  if (rp) {
    const valid = ['', 'no', 'always', 'unless-stopped', 'on-failure'];
    if (!valid.includes(rp.Name ?? '')) throw new InvalidParameterError(`invalid restart policy '${rp.Name}'`);
    if ((rp.MaximumRetryCount ?? 0) < 0) throw new InvalidParameterError('invalid restart policy: maximum retry count cannot be negative');
    if (rp.Name !== 'on-failure' && (rp.MaximumRetryCount ?? 0) > 0) {
      throw new InvalidParameterError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
    }
    if (hc.AutoRemove && rp.Name && rp.Name !== 'no') {
      throw new InvalidParameterError(`can't create 'AutoRemove' container with restart policy`);
    }
  }
  if (hc.Memory && hc.Memory > 0 && hc.Memory < MIN_MEMORY) throw new InvalidParameterError('Minimum memory limit allowed is 6MB');
  if (hc.MemorySwap && hc.MemorySwap > 0 && hc.Memory && hc.MemorySwap < hc.Memory) {
    throw new InvalidParameterError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (hc.NanoCpus && (hc.CpuQuota || hc.CpuPeriod)) {
    throw new InvalidParameterError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  }
  if (hc.Runtime && !deps.runtimes.includes(hc.Runtime)) throw new InvalidParameterError(`Unknown runtime specified ${hc.Runtime}`);
  for (const u of hc.Ulimits ?? []) {
    if (u.Soft > u.Hard) throw new InvalidParameterError(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
  }
}
