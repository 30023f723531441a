import type { PortBinding, PortMap, PortSet } from '../../api-types';

/** -p/--publish and --expose into ExposedPorts and PortBindings (docker's nat.ParsePortSpec). */

export interface PortSpecs { exposed: PortSet; bindings: PortMap }

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new Error(`invalid ${what}: ${s}`);
  const a = Number(m[1]);
  const b = m[2] !== undefined ? Number(m[2]) : a;
  if (a > 65535 || b > 65535 || b < a) throw new Error(`invalid ${what}: ${s}`);
  return [a, b];
}

function splitProto(s: string): [string, string] {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return [s, 'tcp'];
  const proto = s.slice(slash + 1).toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`);
  return [s.slice(0, slash), proto];
}

/** Split `[ip:]hostPort:containerPort` from the right; IPv6 addresses come bracketed. */
function splitSpec(spec: string): { ip: string; host: string; container: string } {
  let ip = '';
  let rest = spec;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw new Error(`invalid IP address: ${spec}`);
    ip = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (!rest.startsWith(':')) throw new Error(`invalid port format: ${spec}`);
    const [host, container, ...extra] = rest.slice(1).split(':');
    if (extra.length || container === undefined) throw new Error(`invalid port format: ${spec}`);
    return { ip, host, container };
  }
  const parts = rest.split(':');
  if (parts.length === 1) return { ip: '', host: '', container: parts[0] };
  if (parts.length === 2) return { ip: '', host: parts[0], container: parts[1] };
  if (parts.length === 3) return { ip: parts[0], host: parts[1], container: parts[2] };
  throw new Error(`invalid port format: ${spec}`);
}

function checkIp(ip: string): void {
  if (!ip) return;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (v4 && v4.slice(1).every((o) => Number(o) <= 255)) return;
  if (ip.includes(':') && /^[0-9a-fA-F:.]+$/.test(ip)) return;
  throw new Error(`invalid IP address: ${ip}`);
}

export function parsePublish(publish: string[], expose: string[] = []): PortSpecs {
  const exposed: PortSet = {};
  const bindings: PortMap = {};
  for (const e of expose) {
    const [ports, proto] = splitProto(e);
    const [a, b] = parseRange(ports, 'range format for --expose');
    for (let p = a; p <= b; p++) exposed[`${p}/${proto}`] = {};
  }
  for (const spec of publish) {
    const { ip, host, container: cRaw } = splitSpec(spec);
    checkIp(ip);
    const [cPorts, proto] = splitProto(cRaw);
    if (!cPorts) throw new Error(`no port specified: ${spec}<empty>`);
    const [cStart, cEnd] = parseRange(cPorts, 'containerPort');
    let hStart = 0;
    let hEnd = 0;
    if (host) [hStart, hEnd] = parseRange(host, 'hostPort');
    const cLen = cEnd - cStart;
    if (host && hEnd - hStart !== cLen && cLen !== 0) throw new Error(`invalid ranges specified for container and host Ports: ${cPorts} and ${host}`);
    for (let i = 0; i <= cLen; i++) {
      const key = `${cStart + i}/${proto}`;
      let hostPort = '';
      if (host) hostPort = cLen === 0 && hEnd !== hStart ? `${hStart}-${hEnd}` : String(hStart + i);
      exposed[key] = {};
      const b: PortBinding = { HostIp: ip, HostPort: hostPort };
      (bindings[key] ??= [])!.push(b);
    }
  }
  return { exposed, bindings };
}
