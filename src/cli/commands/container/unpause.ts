import { forEachArg, type CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Unpause all processes within one or more containers',
  flags: [],
  args: { min: 1 },
  run: (ctx, _v, args) => forEachArg(ctx, args, async (a) => { await ctx.client().containerUnpause(a); return a; }),
};
