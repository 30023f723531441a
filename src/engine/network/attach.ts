import * as path from 'node:path';
import type { EndpointSettings, HostConfig, NetworkingConfig } from '../../api-types';
import type { NetavarkNetwork, NetavarkNetworks, NetavarkRequest, PortAllocator } from '../../network';
import { allocateAddress, contains, createNetns, formatIPv4, listNetns, parseCidr, parseIPv4, removeNetns, writeEtcFiles } from '../../network';
import type { NamespaceMode } from '../../runtime';
import { ConflictError, ForbiddenError, InvalidParameterError, NotFoundError, SystemError, errorMessage } from '../../util/errors';
import { newId, shortId } from '../../util/ids';
import type { ContainerDoc } from '../container/model';
import { BridgeLinks, netavarkName } from './bridge-links';
import type { NetworkDoc } from './model';
import { portsOf, releasePorts, resolvePorts } from './ports';
import type { NetworkRegistry } from './registry';

/** The container side the networking needs: lookup, the list, and persistence. */
export interface ContainerLookup {
  tryGet(ref: string): ContainerDoc | null;
  all(): ContainerDoc[];
  save(doc: ContainerDoc): void;
}

/** What the container lifecycle calls (engine/container/{create,start,exit,remove}.ts). */
export interface ContainerNetworkHooks {
  /** create: validates the network mode, -p, --ip, --alias, --link; returns the endpoints to record */
  prepare(hc: HostConfig, nc: NetworkingConfig | undefined): Record<string, EndpointSettings>;
  /** start: the namespace to run in and /etc files rewritten; the interfaces may still be on their way */
  setup(doc: ContainerDoc): Promise<NamespaceMode>;
  /** start, before the process runs: the interfaces are in place; throws (everything undone) when they could not be */
  ready(doc: ContainerDoc): Promise<void>;
  /** exit, rm: undoes setup; a no-op when nothing is set up; joins one already under way */
  teardown(doc: ContainerDoc): Promise<void>;
  /** leftovers of a container the daemon no longer knows */
  forget(id: string): Promise<void>;
}

export function modeOf(hc: HostConfig): string {
  const m = hc.NetworkMode || 'default';
  return m === 'default' ? 'bridge' : m;
}

function emptyEndpoint(n: NetworkDoc, cfg: EndpointSettings | undefined): EndpointSettings {
  return {
    IPAMConfig: cfg?.IPAMConfig ?? null, Links: cfg?.Links ?? null, Aliases: cfg?.Aliases ?? null,
    NetworkID: n.id, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '',
    GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: cfg?.MacAddress ?? '', DriverOpts: cfg?.DriverOpts ?? null,
  };
}

export class ContainerNetworking implements ContainerNetworkHooks {
  /** teardowns under way, by container: exit does not wait for them, network rm and -p do */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(
    private readonly networks: NetworkRegistry,
    private readonly containers: ContainerLookup,
    private readonly netavark: NetavarkNetworks,
    private readonly ports: PortAllocator,
    private readonly netnsDir: string,
    private readonly log: (msg: string) => void = () => undefined,
  ) {
    this.links = new BridgeLinks(netavark, netnsDir, (id) => this.attachedCount(id), (n) => this.netavarkNetwork(n),
      () => this.networks.all().filter((n) => n.driver === 'bridge').map((n) => n.bridge), log);
  }

  /** attaches under way, by container: start's ready() waits for them, a teardown lets them finish first */
  private readonly attaching = new Map<string, { done: Promise<void>; ready: Promise<void> }>();

  /**
   * start, after the runtime created the container in the namespace setup() returned: the
   * interfaces are in place (or the attach failed and everything setup did is undone).
   */
  async ready(doc: ContainerDoc): Promise<void> {
    const a = this.attaching.get(doc.id);
    if (!a) return;
    try {
      await a.ready;
    } finally {
      if (this.attaching.get(doc.id) === a) this.attaching.delete(doc.id);
    }
  }

  /** every veth on a bridge network is made and removed through here */
  private readonly links: BridgeLinks;

