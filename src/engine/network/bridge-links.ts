import * as path from 'node:path';
import type { EndpointSettings } from '../../api-types';
import type { NetavarkNetwork, NetavarkNetworks, NetavarkRequest, NetavarkStatus } from '../../network';
import { attachVeth, batchSafe, createNetns, detachVeth, ensureIsolationJump, linkExists, macFor, removeIsolationRules, removeNetns } from '../../network';
import { errorMessage } from '../../util/errors';
import { newId } from '../../util/ids';
import type { NetworkDoc } from './model';

/** One container's interfaces on some bridge networks, as netavark's setup/teardown takes them. */
export interface Attachment {
  nsPath: string;
  req: NetavarkRequest;
  eps: [NetworkDoc, EndpointSettings][];
}

/** How long the default bridge stays set up after its last container left (Docker keeps docker0 for good). */
export const BRIDGE_IDLE_MS = 4000;

/**
 * Every veth a container gets on a bridge network goes through here. netavark checks and
 * writes ~35 iptables rules per call (~110 ms to set up, ~260 ms for the last container's
 * teardown, which also removes the bridge and its rules). On the default bridge (no DNS,
 * so no aardvark-dns entries) a container without published ports needs none of that once
 * netavark has set the network up: its veth is made and deleted natively (a few ms), and the
 * bridge with its rules stays while containers come and go, and for BRIDGE_IDLE_MS after the
 * last one, after which netavark removes it as it would have (through a scratch interface).
 * A daemon killed meanwhile leaves the bridge: the next start finds it idle and removes it.
 *
 * Operations on such a network are serialised per network, so a native attach never races
 * netavark's removal of the bridge under it.
 */
export class BridgeLinks {
  /** networks netavark has set up (bridge and rules) in this daemon's life, still standing */
  private readonly live = new Set<string>();
  private readonly chains = new Map<string, Promise<unknown>>();
  private readonly idle = new Map<string, { timer: NodeJS.Timeout; n: NetworkDoc }>();
  private closed = false;

  constructor(
    private readonly netavark: NetavarkNetworks,
    private readonly netnsDir: string,
    /** containers holding an address on the network (starting, running, or being torn down) */
    private readonly attached: (networkId: string) => number,
    private readonly describe: (n: NetworkDoc) => NetavarkNetwork,
    /** the bridge interfaces of every bridge network of this daemon */
    private readonly bridges: () => string[],
    private readonly log: (msg: string) => void,
    private readonly idleMs = BRIDGE_IDLE_MS,
  ) {}

  async setup(a: Attachment): Promise<NetavarkStatus> {
    return this.serial(a, async () => {
      const n = this.native(a);
      // eth0 only: a second interface would need its default route left out (netavark's business)
      if (n && this.live.has(n.id) && linkExists(n.bridge) && a.req.networks[netavarkName(n)].interface_name === 'eth0') {
        try {
          return await this.attachNative(a, n);
        } catch (e) {
          this.log(`native attach of ${a.req.container_id} to ${n.bridge} failed, using netavark: ${errorMessage(e)}`);
        }
      }
      const status = await this.netavark.setup(a.nsPath, a.req).catch((e: unknown) => this.distrust(a, e));
      for (const [m] of a.eps) if (keepsWarm(m)) this.live.add(m.id);
      return status;
    });
  }

  async teardown(a: Attachment): Promise<void> {
    await this.serial(a, async () => {
      let failure: unknown = null;
      const n = this.native(a);
      if (n) await detachVeth(a.nsPath, a.req.networks[netavarkName(n)].interface_name).catch((e: unknown) => { failure = e; });
      else {
        // once more on failure (within this turn, so no attach slips in between): a concurrent
        // iptables user can make one attempt fail half-way
        await this.netavark.teardown(a.nsPath, a.req)
          .catch(() => new Promise((r) => setTimeout(r, 200)).then(() => this.netavark.teardown(a.nsPath, a.req)))
          .catch((e: unknown) => { failure = e; for (const [m] of a.eps) this.live.delete(m.id); });
        await this.restoreIsolationJump(a.eps.map(([m]) => m));
      }
      for (const [m] of a.eps) {
        if (!keepsWarm(m)) {
          // a teardown that failed half-way (netavark stops at the first error, e.g. a veth a
          // first attempt already deleted) leaves the bridge and its rules: removed once idle
          if (failure && m.bridge && linkExists(m.bridge)) this.scheduleIdle(m);
          continue;
        }
        if (!linkExists(m.bridge)) this.live.delete(m.id); // netavark removed it with its last interface
        else this.scheduleIdle(m);
      }
      if (failure) throw failure;
    });
  }

  /**
   * After netavark removed a network whose bridge went with its last interface: that also
   * removed the FORWARD jump into the isolation chains every other network relies on (see
   * ensureIsolationJump); it goes back while any other bridge of this daemon is up.
   */
  private async restoreIsolationJump(removed: NetworkDoc[]): Promise<void> {
    if (!removed.some((m) => m.bridge && !linkExists(m.bridge))) return;
    if (!this.bridges().some((b) => linkExists(b))) return;
    await this.netavark.exclusive(ensureIsolationJump).catch((e: unknown) => this.log(`restoring the isolation jump: ${errorMessage(e)}`));
  }

  /**
   * A netavark call that failed may have left a network's rules half made or half removed:
   * the next container on it goes through netavark again, which checks and completes them.
   */
  private distrust(a: Attachment, e: unknown): never {
    for (const [m] of a.eps) this.live.delete(m.id);
    throw e;
  }

