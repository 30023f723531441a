import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags: [
    { name: 'signal', short: 's', kind: 'string', help: 'Signal to send to the container' },
    { name: 'time', short: 't', kind: 'int', help: 'Seconds to wait before killing the container' },
    { name: 'timeout', kind: 'int', hidden: true },
  ],
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => {
    await ctx.client().containerStop(a, get.int(v, 'time') ?? get.int(v, 'timeout'), get.str(v, 'signal'));
    return a;
  }),
};
