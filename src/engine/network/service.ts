import type {
  EndpointSettings, NetworkContainer, NetworkCreateRequest, NetworkCreateResponse, NetworkPruneResponse, NetworkResource,
} from '../../api-types';
import type { AddressPool, Cidr } from '../../network';
import { cidrString, contains, firstHost, formatIPv4, hostRoutes, overlaps, parseCidr, parseIPv4, pickSubnet } from '../../network';
import { ConflictError, ForbiddenError, InvalidParameterError, NotFoundError } from '../../util/errors';
import { newId } from '../../util/ids';
import type { Filters, NetworkBackend } from '../backends';
import type { EventBus } from '../events/bus';
import type { ContainerLookup, ContainerNetworking } from './attach';
import type { NetworkDoc } from './model';
import { toResource } from './model';
import type { NetworkRegistry } from './registry';
import { labelMatch } from '../label-filter';

const FILTERS = new Set(['driver', 'id', 'label', 'name', 'scope', 'type', 'dangling']);

/** The API's view of networks (GET/POST /networks...). */
export class NetworkService implements NetworkBackend {
  constructor(
    private readonly networks: NetworkRegistry,
    private readonly containers: ContainerLookup,
    private readonly attach: ContainerNetworking,
    private readonly events: EventBus,
    private readonly pools: AddressPool[],
  ) {}

  list(filters: Filters): Promise<NetworkResource[]> {
    for (const k of Object.keys(filters)) if (!FILTERS.has(k)) throw new InvalidParameterError(`Invalid filter '${k}'`);
    const out = this.networks.all().filter((n) => this.matches(n, filters))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((n) => toResource(n, this.endpoints(n)));
    return Promise.resolve(out);
  }

  private matches(n: NetworkDoc, f: Filters): boolean {
    if (f.driver?.length && !f.driver.includes(n.driver)) return false;
    if (f.id?.length && !f.id.some((v) => n.id.startsWith(v))) return false;
    if (f.name?.length && !f.name.some((v) => n.name.includes(v))) return false;
    if (f.scope?.length && !f.scope.includes('local')) return false;
    if (f.type?.length && !f.type.includes(n.predefined ? 'builtin' : 'custom')) return false;
    if (f.label?.length && !f.label.every((l) => labelMatch(n.labels, l))) return false;
    if (f.dangling?.length) {
      const want = f.dangling[0] === 'true' || f.dangling[0] === '1';
      if (want !== (!n.predefined && !this.inUse(n))) return false;
    }
    return true;
  }

  inspect(ref: string): Promise<NetworkResource> {
    const n = this.networks.get(ref);
    return Promise.resolve(toResource(n, this.endpoints(n)));
  }

  /** The running containers attached to `n`, as inspect's Containers. */
  private endpoints(n: NetworkDoc): Record<string, NetworkContainer> {
    const out: Record<string, NetworkContainer> = {};
    for (const c of this.containers.all()) {
      for (const ep of Object.values(c.network.networks)) {
        if (ep.NetworkID !== n.id || (!ep.IPAddress && n.driver === 'bridge')) continue;
        if (n.driver !== 'bridge' && !c.state.Running) continue;
        out[c.id] = {
          Name: c.name, EndpointID: ep.EndpointID ?? '', MacAddress: ep.MacAddress ?? '',
          IPv4Address: ep.IPAddress ? `${ep.IPAddress}/${ep.IPPrefixLen}` : '', IPv6Address: '',
        };
      }
    }
    return out;
  }

  private inUse(n: NetworkDoc): boolean {
    return this.containers.all().some((c) => Object.values(c.network.networks).some((ep) => ep.NetworkID === n.id && !!ep.IPAddress));
  }

