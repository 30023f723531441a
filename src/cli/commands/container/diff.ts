import type { CommandDef } from '../../command';

const KINDS = ['C', 'A', 'D'];

export const command: CommandDef = {
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  args: { min: 1, max: 1 },
  async run(ctx, _v, [container]) {
    for (const c of (await ctx.client().containerChanges(container)) ?? []) ctx.out.write(`${KINDS[c.Kind] ?? '?'} ${c.Path}\n`);
    return 0;
  },
};
