import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { humanSize4 } from '../../format';
import { confirm } from '../confirm';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    if (!get.bool(v, 'force') && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.\nAre you sure you want to continue?'))) return 0;
    const r = await ctx.client().containerPrune(parseFilters(get.list(v, 'filter')));
    if (r.ContainersDeleted?.length) ctx.out.write(`Deleted Containers:\n${r.ContainersDeleted.join('\n')}\n\n`);
    ctx.out.write(`Total reclaimed space: ${humanSize4(r.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
