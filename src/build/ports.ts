import { InvalidParameterError } from '../util/errors';

/**
 * EXPOSE's port specs → ExposedPorts keys (`80` → `80/tcp`, `8000-8002/udp` → three keys),
 * as nat.ParsePortSpecs does for the classic builder, with its error texts.
 */
export function exposedPortKeys(specs: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of specs) {
    const parts = raw.split(':');
    const containerPart = parts[parts.length - 1];
    let port = containerPart;
    let proto = '';
    const slash = containerPart.indexOf('/');
    if (slash >= 0) { port = containerPart.slice(0, slash); proto = containerPart.slice(slash + 1); }
    if (port === '') throw new InvalidParameterError(`no port specified: ${raw}<empty>`);
    proto = (proto || 'tcp').toLowerCase();
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidParameterError(`invalid proto: ${proto}`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(port);
    const start = m ? Number(m[1]) : NaN;
    const end = m && m[2] !== undefined ? Number(m[2]) : start;
    if (!m || start > 65535 || end > 65535 || end < start) throw new InvalidParameterError(`invalid containerPort: ${port}`);
    for (let p = start; p <= end; p++) {
      const key = `${p}/${proto}`;
      if (!out.includes(key)) out.push(key);
    }
  }
  return out;
}
