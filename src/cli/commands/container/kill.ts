import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [{ name: 'signal', short: 's', kind: 'string', help: 'Signal to send to the container' }],
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => { await ctx.client().containerKill(a, get.str(v, 'signal')); return a; }),
};
