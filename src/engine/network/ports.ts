import type { HostConfig, ContainerConfig, PortMap } from '../../api-types';
import type { NetavarkPortMapping, PortAllocator, Proto } from '../../network';
import { ConflictError, InvalidParameterError, SystemError } from '../../util/errors';

export interface ResolvedPorts { map: PortMap; mappings: NetavarkPortMapping[]; reserved: { ip: string; port: number; proto: Proto }[] }

/**
 * PortBindings (+ every exposed port with -P) → host ports, reserved with the allocator:
 * an empty HostPort takes a random free one, "8000-8010" the first free of the range.
 * Nothing stays reserved when one fails.
 */
export async function resolvePorts(
  alloc: PortAllocator, hc: HostConfig, cfg: ContainerConfig, endpoint: { name: string; id: string },
): Promise<ResolvedPorts> {
  const wanted: PortMap = { ...(hc.PortBindings ?? {}) };
  if (hc.PublishAllPorts) {
    for (const k of Object.keys(cfg.ExposedPorts ?? {})) if (!wanted[k]?.length) wanted[k] = [{ HostIp: '', HostPort: '' }];
  }
  const map: PortMap = {};
  for (const k of Object.keys(cfg.ExposedPorts ?? {})) map[k] = null;
  const out: ResolvedPorts = { map, mappings: [], reserved: [] };
  try {
    for (const [key, bindings] of Object.entries(wanted)) {
      const [p, protoRaw] = key.split('/');
      const proto = (protoRaw || 'tcp') as Proto;
      const ctrPort = Number(p);
      if (!Number.isInteger(ctrPort) || ctrPort <= 0 || ctrPort > 65535) throw new InvalidParameterError(`invalid port specification: "${key}"`);
      if (!bindings || bindings.length === 0) {
        map[key] ??= null;
        continue;
      }
      const list = map[key] ?? [];
      for (const b of bindings) {
        const ip = b.HostIp ?? '';
        const port = await hostPort(alloc, ip, b.HostPort ?? '', proto, endpoint);
        out.reserved.push({ ip, port, proto });
        list.push({ HostIp: ip || '0.0.0.0', HostPort: String(port) });
        out.mappings.push({ host_ip: ip === '0.0.0.0' ? '' : ip, container_port: ctrPort, host_port: port, range: 1, protocol: proto });
      }
      map[key] = list;
    }
  } catch (e) {
    releasePorts(alloc, out.reserved);
    throw e;
  }
  return out;
}

async function hostPort(alloc: PortAllocator, ip: string, spec: string, proto: Proto, ep: { name: string; id: string }): Promise<number> {
  const m = /^(\d*)(?:-(\d+))?$/.exec(spec);
  if (!m) throw new InvalidParameterError(`invalid port specification: "${spec}"`);
  if (!m[1] || Number(m[1]) === 0) {
    const port = await alloc.random(ip, proto);
    if (port === null) throw new SystemError('no free host port in the ephemeral range');
    return port;
  }
  const lo = Number(m[1]);
  const hi = m[2] ? Number(m[2]) : lo;
  if (hi > lo) {
    for (let port = lo; port <= hi; port++) if (await alloc.reserve(ip, port, proto)) return port;
  } else if (await alloc.reserve(ip, lo, proto)) {
    return lo;
  }
  // Docker answers 500; a 4xx keeps the start path from wrapping it as an OCI runtime failure
  throw new ConflictError(`driver failed programming external connectivity on endpoint ${ep.name} (${ep.id}): Bind for ${ip || '0.0.0.0'}:${spec} failed: port is already allocated`);
}

export function releasePorts(alloc: PortAllocator, reserved: { ip: string; port: number; proto: Proto }[]): void {
  for (const r of reserved) alloc.release(r.ip, r.port, r.proto);
}

/** The reservations a stored PortMap stands for (teardown and adoption after a restart). */
export function portsOf(map: PortMap): { ip: string; port: number; proto: Proto; ctrPort: number }[] {
  const out: { ip: string; port: number; proto: Proto; ctrPort: number }[] = [];
  for (const [key, bindings] of Object.entries(map)) {
    const [p, proto] = key.split('/');
    for (const b of bindings ?? []) {
      const ip = b.HostIp === '0.0.0.0' ? '' : (b.HostIp ?? '');
      out.push({ ip, port: Number(b.HostPort), proto: (proto || 'tcp') as Proto, ctrPort: Number(p) });
    }
  }
  return out;
}
