import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [
    { name: 'force', short: 'f', kind: 'bool', help: 'Force removal of the image' },
    { name: 'no-prune', kind: 'bool', help: 'Do not delete untagged parents' },
  ],
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => {
    const items = await ctx.client().imageRemove(a, get.bool(v, 'force'), get.bool(v, 'no-prune'));
    const lines = items.map((i) => (i.Untagged ? `Untagged: ${i.Untagged}` : `Deleted: ${i.Deleted}`));
    return lines.length ? lines.join('\n') : undefined;
  }),
};
