import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The /etc/hostname, /etc/hosts and /etc/resolv.conf a container gets, generated per
 * container as Docker does and bind-mounted over the image's.
 */
export interface EtcFilesSpec {
  hostname: string;
  domainname: string;
  /** 'host' shares the host's files; otherwise Docker's defaults */
  networkMode: 'host' | 'private';
  /** the container's own address on its network, if any */
  address?: string;
  extraHosts: string[];
  dns: string[];
  dnsSearch: string[];
  dnsOptions: string[];
  /** --link entries: "172.17.0.3\tmysql 3c0fc5a9b8a5 db" lines */
  links?: { ip: string; names: string[] }[];
}

export interface EtcFilePaths { hostname: string; hosts: string; resolvConf: string }

/** Atomic but not fsynced: the files are regenerated from the container's config when lost. */
async function writeAtomic(file: string, content: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, content, { mode: 0o644 });
  await fs.rename(tmp, file);
}

export function hostsContent(spec: EtcFilesSpec): string {
  if (spec.networkMode === 'host') {
    try {
      return readFileSync('/etc/hosts', 'utf8');
    } catch {
      // fall back to the defaults below
    }
  }
  const lines = [
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'ff00::0\tip6-mcastprefix',
    'ff02::1\tip6-allnodes',
    'ff02::2\tip6-allrouters',
  ];
  for (const h of spec.extraHosts) {
    const i = h.lastIndexOf(':');
    if (i > 0) lines.push(`${h.slice(i + 1)}\t${h.slice(0, i)}`);
  }
  for (const l of spec.links ?? []) lines.push(`${l.ip}\t${l.names.join(' ')}`);
  if (spec.address) {
    const fqdn = spec.domainname ? `${spec.hostname}.${spec.domainname} ` : '';
    lines.push(`${spec.address}\t${fqdn}${spec.hostname}`);
  }
  return lines.join('\n') + '\n';
}

/** Host resolvers, minus loopback ones a container cannot reach (Docker's filtering). */
export function resolvConfContent(spec: EtcFilesSpec, hostResolvConf: string): string {
  const hostLines = hostResolvConf.split('\n');
  const hostNs = hostLines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
  const hostSearch = hostLines.filter((l) => /^\s*(search|domain)\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  const hostOpts = hostLines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  let ns = spec.dns.length ? spec.dns : hostNs;
  if (spec.networkMode !== 'host' && !spec.dns.length) {
    ns = ns.filter((a) => !a.startsWith('127.') && a !== '::1');
    if (ns.length === 0) ns = ['8.8.8.8', '8.8.4.4'];
  }
  const search = spec.dnsSearch.length ? spec.dnsSearch : hostSearch;
  const opts = spec.dnsOptions.length ? spec.dnsOptions : hostOpts;
  const out: string[] = [];
  if (search.length && !(search.length === 1 && search[0] === '.')) out.push(`search ${search.join(' ')}`);
  for (const a of ns) out.push(`nameserver ${a}`);
  if (opts.length) out.push(`options ${opts.join(' ')}`);
  return out.join('\n') + '\n';
}

/** Writes the three files into `dir` and returns their paths. */
export async function writeEtcFiles(dir: string, spec: EtcFilesSpec): Promise<EtcFilePaths> {
  const paths: EtcFilePaths = {
    hostname: path.join(dir, 'hostname'),
    hosts: path.join(dir, 'hosts'),
    resolvConf: path.join(dir, 'resolv.conf'),
  };
  let hostResolv = '';
  try {
    hostResolv = await fs.readFile('/etc/resolv.conf', 'utf8');
  } catch {
    // a host without resolv.conf: the defaults apply
  }
  const hostname = spec.networkMode === 'host' && !spec.hostname ? os.hostname() : spec.hostname;
  await Promise.all([
    writeAtomic(paths.hostname, hostname + '\n'),
    writeAtomic(paths.hosts, hostsContent({ ...spec, hostname })),
    writeAtomic(paths.resolvConf, resolvConfContent(spec, hostResolv)),
  ]);
  return paths;
}
