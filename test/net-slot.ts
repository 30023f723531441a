/**
 * A network range of one test daemon's own: 10.<k>.0.0/16 (default bridge 10.<k>.255.0/24,
 * user networks from 10.<k>.0.0/16 in /24s) and bridge names "bt<k>...", so that parallel
 * test daemons (of this run or of other checkouts on the machine) never share a bridge or a
 * subnet. A slot is claimed with an exclusive file naming its owner's pid; a dead owner's
 * slot is taken over.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';

const DIR = '/tmp/berth-test-netslots';
const FIRST = 64;
const COUNT = 180;

export interface NetSlot { k: number; bridgeName: string; bip: string; pool: string; subnet: string; release(): void }

/**
 * Removes what a test daemon of slot k left on the host: its bridges (a daemon keeps its
 * default bridge and NAT rules, as dockerd keeps docker0; a crash test leaves user networks'
 * too) and the iptables rules naming 10.k.0.0/16. Only bridges whose address is in the slot's
 * range are touched, so no other engine's state is.
 */
export function scrubSlot(k: number): void {
  const prefix = `10.${k}.`;
  const bridges = new Set([`bt${k}d`]);
  const addrs = spawnSync('ip', ['-o', '-4', 'addr', 'show'], { encoding: 'utf8' }).stdout ?? '';
  for (const line of addrs.split('\n')) {
    const [, dev, , cidr] = line.trim().split(/\s+/);
    if (dev && cidr?.startsWith(prefix) && existsSync(`/sys/class/net/${dev}/bridge`)) {
      spawnSync('ip', ['link', 'del', dev]);
      bridges.add(dev);
    }
  }
  for (const table of ['nat', 'filter']) {
    const rules = spawnSync('iptables', ['-t', table, '-S'], { encoding: 'utf8' }).stdout ?? '';
    for (const rule of rules.split('\n')) {
      if (!rule.startsWith('-A ')) continue;
      // iptables -S quotes arguments with spaces (comments)
      const args = (rule.slice(3).match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"(.*)"$/, '$1'));
      if (!rule.includes(prefix) && !args.some((a) => bridges.has(a))) continue;
      spawnSync('iptables', ['-t', table, '-D', ...args]);
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function routed(k: number): boolean {
  const text = readFileSync('/proc/net/route', 'utf8');
  // /proc/net/route holds little-endian hex: 10.k.x.x → "..XX0A" with XX = k
  const hex = k.toString(16).padStart(2, '0').toUpperCase();
  return text.split('\n').slice(1).some((l) => {
    const dest = l.trim().split(/\s+/)[1] ?? '';
    return dest.length === 8 && dest.endsWith(`${hex}0A`);
  });
}

export function claimNetSlot(): NetSlot {
  mkdirSync(DIR, { recursive: true });
  const start = Math.floor(Math.random() * COUNT);
  for (let i = 0; i < COUNT; i++) {
    const k = FIRST + ((start + i) % COUNT);
    const file = path.join(DIR, String(k));
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch {
      const owner = Number(readFileSync(file, 'utf8').trim() || '0');
      if (owner && alive(owner)) continue;
      rmSync(file, { force: true });
      try {
        fd = openSync(file, 'wx');
      } catch {
        continue;
      }
    }
    writeSync(fd, String(process.pid));
    closeSync(fd);
    scrubSlot(k); // what a killed run of this slot left
    if (routed(k)) {
      rmSync(file, { force: true });
      continue;
    }
    return {
      k, bridgeName: `bt${k}d`, bip: `10.${k}.255.1/24`, pool: `base=10.${k}.0.0/16,size=24`, subnet: `10.${k}.`,
      release: () => {
        scrubSlot(k);
        rmSync(file, { force: true });
      },
    };
  }
  throw new Error('no free test network slot');
}
