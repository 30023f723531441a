import type { CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    { name: 'alias', kind: 'list', help: 'Add network-scoped alias for the container' },
    { name: 'driver-opt', kind: 'list', help: 'driver options for the network' },
    { name: 'ip', kind: 'string', help: 'IPv4 address (e.g., "172.30.100.104")' },
    { name: 'ip6', kind: 'string', help: 'IPv6 address (e.g., "2001:db8::33")' },
    { name: 'link', kind: 'list', help: 'Add link to another container' },
    { name: 'link-local-ip', kind: 'list', help: 'Add a link-local address for the container' },
  ],
  args: { min: 2, max: 2 },
  async run(ctx, v, args) {
    const ip = get.str(v, 'ip');
    const aliases = get.list(v, 'alias');
    const links = get.list(v, 'link');
    await ctx.client().networkConnect(args[0], {
      Container: args[1],
      EndpointConfig: {
        IPAMConfig: ip ? { IPv4Address: ip } : null,
        Aliases: aliases.length ? aliases : null,
        Links: links.length ? links : null,
      },
    });
    return 0;
  },
};
