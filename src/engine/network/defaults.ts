import type { AddressPool } from '../../network';
import { cidrString, formatIPv4, hostRoutes, overlaps, parseAddressCidr, parseCidr, pickSubnet } from '../../network';
import { newId } from '../../util/ids';
import type { NetworkDoc } from './model';
import type { NetworkRegistry } from './registry';

export interface DefaultBridgeOptions {
  /** the default bridge's interface (berth0: docker0 may belong to another engine) */
  bridgeName: string;
  /** "172.17.0.1/16": the bridge's address and subnet; else 172.17.0.0/16 or the next free */
  bip?: string;
}

const DOCKER_BRIDGE = parseCidr('172.17.0.0/16');
const FALLBACK_POOLS: AddressPool[] = [
  { base: parseCidr('172.18.0.0/15'), size: 16 }, { base: parseCidr('172.20.0.0/14'), size: 16 },
  { base: parseCidr('172.24.0.0/13'), size: 16 }, { base: parseCidr('192.168.0.0/16'), size: 20 },
];

/**
 * bridge, host and none, created at the first start as Docker does. The default bridge
 * follows the daemon flags at every start, unless a container is attached to it.
 */
export function ensureDefaultNetworks(reg: NetworkRegistry, opts: DefaultBridgeOptions, inUse: (n: NetworkDoc) => boolean): void {
  const now = new Date().toISOString();
  const base = { created: now, internal: false, attachable: false, subnet: '', gateway: '', ipRange: '', bridge: '', dns: false, ipamOptions: null, labels: {}, predefined: true };
  if (!reg.byName('host')) reg.add({ ...base, id: newId(), name: 'host', driver: 'host', ipamConfig: [], options: {} });
  if (!reg.byName('none')) reg.add({ ...base, id: newId(), name: 'none', driver: 'null', ipamConfig: [], options: {} });
  const existing = reg.byName('bridge');
  if (existing && (inUse(existing) || (existing.bridge === opts.bridgeName && !opts.bip))) return;
  let subnet: string;
  let gateway: string;
  if (opts.bip) {
    const { ip, cidr } = parseAddressCidr(opts.bip);
    subnet = cidrString(cidr);
    gateway = formatIPv4(ip);
  } else {
    const taken = [...hostRoutes(), ...reg.all().filter((n) => n.subnet && n.name !== 'bridge').map((n) => parseCidr(n.subnet))];
    const c = taken.some((t) => overlaps(t, DOCKER_BRIDGE)) ? pickSubnet(FALLBACK_POOLS, taken) : DOCKER_BRIDGE;
    if (!c) throw new Error('no free subnet for the default bridge: use --bip');
    subnet = cidrString(c);
    gateway = formatIPv4(c.base + 1);
  }
  if (existing && existing.subnet === subnet && existing.gateway === gateway && existing.bridge === opts.bridgeName) return;
  if (existing) reg.remove(existing);
  reg.add({
    ...base, id: existing?.id ?? newId(), name: 'bridge', driver: 'bridge', subnet, gateway, bridge: opts.bridgeName,
    ipamConfig: [{ Subnet: subnet, Gateway: gateway }],
    options: {
      'com.docker.network.bridge.default_bridge': 'true',
      'com.docker.network.bridge.enable_icc': 'true',
      'com.docker.network.bridge.enable_ip_masquerade': 'true',
      'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
      'com.docker.network.bridge.name': opts.bridgeName,
      'com.docker.network.driver.mtu': '1500',
    },
  });
}
