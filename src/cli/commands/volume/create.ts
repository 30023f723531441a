import type { CommandDef } from '../../command';
import { StatusError } from '../../command';
import { get } from '../../flagset';
import { buildLabels } from '../../opts/env';

/** -o key=value pairs (docker's MapOpts: the first "=" splits). */
function driverOpts(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of list) {
    const i = o.indexOf('=');
    out[i < 0 ? o : o.slice(0, i)] = i < 0 ? '' : o.slice(i + 1);
  }
  return out;
}

export const command: CommandDef = {
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    { name: 'driver', short: 'd', kind: 'string', def: 'local', help: 'Specify volume driver name' },
    { name: 'label', kind: 'list', help: 'Set metadata for a volume' },
    { name: 'name', kind: 'string', help: 'Specify volume name', hidden: true },
    { name: 'opt', short: 'o', kind: 'list', help: 'Set driver specific options' },
  ],
  args: { max: 1 },
  async run(ctx, v, args) {
    const flagName = get.str(v, 'name');
    if (flagName && args[0] && flagName !== args[0]) {
      throw new StatusError(`conflicting options: cannot specify a volume-name through both --name and as a positional arg`, 1);
    }
    const vol = await ctx.client().volumeCreate({
      Name: args[0] ?? flagName ?? '',
      Driver: get.str(v, 'driver') ?? 'local',
      DriverOpts: driverOpts(get.list(v, 'opt')),
      Labels: buildLabels(get.list(v, 'label'), [], () => ''),
    });
    ctx.out.write(`${vol.Name}\n`);
    return 0;
  },
};
