import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A container's veth on a bridge that netavark has already set up (the bridge, its NAT and
 * forwarding rules): the same interface netavark would make, without netavark's ~35
 * iptables checks per call. Two `ip -batch` runs, a few milliseconds each.
 */
export interface VethSpec {
  /** the container's network namespace file */
  nsPath: string;
  bridge: string;
  /** the host end, 15 characters at most */
  hostIface: string;
  /** the container end (eth0) */
  iface: string;
  mac: string;
  /** address/prefix inside the container; none for a bare interface */
  address?: { ip: string; prefix: number; gateway: string };
}

export function linkExists(name: string): boolean {
  return /^[^/\s]{1,15}$/.test(name) && existsSync(`/sys/class/net/${name}`);
}

/** Whether `ip -batch` can take these words (it splits lines on blanks). */
export function batchSafe(...words: string[]): boolean {
  return words.every((w) => w.length > 0 && !/[\s"'\\#]/.test(w));
}

/** Creates the pair, the container end inside the namespace, the host end on the bridge; addresses and routes inside. */
export async function attachVeth(s: VethSpec): Promise<void> {
  await plugVeth(s);
  try {
    await configureInside(s);
  } catch (e) {
    await ipBatch([], [`link del ${s.hostIface}`]).catch(() => undefined);
    throw e;
  }
}

/** The pair, the container end inside the namespace (down, no address), the host end up on the bridge. */
async function plugVeth(s: Omit<VethSpec, 'address'>): Promise<void> {
  await ipBatch([], [
    `link add ${s.hostIface} type veth peer name ${s.iface} address ${s.mac} netns ${s.nsPath}`,
    `link set ${s.hostIface} master ${s.bridge} up`,
  ]);
}

/** Inside the namespace: the container end's MAC and address, it and lo up, the default route. */
async function configureInside(s: Pick<VethSpec, 'nsPath' | 'iface' | 'mac' | 'address'>): Promise<void> {
  const inside = [`link set ${s.iface} address ${s.mac}`, `link set lo up`, `link set ${s.iface} up`];
  if (s.address) {
    inside.splice(1, 0, `addr add ${s.address.ip}/${s.address.prefix} dev ${s.iface}`);
    if (s.address.gateway) inside.push(`route add default via ${s.address.gateway} dev ${s.iface} proto static metric 100`);
  }
  await ipBatch(['nsenter', `--net=${s.nsPath}`], inside);
}

/** Deletes the container's end (the host end goes with it); a missing one is fine. */
export async function detachVeth(nsPath: string, iface: string): Promise<void> {
  try {
    await ipBatch(['nsenter', `--net=${nsPath}`], [`link del ${iface}`]);
  } catch (e) {
    if (!/Cannot find device|does not exist|No such file/i.test(String(e))) throw e;
  }
}

/**
 * netavark's jump from FORWARD into its isolation chains. Any network's complete teardown
 * removes it (netavark 1.4 treats it as that network's rule), leaving every other isolated
 * network open to the others until some netavark setup puts it back; an attach that skips
 * netavark puts it back itself, exactly as netavark writes it (so netavark can remove it).
 */
export async function ensureIsolationJump(): Promise<void> {
  const rule = ['FORWARD', '-j', 'NETAVARK_ISOLATION_1'];
  if ((await run('iptables', ['-t', 'filter', '-C', ...rule, '--wait'])).code === 0) return;
  const r = await run('iptables', ['-t', 'filter', '-I', rule[0], '1', ...rule.slice(1), '--wait']);
  if (r.code !== 0) throw new Error(`iptables: ${r.stderr.trim()}`);
}

/** A bridge's own two rules in netavark's isolation chains, as netavark writes them; missing ones are fine. */
export async function removeIsolationRules(bridge: string): Promise<void> {
  await run('iptables', ['-t', 'filter', '-D', 'NETAVARK_ISOLATION_1', '-i', bridge, '!', '-o', bridge, '-j', 'NETAVARK_ISOLATION_2', '--wait']);
  await run('iptables', ['-t', 'filter', '-D', 'NETAVARK_ISOLATION_2', '-o', bridge, '-j', 'DROP', '--wait']);
}

function run(file: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, (err, _out, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stderr });
    });
  });
}

/** Docker's MAC for an IPv4 address: 02:42 and the address's four bytes. */
export function macFor(ip: string): string {
  return ['02', '42', ...ip.split('.').map((p) => Number(p).toString(16).padStart(2, '0'))].join(':');
}

function ipBatch(prefix: string[], lines: string[]): Promise<void> {
  const [file, ...args] = [...prefix, 'ip', '-batch', '-'];
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, (err, _out, stderr) => {
      if (err) reject(new Error(`ip: ${stderr.trim().split('\n').filter(Boolean).join('; ') || err.message}`));
      else resolve();
    });
    child.stdin?.end(lines.join('\n') + '\n');
  });
}
