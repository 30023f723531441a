import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';

/** netavark's description of one network (its `network_info` entries). */
export interface NetavarkNetwork {
  name: string;
  id: string;
  driver: 'bridge';
  network_interface: string;
  created: string;
  subnets: { subnet: string; gateway?: string }[];
  ipv6_enabled: boolean;
  internal: boolean;
  dns_enabled: boolean;
  options?: Record<string, string>;
  ipam_options: { driver: 'host-local' };
}

export interface NetavarkPortMapping { host_ip: string; container_port: number; host_port: number; range: number; protocol: string }

/** One container's attachment, as `netavark setup|teardown` reads it on stdin. */
export interface NetavarkRequest {
  container_id: string;
  container_name: string;
  port_mappings: NetavarkPortMapping[];
  networks: Record<string, { static_ips: string[]; aliases: string[]; interface_name: string; static_mac?: string }>;
  network_info: Record<string, NetavarkNetwork>;
  dns_servers?: string[];
}

/** What setup reports per network: the interface's MAC and addresses. */
export type NetavarkStatus = Record<string, {
  dns_server_ips?: string[];
  interfaces?: Record<string, { mac_address: string; subnets?: { ipnet: string; gateway?: string }[] }>;
}>;

export interface NetavarkOptions {
  /** netavark's own state (aardvark-dns config and lock); one per daemon */
  configDir: string;
  binary?: string;
  aardvarkBinary?: string;
}

/**
 * Bridges, veths, iptables NAT/forwarding, port DNAT and aardvark-dns, through netavark.
 * Calls are serialised: netavark takes its own lock, but concurrent iptables edits from one
 * daemon only queue behind it anyway.
 */
export class NetavarkNetworks {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: NetavarkOptions) {}

  setup(nsPath: string, req: NetavarkRequest): Promise<NetavarkStatus> {
    return this.serial(async () => JSON.parse((await this.exec('setup', nsPath, req)) || '{}') as NetavarkStatus);
  }

  async teardown(nsPath: string, req: NetavarkRequest): Promise<void> {
    await this.serial(() => this.exec('teardown', nsPath, req));
  }

  /** Runs `fn` between netavark calls, none under way (e.g. iptables work that must follow a teardown). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.serial(fn);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async exec(cmd: 'setup' | 'teardown', nsPath: string, req: NetavarkRequest): Promise<string> {
    await fs.mkdir(this.opts.configDir, { recursive: true, mode: 0o700 });
    const args = [
      '--config', this.opts.configDir, '--rootless=false',
      `--aardvark-binary=${this.opts.aardvarkBinary ?? '/usr/lib/podman/aardvark-dns'}`, cmd, nsPath,
    ];
    return new Promise((resolve, reject) => {
      const child = execFile(this.opts.binary ?? '/usr/lib/podman/netavark', args, { maxBuffer: 4 << 20 }, (err, stdout, stderr) => {
        if (err) {
          reject(new Error(netavarkError(stdout, stderr, err.message)));
          return;
        }
        resolve(stdout);
      });
      child.stdin?.end(JSON.stringify(req));
    });
  }
}

/** netavark reports errors as {"error": "..."} on stdout, or text on stderr. */
function netavarkError(stdout: string, stderr: string, fallback: string): string {
  try {
    const j = JSON.parse(stdout) as { error?: string };
    if (j.error) return `netavark: ${j.error}`;
  } catch {
    // not JSON
  }
  const lines = stderr.split('\n').filter((l) => l.trim() && !l.includes('failed to connect to syslog'));
  return `netavark: ${lines.join('; ') || fallback}`;
}
