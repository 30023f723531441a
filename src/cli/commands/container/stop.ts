import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';

/** stop's and restart's flags: the signal, and the grace period before SIGKILL. */
export const STOP_FLAGS: CommandDef['flags'] = [
  { name: 'signal', short: 's', kind: 'string', help: 'Signal to send to the container' },
  { name: 'time', short: 't', kind: 'int', help: 'Seconds to wait before killing the container' },
  { name: 'timeout', kind: 'int', hidden: true },
];

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Stop one or more running containers',
  flags: STOP_FLAGS,
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => {
    await ctx.client().containerStop(a, get.int(v, 'time') ?? get.int(v, 'timeout'), get.str(v, 'signal'));
    return a;
  }),
};
