import { forEachArg, type CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  args: { min: 1 },
  run: (ctx, _v, args) => forEachArg(ctx, args, async (a) => {
    const w = await ctx.client().containerWait(a, 'not-running');
    const r = await w.result;
    if (r.Error?.Message) throw new Error(r.Error.Message);
    return String(r.StatusCode);
  }),
};
