import type { NetworkCreateRequest } from '../../../api-types';
import { StatusError, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { buildLabels } from '../../opts/env';

function keyValues(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list) {
    const i = kv.indexOf('=');
    if (i < 0) out[kv] = '';
    else out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export const command: CommandDef = {
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  flags: [
    { name: 'attachable', kind: 'bool', help: 'Enable manual container attachment' },
    { name: 'aux-address', kind: 'list', help: 'Auxiliary IPv4 or IPv6 addresses used by Network driver' },
    { name: 'driver', short: 'd', kind: 'string', help: 'Driver to manage the Network (default "bridge")' },
    { name: 'gateway', kind: 'list', help: 'IPv4 or IPv6 Gateway for the master subnet' },
    { name: 'internal', kind: 'bool', help: 'Restrict external access to the network' },
    { name: 'ip-range', kind: 'list', help: 'Allocate container ip from a sub-range' },
    { name: 'ipam-driver', kind: 'string', help: 'IP Address Management Driver (default "default")' },
    { name: 'ipam-opt', kind: 'list', help: 'Set IPAM driver specific options' },
    { name: 'ipv6', kind: 'bool', help: 'Enable IPv6 networking' },
    { name: 'label', kind: 'list', help: 'Set metadata on a network' },
    { name: 'opt', short: 'o', kind: 'list', help: 'Set driver specific options' },
    { name: 'subnet', kind: 'list', help: 'Subnet in CIDR format that represents a network segment' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, args) {
    const subnets = get.list(v, 'subnet');
    const gateways = get.list(v, 'gateway');
    const ranges = get.list(v, 'ip-range');
    if (gateways.length > subnets.length || ranges.length > subnets.length) {
      throw new StatusError('no matching subnet for gateway or ip-range', 1);
    }
    const req: NetworkCreateRequest = {
      Name: args[0],
      CheckDuplicate: true,
      Driver: get.str(v, 'driver') ?? 'bridge',
      Internal: get.bool(v, 'internal'),
      Attachable: get.bool(v, 'attachable'),
      EnableIPv6: get.bool(v, 'ipv6'),
      IPAM: {
        Driver: get.str(v, 'ipam-driver') ?? 'default',
        Config: subnets.map((s, i) => ({ Subnet: s, ...(gateways[i] ? { Gateway: gateways[i] } : {}), ...(ranges[i] ? { IPRange: ranges[i] } : {}) })),
        Options: keyValues(get.list(v, 'ipam-opt')),
      },
      Options: keyValues(get.list(v, 'opt')),
      Labels: buildLabels(get.list(v, 'label'), [], () => ''),
    };
    const r = await ctx.client().networkCreate(req);
    ctx.out.write(`${r.Id}\n`);
    return 0;
  },
};