  create(req: NetworkCreateRequest): Promise<NetworkCreateResponse> {
    if (!req || !req.Name) throw new InvalidParameterError('network name is required');
    const driver = req.Driver || 'bridge';
    if (driver === 'host' || driver === 'null') throw new ForbiddenError(`only one instance of "${driver}" network is allowed`);
    if (driver !== 'bridge') throw new NotFoundError(`plugin "${driver}" not found`);
    if (this.networks.byName(req.Name)) throw new ConflictError(`network with name ${req.Name} already exists`);
    if (req.EnableIPv6) throw new InvalidParameterError('IPv6 networks are not supported by berth');
    const id = newId();
    const opts = req.Options ?? {};
    const ipam = (req.IPAM?.Config ?? [])[0] ?? {};
    const { subnet, gateway, ipRange } = this.addressing(ipam.Subnet, ipam.Gateway, ipam.IPRange);
    const bridge = opts['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`;
    if (bridge.length > 15) throw new InvalidParameterError(`bridge name ${bridge} is longer than 15 characters`);
    if (this.networks.all().some((n) => n.bridge === bridge)) throw new ForbiddenError(`bridge name ${bridge} is already in use`);
    const shown = { Subnet: cidrString(subnet), ...(ipRange ? { IPRange: cidrString(ipRange) } : {}), Gateway: formatIPv4(gateway) };
    const doc: NetworkDoc = {
      id, name: req.Name, created: new Date().toISOString(), driver: 'bridge',
      internal: !!req.Internal, attachable: !!req.Attachable,
      subnet: cidrString(subnet), gateway: formatIPv4(gateway), ipRange: ipRange ? cidrString(ipRange) : '', bridge, dns: true,
      ipamConfig: [shown], ipamOptions: req.IPAM?.Options ?? null, options: opts, labels: req.Labels ?? {}, predefined: false,
    };
    this.networks.add(doc);
    this.events.publish('network', 'create', id, { name: doc.name, type: 'bridge' });
    return Promise.resolve({ Id: id, Warning: '' });
  }

  /** Subnet given (must not overlap another network) or the next free one from the pools. */
  private addressing(subnetS?: string, gatewayS?: string, rangeS?: string): { subnet: Cidr; gateway: number; ipRange: Cidr | null } {
    const taken = this.networks.all().filter((n) => n.subnet).map((n) => parseCidr(n.subnet));
    let subnet: Cidr;
    if (subnetS) {
      subnet = parseCidr(subnetS);
      if (taken.some((t) => overlaps(t, subnet))) throw new ForbiddenError('Pool overlaps with other one on this address space');
    } else {
      const s = pickSubnet(this.pools, [...taken, ...hostRoutes()]);
      if (!s) throw new ForbiddenError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network');
      subnet = s;
    }
    let ipRange: Cidr | null = null;
    if (rangeS) {
      ipRange = parseCidr(rangeS);
      if (!overlaps(subnet, ipRange) || ipRange.bits < subnet.bits) throw new ForbiddenError(`no matching subnet for range ${rangeS}`);
    }
    let gateway = firstHost(subnet);
    if (gatewayS) {
      const g = parseIPv4(gatewayS);
      if (g === null || !contains(subnet, g)) throw new ForbiddenError(`no matching subnet for gateway ${gatewayS}`);
      gateway = g;
    }
    return { subnet, gateway, ipRange };
  }

  async remove(ref: string): Promise<void> {
    const n = this.networks.get(ref);
    await this.attach.settled();
    if (n.predefined) throw new ForbiddenError(`${n.name} is a pre-defined network and cannot be removed`);
    if (this.inUse(n)) throw new ForbiddenError(`error while removing network: network ${n.name} id ${n.id} has active endpoints`);
    this.networks.remove(n);
    this.events.publish('network', 'destroy', n.id, { name: n.name, type: n.driver });
  }

  async prune(filters: Filters): Promise<NetworkPruneResponse> {
    await this.attach.settled();
    const deleted: string[] = [];
    for (const n of this.networks.all()) {
      if (n.predefined || this.inUse(n)) continue;
      if (filters.label?.length && !this.matches(n, { label: filters.label })) continue;
      await this.remove(n.id);
      deleted.push(n.name);
    }
    return { NetworksDeleted: deleted.length ? deleted : null };
  }

  async connect(ref: string, containerRef: string, cfg: EndpointSettings | undefined): Promise<void> {
    const n = this.networks.get(ref);
    const c = this.containers.tryGet(containerRef);
    if (!c) throw new NotFoundError(`No such container: ${containerRef}`);
    await this.attach.connect(c, n, cfg);
    this.events.publish('network', 'connect', n.id, { container: c.id, name: n.name, type: n.driver });
  }

  async disconnect(ref: string, containerRef: string, force: boolean): Promise<void> {
    const n = this.networks.get(ref);
    const c = this.containers.tryGet(containerRef);
    if (!c) {
      if (force) return;
      throw new NotFoundError(`No such container: ${containerRef}`);
    }
    await this.attach.disconnect(c, n);
    this.events.publish('network', 'disconnect', n.id, { container: c.id, name: n.name, type: n.driver });
  }
}
