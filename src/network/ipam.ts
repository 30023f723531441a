import { readFileSync } from 'node:fs';
import { InvalidParameterError } from '../util/errors';

/** An IPv4 prefix: `base` is the network address as an unsigned 32-bit number. */
export interface Cidr { base: number; bits: number }

export function parseIPv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function mask(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** "10.1.0.0/16" → Cidr; host bits are cleared (as Go's net.ParseCIDR returns the network). */
export function parseCidr(s: string): Cidr {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  const ip = m ? parseIPv4(m[1]) : null;
  const bits = m ? Number(m[2]) : -1;
  if (ip === null || bits < 0 || bits > 32) throw new InvalidParameterError(`invalid CIDR address: ${s}`);
  return { base: (ip & mask(bits)) >>> 0, bits };
}

/** The address part of "172.17.0.1/16" (docker's --bip form) and its prefix. */
export function parseAddressCidr(s: string): { ip: number; cidr: Cidr } {
  const cidr = parseCidr(s);
  return { ip: parseIPv4(s.split('/')[0]) as number, cidr };
}

export function cidrString(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.bits}`;
}

export function contains(c: Cidr, ip: number): boolean {
  return ((ip & mask(c.bits)) >>> 0) === c.base;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & mask(bits)) >>> 0) === ((b.base & mask(bits)) >>> 0);
}

/** IPv4 routes of the host other than the default route (/proc/net/route, little-endian hex). */
export function hostRoutes(routeFile = '/proc/net/route'): Cidr[] {
  let text = '';
  try {
    text = readFileSync(routeFile, 'utf8');
  } catch {
    return [];
  }
  const out: Cidr[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const dest = leHex(f[1]);
    const m = leHex(f[7]);
    if (m === 0) continue;
    let bits = 0;
    while (bits < 32 && (m & (0x80000000 >>> bits)) !== 0) bits++;
    out.push({ base: dest, bits });
  }
  return out;
}

function leHex(h: string): number {
  const n = parseInt(h, 16) >>> 0;
  return (((n & 255) << 24) >>> 0) + (((n >>> 8) & 255) << 16) + (((n >>> 16) & 255) << 8) + (n >>> 24);
}

/** One entry of Docker's --default-address-pool: carve `size`-bit subnets out of `base`. */
export interface AddressPool { base: Cidr; size: number }

/** "base=10.10.0.0/16,size=24" */
export function parseAddressPool(s: string): AddressPool {
  const kv = Object.fromEntries(s.split(',').map((p) => p.split('=', 2) as [string, string]));
  if (!kv.base || !kv.size) throw new InvalidParameterError(`invalid default address pool: ${s}`);
  const base = parseCidr(kv.base);
  const size = Number(kv.size);
  if (!Number.isInteger(size) || size < base.bits || size > 30) throw new InvalidParameterError(`invalid default address pool: ${s}`);
  return { base, size };
}

/** Docker's local default pools: 172.17-31.0.0/16, then 192.168.0.0/16 in /20s. */
export const DOCKER_DEFAULT_POOLS: AddressPool[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: parseCidr(`172.${17 + i}.0.0/16`), size: 16 })),
  { base: parseCidr('192.168.0.0/16'), size: 20 },
];

/** The first subnet of the pools overlapping none of `taken`. */
export function pickSubnet(pools: AddressPool[], taken: Cidr[]): Cidr | null {
  for (const p of pools) {
    const step = 2 ** (32 - p.size);
    const count = 2 ** (p.size - p.base.bits);
    for (let i = 0; i < count; i++) {
      const c = { base: (p.base.base + i * step) >>> 0, bits: p.size };
      if (!taken.some((t) => overlaps(t, c))) return c;
    }
  }
  return null;
}

/** The first address after the network address (Docker's default gateway). */
export function firstHost(c: Cidr): number {
  return (c.base + 1) >>> 0;
}

/**
 * The lowest free address of `range` (default: the subnet) that is not the network, the
 * broadcast, the gateway or in `used`.
 */
export function allocateAddress(subnet: Cidr, range: Cidr | null, used: Set<number>): number | null {
  const r = range ?? subnet;
  const size = 2 ** (32 - r.bits);
  const bcast = (subnet.base + 2 ** (32 - subnet.bits) - 1) >>> 0;
  for (let i = 0; i < size; i++) {
    const ip = (r.base + i) >>> 0;
    if (ip === subnet.base || ip === bcast || used.has(ip)) continue;
    return ip;
  }
  return null;
}
