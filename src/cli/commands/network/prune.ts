import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { confirm } from '../confirm';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  flags: [
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const warning = 'WARNING! This will remove all custom networks not used by at least one container.';
    if (!get.bool(v, 'force') && !(await confirm(ctx, `${warning}\nAre you sure you want to continue?`))) return 0;
    const r = await ctx.client().networkPrune(parseFilters(get.list(v, 'filter')));
    if (r.NetworksDeleted?.length) ctx.out.write(`Deleted Networks:\n${r.NetworksDeleted.join('\n')}\n\n`);
    return 0;
  },
};
