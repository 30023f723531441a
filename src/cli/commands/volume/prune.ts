import { StatusError, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { humanSize4 } from '../../format';
import { confirm } from '../confirm';

/**
 * As Docker 23+ users know it: anonymous volumes only, or every unused one with -a. berthd
 * speaks API 1.41, where a plain prune removes every unused volume (what the docker CLI 28
 * gets, with its "all" warning), so berth asks with an explicit all=false|true filter.
 */
export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Remove all unused volumes, not just anonymous ones' },
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "label=<label>")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const all = get.bool(v, 'all');
    const filters = parseFilters(get.list(v, 'filter'));
    if (all && filters.all) throw new StatusError('conflicting options: cannot specify both --all and --filter all=1', 1);
    filters.all ??= [all ? 'true' : 'false'];
    const warning = filters.all.includes('true') || filters.all.includes('1')
      ? 'WARNING! This will remove all local volumes not used by at least one container.'
      : 'WARNING! This will remove anonymous local volumes not used by at least one container.';
    if (!get.bool(v, 'force') && !(await confirm(ctx, `${warning}\nAre you sure you want to continue?`))) return 0;
    const r = await ctx.client().volumePrune(filters);
    if (r.VolumesDeleted?.length) ctx.out.write(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`);
    ctx.out.write(`Total reclaimed space: ${humanSize4(r.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
