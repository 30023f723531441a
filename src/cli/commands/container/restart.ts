import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { STOP_FLAGS } from './stop';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  flags: STOP_FLAGS,
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => {
    await ctx.client().containerRestart(a, get.int(v, 'time') ?? get.int(v, 'timeout'), get.str(v, 'signal'));
    return a;
  }),
};
