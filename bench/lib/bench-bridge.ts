/**
 * A Linux bridge of the benchmark's own for dockerd's default network (`dockerd --bridge NAME`),
 * on a private /24 no route of the host covers: dockerd then attaches its containers' veths to
 * it and never touches docker0 or the host's other interfaces. Removed at the end, with any
 * veth still attached to it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export class BenchBridge {
  /** e.g. bb-1a2b3c: 15 characters at most, as Linux wants */
  readonly name = `bb-${process.pid.toString(16).slice(-6)}`;
  private created = false;
  address = '';

  /** Creates the bridge on the first free 10.2xx.0.0/24 (200..254) and brings it up. */
  create(): void {
    const routed = hostRoutes();
    const x = Array.from({ length: 55 }, (_, i) => 200 + i).find((n) => !routed.some((r) => inRoute(r, `10.${n}.0.1`)));
    if (x === undefined) throw new Error('no free 10.2xx.0.0/24 for the benchmark bridge');
    this.address = `10.${x}.0.1/24`;
    ip(['link', 'add', this.name, 'type', 'bridge']);
    this.created = true;
    ip(['addr', 'add', this.address, 'dev', this.name]);
    ip(['link', 'set', this.name, 'up']);
  }

  /** The bridge and whatever veth is still attached to it (a container dockerd did not clean up). */
  destroy(): void {
    if (!this.created) return;
    const attached = spawnSync('ip', ['-o', 'link', 'show', 'master', this.name], { encoding: 'utf8' }).stdout;
    for (const m of attached.matchAll(/^\d+: ([^:@\s]+)/gm)) spawnSync('ip', ['link', 'del', m[1]], { stdio: 'ignore' });
    spawnSync('ip', ['link', 'del', this.name], { stdio: 'ignore' });
    this.created = false;
  }
}

function ip(args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
}

/** The host's IPv4 routes as [network, mask] (/proc/net/route, little-endian hex), default route left out. */
function hostRoutes(): [number, number][] {
  let text = '';
  try { text = readFileSync('/proc/net/route', 'utf8'); } catch { return []; }
  const le = (h: string): number => {
    const n = parseInt(h, 16) >>> 0;
    return (((n & 255) << 24) >>> 0) + (((n >>> 8) & 255) << 16) + (((n >>> 16) & 255) << 8) + (n >>> 24);
  };
  return text.split('\n').slice(1).map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 8 && le(f[7]) !== 0)
    .map((f) => [le(f[1]), le(f[7])]);
}

function inRoute([net, mask]: [number, number], addr: string): boolean {
  const a = addr.split('.').map(Number).reduce((acc, p) => ((acc << 8) >>> 0) + p, 0);
  return ((a & mask) >>> 0) === net;
}
