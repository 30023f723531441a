import { StatusError, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { humanSize } from '../../units';
import { confirm } from '../confirm';

/**
 * berth speaks API 1.41, where the daemon prunes every unused local volume (1.42 made it
 * anonymous-only unless all=true): the docker CLI 28 then prints the "all" warning, and
 * refuses --all, which needs 1.42. So does berth.
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
    if (get.bool(v, 'all')) throw new StatusError('"--all" requires API version 1.42, but the Docker daemon API version is 1.41', 1);
    const warning = 'WARNING! This will remove all local volumes not used by at least one container.';
    if (!get.bool(v, 'force') && !(await confirm(ctx, `${warning}\nAre you sure you want to continue?`))) return 0;
    const r = await ctx.client().volumePrune(parseFilters(get.list(v, 'filter')));
    if (r.VolumesDeleted?.length) ctx.out.write(`Deleted Volumes:\n${r.VolumesDeleted.join('\n')}\n\n`);
    ctx.out.write(`Total reclaimed space: ${humanSize(r.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