  private attachedCount(networkId: string): number {
    return this.containers.all().filter((c) => Object.values(c.network.networks).some((ep) => ep.NetworkID === networkId && !!ep.IPAddress)).length;
  }

  netnsPath(id: string): string {
    return path.join(this.netnsDir, id);
  }

  prepare(hc: HostConfig, nc: NetworkingConfig | undefined): Record<string, EndpointSettings> {
    const mode = modeOf(hc);
    if (mode.startsWith('container:')) {
      const other = this.containers.tryGet(mode.slice('container:'.length));
      if (!other) throw new NotFoundError(`No such container: ${mode.slice('container:'.length)}`);
      if (Object.keys(hc.PortBindings ?? {}).length || hc.PublishAllPorts) {
        throw new InvalidParameterError('conflicting options: port publishing and the container type network mode');
      }
      if (hc.Links?.length) throw new InvalidParameterError('conflicting options: container type network can\'t be used with links. This would result in undefined behavior');
      if (hc.Dns?.length) throw new InvalidParameterError('conflicting options: dns and the network mode');
      if (hc.ExtraHosts?.length) throw new InvalidParameterError('conflicting options: custom host-to-IP mapping and the network mode');
      return {};
    }
    const n = this.networks.tryGet(mode);
    // Moby 20.10 reports a missing network at start, leaving the container created (and a
    // 404 at create would make the docker CLI try to pull the image)
    if (!n) return { [mode]: { NetworkID: '', Aliases: null, IPAMConfig: null } };
    const eps = nc?.EndpointsConfig ?? {};
    const cfg = eps[mode] ?? eps[n.name] ?? eps[n.id] ?? (hc.NetworkMode === 'default' || !hc.NetworkMode ? eps.default : undefined);
    if (n.driver === 'host' || n.driver === 'null') {
      if (hc.Links?.length) throw new InvalidParameterError('conflicting options: host type networking can\'t be used with links. This would result in undefined behavior');
      return { [n.name]: emptyEndpoint(n, undefined) };
    }
    this.checkEndpointConfig(n, cfg);
    for (const l of hc.Links ?? []) {
      const target = l.split(':')[0].replace(/^\//, '');
      if (!this.containers.tryGet(target)) throw new NotFoundError(`could not get container for ${target}`);
    }
    return { [n.name]: emptyEndpoint(n, cfg) };
  }

  private checkEndpointConfig(n: NetworkDoc, cfg: EndpointSettings | undefined): void {
    const ip = cfg?.IPAMConfig?.IPv4Address;
    if (n.predefined) {
      if (ip) throw new InvalidParameterError('user specified IP address is supported on user defined networks only');
      if (cfg?.Aliases?.length) throw new InvalidParameterError('network-scoped alias is supported only for containers in user defined networks');
    }
    if (ip) {
      const addr = parseIPv4(ip);
      if (addr === null) throw new InvalidParameterError(`invalid IPv4 address: ${ip}`);
      if (!contains(parseCidr(n.subnet), addr)) throw new InvalidParameterError(`Invalid address ${ip}: It does not belong to any of this network's subnets`);
    }
  }

  async setup(doc: ContainerDoc): Promise<NamespaceMode> {
    const mode = modeOf(doc.hostConfig);
    if (mode.startsWith('container:')) return this.joinContainer(mode.slice('container:'.length));
    if (doc.network.sandbox || this.pending.has(doc.id)) await this.teardown(doc);
    // host ports and addresses of containers just removed are free once their teardown is done
    if (this.pending.size && (Object.keys(doc.hostConfig.PortBindings ?? {}).length || doc.hostConfig.PublishAllPorts)) await this.settled();
    const bridged = this.bridgedEndpoints(doc);
    if (!bridged.length) {
      const n = this.networks.tryGet(mode);
      if (!n) throw new NotFoundError(`network ${mode} not found`);
      return n.driver === 'host' ? 'host' : 'private';
    }
    const nsPath = this.netnsPath(doc.id);
    const req = this.request(doc, bridged);
    const ports = await resolvePorts(this.ports, doc.hostConfig, doc.config, { name: doc.name, id: bridged[0][1].EndpointID || '' });
    req.port_mappings = ports.mappings;
    const undo = async (e: unknown): Promise<never> => {
      await this.teardown(doc).catch(() => undefined);
      releasePorts(this.ports, ports.reserved);
      if (e instanceof ConflictError || e instanceof InvalidParameterError) throw e;
      throw new SystemError(errorMessage(e));
    };
    try {
      await createNetns(nsPath);
      doc.network.sandbox = nsPath;
      doc.network.ports = ports.map;
      this.containers.save(doc);
      await this.writeEtc(doc); // the address is known already; only the MAC comes from the attach
    } catch (e) {
      return undo(e);
    }
    // the veths are made while the runtime creates the container in the namespace; ready() waits
    const attaching = this.links.setup({ nsPath, req, eps: bridged }).then((status) => {
      this.fill(bridged, status);
      this.containers.save(doc);
    });
    const ready = attaching.catch(undo);
    ready.catch(() => undefined); // reported by ready(), when a start asks
    this.attaching.set(doc.id, { done: attaching.then(() => undefined, () => undefined), ready });
    return { path: nsPath };
  }

  private joinContainer(ref: string): NamespaceMode {
    const other = this.containers.tryGet(ref);
    if (!other) throw new NotFoundError(`No such container: ${ref}`);
    if (!other.state.Running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
    if (modeOf(other.hostConfig) === 'host') return 'host';
    return { path: other.network.sandbox ?? `/proc/${other.state.Pid}/ns/net` };
  }

  /** The container's endpoints on bridge networks, each with its network; IPs allocated. */
  private bridgedEndpoints(doc: ContainerDoc): [NetworkDoc, EndpointSettings][] {
    const out: [NetworkDoc, EndpointSettings][] = [];
    for (const [name, ep] of Object.entries(doc.network.networks)) {
      const n = this.networks.tryGet(ep.NetworkID ?? '') ?? this.networks.tryGet(name);
      if (!n) throw new NotFoundError(`network ${name} not found`);
      if (n.driver !== 'bridge') continue;
      this.allocate(n, ep);
      out.push([n, ep]);
    }
    return out;
  }

  /** Synchronous, so two starts never pick the same address. */
  private allocate(n: NetworkDoc, ep: EndpointSettings): void {
    const subnet = parseCidr(n.subnet);
    const want = ep.IPAMConfig?.IPv4Address;
    const used = this.usedAddresses(n.id);
    used.add(parseIPv4(n.gateway) as number);
    let ip: number | null;
    if (want) {
      ip = parseIPv4(want);
      if (ip === null || used.has(ip)) throw new ForbiddenError(`Address already in use`);
    } else {
      ip = allocateAddress(subnet, n.ipRange ? parseCidr(n.ipRange) : null, used);
      if (ip === null) throw new ForbiddenError(`no available IPv4 addresses on this network's address pools: ${n.name} (${n.id})`);
    }
    ep.NetworkID = n.id;
    ep.EndpointID = newId();
    ep.IPAddress = formatIPv4(ip);
    ep.IPPrefixLen = subnet.bits;
    ep.Gateway = n.internal ? '' : n.gateway;
  }

  private usedAddresses(networkId: string): Set<number> {
    const used = new Set<number>();
    for (const c of this.containers.all()) {
      for (const ep of Object.values(c.network.networks)) {
        if (ep.NetworkID === networkId && ep.IPAddress) used.add(parseIPv4(ep.IPAddress) as number);
      }
    }
    return used;
  }

  netavarkNetwork(n: NetworkDoc): NetavarkNetwork {
    return {
      name: netavarkName(n), id: n.id, driver: 'bridge', network_interface: n.bridge, created: n.created,
      subnets: [{ subnet: n.subnet, gateway: n.gateway }], ipv6_enabled: false, internal: n.internal,
      dns_enabled: n.dns, options: { isolate: 'true' }, ipam_options: { driver: 'host-local' },
    };
  }

  private request(doc: ContainerDoc, eps: [NetworkDoc, EndpointSettings][], ifaceStart = 0): NetavarkRequest {
    const req: NetavarkRequest = { container_id: doc.id, container_name: doc.name, port_mappings: [], networks: {}, network_info: {} };
    if (doc.hostConfig.Dns?.length) req.dns_servers = doc.hostConfig.Dns;
    eps.forEach(([n, ep], i) => {
      const ifaces = (doc.network.interfaces ??= {});
      const iface = ifaces[n.name] ?? `eth${ifaceStart + i}`;
      ifaces[n.name] = iface;
      const mac = ep.MacAddress || (ifaceStart + i === 0 ? doc.config.MacAddress : '');
      req.networks[netavarkName(n)] = {
        static_ips: [ep.IPAddress as string],
        aliases: n.dns ? [...new Set([...(ep.Aliases ?? []), shortId(doc.id)])] : [],
        interface_name: iface,
        ...(mac ? { static_mac: mac } : {}),
      };
      req.network_info[netavarkName(n)] = this.netavarkNetwork(n);
    });
    return req;
  }

  private fill(eps: [NetworkDoc, EndpointSettings][], status: Awaited<ReturnType<NetavarkNetworks['setup']>>): void {
    for (const [n, ep] of eps) {
      const st = status[netavarkName(n)];
      const iface = Object.values(st?.interfaces ?? {})[0];
      if (iface?.mac_address) ep.MacAddress = iface.mac_address;
    }
  }

  /** /etc/hosts with the container's address and its links; resolv.conf pointing at aardvark-dns. */
  private async writeEtc(doc: ContainerDoc): Promise<void> {
    const eps = Object.values(doc.network.networks).filter((e) => e.IPAddress);
    const dnsNet = eps.map((e) => this.networks.tryGet(e.NetworkID ?? '')).find((n) => n?.dns && n.gateway);
    const bridge = this.networks.byName('bridge');
    const links: { ip: string; names: string[] }[] = [];
    for (const l of doc.hostConfig.Links ?? []) {
      const [target, alias] = l.split(':').map((s) => s.replace(/^.*\//, ''));
      const c = this.containers.tryGet(target);
      const ip = c && Object.values(c.network.networks).find((e) => e.IPAddress)?.IPAddress;
      if (c && ip) links.push({ ip, names: [...new Set([alias || c.name, shortId(c.id), c.name])] });
    }
    await writeEtcFiles(path.dirname(doc.hostsPath), {
      hostname: doc.config.Hostname ?? '',
      domainname: doc.config.Domainname ?? '',
      networkMode: 'private',
      address: eps[0]?.IPAddress,
      extraHosts: (doc.hostConfig.ExtraHosts ?? []).map((h) => h.replace(/:host-gateway$/, `:${bridge?.gateway ?? ''}`)),
      dns: dnsNet ? [dnsNet.gateway] : (doc.hostConfig.Dns ?? []),
      dnsSearch: doc.hostConfig.DnsSearch ?? [],
      dnsOptions: doc.hostConfig.DnsOptions ?? [],
      links,
    });
  }

  teardown(doc: ContainerDoc): Promise<void> {
    const running = this.pending.get(doc.id);
    if (running) return running;
    if (!doc.network.sandbox) return Promise.resolve();
    const p = this.release(doc).finally(() => this.pending.delete(doc.id));
    this.pending.set(doc.id, p);
    return p;
  }

  /** Resolves when every teardown under way has finished. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending.values()].map((p) => p.catch(() => undefined)));
  }

  private async release(doc: ContainerDoc): Promise<void> {
    // an attach under way finishes first; its entry stays for start's ready(), which must see a failure
    await this.attaching.get(doc.id)?.done;
    const nsPath = doc.network.sandbox;
    if (!nsPath) return;
    const eps: [NetworkDoc, EndpointSettings][] = [];
    for (const ep of Object.values(doc.network.networks)) {
      const n = ep.IPAddress ? this.networks.tryGet(ep.NetworkID ?? '') : null;
      if (n && n.driver === 'bridge') eps.push([n, ep]);
    }
    const reserved = portsOf(doc.network.ports);
    if (eps.length) {
      const req = this.request(doc, eps);
      req.port_mappings = reserved.map((r) => ({ host_ip: r.ip, container_port: r.ctrPort, host_port: r.port, range: 1, protocol: r.proto }));
      await this.links.teardown({ nsPath, req, eps }).catch((e) => this.log(`network teardown of ${doc.id}: ${errorMessage(e)}`));
    }
    await removeNetns(nsPath);
    releasePorts(this.ports, reserved);
    for (const ep of Object.values(doc.network.networks)) clearEndpoint(ep);
    doc.network.ports = {};
    delete doc.network.sandbox;
    delete doc.network.interfaces;
    this.containers.save(doc);
  }

  async forget(id: string): Promise<void> {
    await this.pending.get(id)?.catch(() => undefined);
    await removeNetns(this.netnsPath(id));
  }

  /** At start: netns files of containers the daemon no longer knows (a removal cut short). */
  async collectOrphans(): Promise<number> {
    const ids = (await listNetns(this.netnsDir)).filter((id) => this.containers.tryGet(id)?.id !== id);
    for (const id of ids) await removeNetns(this.netnsPath(id));
    this.links.sweep(this.networks.all());
    return ids.length;
  }

  /** Daemon stop: the default bridge, when idle, goes now rather than after its grace period. */
  async shutdown(): Promise<void> {
    await this.settled();
    await this.links.shutdown();
  }

  /** After a daemon restart: the host ports of running containers are ours again. */
  adopt(): void {
    for (const c of this.containers.all()) {
      if (!c.network.sandbox) continue;
      for (const r of portsOf(c.network.ports)) this.ports.adopt(r.ip, r.port, r.proto);
    }
  }

  /** network connect: records the endpoint; on a running container, sets it up at once. */
  async connect(doc: ContainerDoc, n: NetworkDoc, cfg: EndpointSettings | undefined): Promise<void> {
    const mode = modeOf(doc.hostConfig);
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:') || n.driver !== 'bridge') {
      throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    }
    if (Object.values(doc.network.networks).some((e) => e.NetworkID === n.id) || doc.network.networks[n.name]) {
      throw new ForbiddenError(`endpoint with name ${doc.name} already exists in network ${n.name}`);
    }
    this.checkEndpointConfig(n, cfg ?? undefined);
    await this.pending.get(doc.id)?.catch(() => undefined); // a stop's teardown first
    const ep = emptyEndpoint(n, cfg);
    if (!doc.state.Running || !doc.network.sandbox) {
      doc.network.networks[n.name] = ep;
      this.containers.save(doc);
      return;
    }
    this.allocate(n, ep);
    doc.network.networks[n.name] = ep;
    const used = Object.values(doc.network.interfaces ?? {});
    let i = 0;
    while (used.includes(`eth${i}`)) i++;
    const req = this.request(doc, [[n, ep]], i);
    try {
      this.fill([[n, ep]], await this.links.setup({ nsPath: doc.network.sandbox, req, eps: [[n, ep]] }));
    } catch (e) {
      delete doc.network.networks[n.name];
      throw new SystemError(errorMessage(e));
    }
    this.containers.save(doc);
  }

  async disconnect(doc: ContainerDoc, n: NetworkDoc): Promise<void> {
    const name = Object.keys(doc.network.networks).find((k) => doc.network.networks[k].NetworkID === n.id || k === n.name);
    if (!name) throw new ForbiddenError(`container ${doc.id} is not connected to network ${n.name}`);
    if (n.driver !== 'bridge') throw new ForbiddenError('container cannot be disconnected from host network or connected to host network');
    await this.pending.get(doc.id)?.catch(() => undefined);
    const ep = doc.network.networks[name];
    if (doc.network.sandbox && ep.IPAddress) {
      const req = this.request(doc, [[n, ep]]);
      await this.links.teardown({ nsPath: doc.network.sandbox, req, eps: [[n, ep]] }).catch((e) => this.log(`disconnect ${doc.id}: ${errorMessage(e)}`));
    }
    delete doc.network.networks[name];
    if (doc.network.interfaces) delete doc.network.interfaces[name];
    this.containers.save(doc);
  }
}

function clearEndpoint(ep: EndpointSettings): void {
  ep.EndpointID = '';
  ep.Gateway = '';
  ep.IPAddress = '';
  ep.IPPrefixLen = 0;
  ep.MacAddress = '';
}
