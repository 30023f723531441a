import { forEachArg, type CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  flags: [{ name: 'force', short: 'f', kind: 'bool', help: 'Do not error if the network does not exist' }],
  args: { min: 1 },
  run: (ctx, _v, args) => forEachArg(ctx, args, async (a) => {
    await ctx.client().networkRemove(a);
    return a;
  }),
};