  /** At start: bridges of `networks` left standing with nothing on them (a daemon killed while one was idle). */
  sweep(networks: NetworkDoc[]): void {
    for (const n of networks) if (n.driver === 'bridge' && n.bridge && linkExists(n.bridge) && this.attached(n.id) === 0) this.scheduleIdle(n);
  }

  /** Daemon stop: idle bridges are removed now; bridges with containers on them stay. */
  async shutdown(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.chains.values()]);
    const pending = [...this.idle.values()];
    this.idle.clear();
    for (const { timer } of pending) clearTimeout(timer);
    await Promise.all(pending.map(({ n }) => this.chain([n.id], () => this.releaseIdle(n)).catch(() => undefined)));
  }

  /** The one network of `a` when its veth can be handled natively: the default bridge's kind, no ports. */
  private native(a: Attachment): NetworkDoc | null {
    if (a.eps.length !== 1 || a.req.port_mappings.length) return null;
    const [n] = a.eps[0];
    const want = a.req.networks[netavarkName(n)];
    if (!keepsWarm(n) || !want || want.static_ips.length !== 1) return null;
    return batchSafe(a.nsPath, n.bridge, want.interface_name) ? n : null;
  }

  private async attachNative(a: Attachment, n: NetworkDoc): Promise<NetavarkStatus> {
    const want = a.req.networks[netavarkName(n)];
    const ep = a.eps[0][1];
    const ip = want.static_ips[0];
    const mac = want.static_mac || macFor(ip);
    const [veth, jump] = await Promise.allSettled([
      attachVeth({
        nsPath: a.nsPath, bridge: n.bridge, hostIface: `veth${a.req.container_id.slice(0, 11)}`, iface: want.interface_name, mac,
        address: { ip, prefix: ep.IPPrefixLen ?? Number(n.subnet.split('/')[1]), gateway: n.internal ? '' : n.gateway },
      }),
      // after any netavark call under way: a teardown of another network may be removing it
      this.netavark.exclusive(ensureIsolationJump),
    ]);
    if (veth.status === 'rejected') throw veth.reason;
    if (jump.status === 'rejected') {
      await detachVeth(a.nsPath, want.interface_name); // netavark, which the caller falls back to, makes its own
      throw jump.reason;
    }
    return { [netavarkName(n)]: { interfaces: { [want.interface_name]: { mac_address: mac, subnets: [{ ipnet: `${ip}/${ep.IPPrefixLen}`, gateway: n.gateway }] } } } };
  }

  private scheduleIdle(n: NetworkDoc): void {
    if (this.closed) return;
    const prev = this.idle.get(n.id);
    if (prev) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      this.idle.delete(n.id);
      this.chain([n.id], () => this.releaseIdle(n)).catch((e) => this.log(`releasing idle bridge ${n.bridge}: ${errorMessage(e)}`));
    }, this.idleMs);
    timer.unref();
    this.idle.set(n.id, { timer, n });
  }

  /**
   * netavark's teardown of the network's last interface removes the bridge and its rules: a
   * scratch namespace with one interface on the bridge serves as that last interface.
   */
  private async releaseIdle(n: NetworkDoc): Promise<void> {
    if (this.attached(n.id) > 0) return;
    this.live.delete(n.id);
    if (!linkExists(n.bridge)) return;
    const id = newId();
    const nsPath = path.join(this.netnsDir, `idle-${id.slice(0, 12)}`);
    const req: NetavarkRequest = {
      container_id: id, container_name: `idle-${id.slice(0, 12)}`, port_mappings: [],
      networks: { [netavarkName(n)]: { static_ips: [n.gateway], aliases: [], interface_name: 'eth0' } },
      // described without isolation: netavark would also remove the FORWARD jump into the
      // isolation chains every other network relies on (see ensureIsolationJump); this
      // network's own two isolation rules go right after instead
      network_info: { [netavarkName(n)]: { ...this.describe(n), options: { ...this.describe(n).options, isolate: 'false' } } },
    };
    try {
      await createNetns(nsPath);
      await attachVeth({ nsPath, bridge: n.bridge, hostIface: `veth${id.slice(0, 11)}`, iface: 'eth0', mac: macFor(n.gateway) });
      await this.netavark.teardown(nsPath, req);
      await this.netavark.exclusive(() => removeIsolationRules(n.bridge));
      await this.restoreIsolationJump([n]);
    } finally {
      await removeNetns(nsPath);
    }
  }

  /** Runs `fn` after earlier operations on the same warm-capable networks of `a`. */
  private serial<T>(a: Attachment, fn: () => Promise<T>): Promise<T> {
    return this.chain(a.eps.filter(([n]) => keepsWarm(n)).map(([n]) => n.id), fn);
  }

  private chain<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
    const keys = [...new Set(ids)].sort();
    const prev = Promise.all(keys.map((k) => this.chains.get(k)?.catch(() => undefined)));
    const next = prev.then(fn);
    const tail = next.catch(() => undefined);
    for (const k of keys) this.chains.set(k, tail);
    void tail.then(() => { for (const k of keys) if (this.chains.get(k) === tail) this.chains.delete(k); });
    return next;
  }
}

/**
 * The name netavark knows a network by: the ID, not the name. netavark names a network's
 * iptables chains after a hash of this name, so every daemon's "bridge" (and two daemons'
 * networks of the same name) would share chains, and one's teardown would delete the
 * other's rules.
 */
export function netavarkName(n: NetworkDoc): string {
  return n.id;
}

/** A bridge without DNS (the default bridge): what it holds per container is only the veth. */
function keepsWarm(n: NetworkDoc): boolean {
  return n.driver === 'bridge' && !n.dns && !!n.bridge;
}
