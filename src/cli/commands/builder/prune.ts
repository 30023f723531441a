/** berth builder prune: POST /build/prune with docker's prompt and report. */
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { humanSize4, ramInBytes } from '../../format';
import { parseFilters } from '../../opts/filters';
import { confirm } from '../confirm';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove build cache',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Remove all unused build cache, not just dangling ones' },
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "until=24h")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
    { name: 'keep-storage', kind: 'string', help: 'Amount of disk space to keep for cache', check: (s) => { ramInBytes(s); } },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const all = get.bool(v, 'all');
    const warning = all ? 'WARNING! This will remove all build cache. Are you sure you want to continue?'
      : 'WARNING! This will remove all dangling build cache. Are you sure you want to continue?';
    if (!get.bool(v, 'force') && !(await confirm(ctx, warning))) return 0;
    const keep = get.str(v, 'keep-storage');
    const r = await ctx.client().buildPrune(parseFilters(get.list(v, 'filter')), all, keep ? ramInBytes(keep) : undefined);
    if (r.CachesDeleted?.length) ctx.out.write(`Deleted build cache objects:\n${r.CachesDeleted.map((id) => `${id}\n`).join('')}\n`);
    ctx.out.write(`Total reclaimed space: ${humanSize4(r.SpaceReclaimed ?? 0)}\n`);
    return 0;
  },
};
