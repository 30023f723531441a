import * as dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import * as net from 'node:net';

export type Proto = 'tcp' | 'udp' | 'sctp';

/** Whether `port` can be bound on `ip` (a host process holding it would make the DNAT a lie). */
export function portFree(ip: string, port: number, proto: Proto): Promise<boolean> {
  const host = ip || '0.0.0.0';
  if (proto === 'udp') {
    return new Promise((resolve) => {
      const s = dgram.createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind(port, host, () => s.close(() => resolve(true)));
    });
  }
  if (proto !== 'tcp') return Promise.resolve(true);
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

/** The kernel's ephemeral range, where Docker picks random host ports. */
export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (lo > 0 && hi >= lo) return [lo, hi];
  } catch {
    // the kernel's usual default below
  }
  return [32768, 60999];
}

/**
 * Host port allocation: ports handed out by this daemon are remembered (their DNAT rules do
 * not show as bound sockets), and a candidate must also be bindable on the host.
 */
export class PortAllocator {
  private readonly used = new Set<string>();

  private key(ip: string, port: number, proto: Proto): string {
    return `${proto}/${ip || '0.0.0.0'}/${port}`;
  }

  /** True when an allocation of this daemon overlaps (same port, same or wildcard address). */
  taken(ip: string, port: number, proto: Proto): boolean {
    if (this.used.has(this.key(ip, port, proto))) return true;
    if (!ip || ip === '0.0.0.0') return [...this.used].some((k) => k.startsWith(`${proto}/`) && k.endsWith(`/${port}`));
    return this.used.has(this.key('', port, proto));
  }

  /** Reserves a specific port; false when taken by us or by a host process. */
  async reserve(ip: string, port: number, proto: Proto): Promise<boolean> {
    if (this.taken(ip, port, proto)) return false;
    this.used.add(this.key(ip, port, proto));
    if (await portFree(ip, port, proto)) return true;
    this.used.delete(this.key(ip, port, proto));
    return false;
  }

  /** Marks a port as ours without checking (adopted after a daemon restart). */
  adopt(ip: string, port: number, proto: Proto): void {
    this.used.add(this.key(ip, port, proto));
  }

  release(ip: string, port: number, proto: Proto): void {
    this.used.delete(this.key(ip, port, proto));
  }

  /** A random free port of the ephemeral range (or of [lo, hi] for a host port range). */
  async random(ip: string, proto: Proto, lo?: number, hi?: number): Promise<number | null> {
    const [elo, ehi] = ephemeralRange();
    const from = lo ?? elo;
    const to = hi ?? ehi;
    const n = to - from + 1;
    const start = Math.floor(Math.random() * n);
    for (let i = 0; i < Math.min(n, 200); i++) {
      const port = from + ((start + i) % n);
      if (await this.reserve(ip, port, proto)) return port;
    }
    return null;
  }
}
