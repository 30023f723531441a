import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { humanSize4 } from '../../format';
import { confirm } from '../confirm';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove unused images',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const all = get.bool(v, 'all');
    const warning = all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.';
    if (!get.bool(v, 'force') && !(await confirm(ctx, `${warning}\nAre you sure you want to continue?`))) return 0;
    const filters = parseFilters(get.list(v, 'filter'));
    filters.dangling = [all ? 'false' : 'true'];
    const r = await ctx.client().imagePrune(filters);
    let reclaimed = 0;
    if (r.ImagesDeleted?.length) {
      ctx.out.write(`Deleted Images:\n${r.ImagesDeleted.map((i) => (i.Untagged ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`)).join('\n')}\n\n`);
      reclaimed = r.SpaceReclaimed ?? 0;
    }
    // go-units HumanSize: 4 significant digits
    ctx.out.write(`Total reclaimed space: ${humanSize4(reclaimed)}\n`);
    return 0;
  },
};
