import type { CommandDef } from '../../command';
import { tabwrite } from '../../output';

export const command: CommandDef = {
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  flags: [],
  interspersed: false,
  args: { min: 1 },
  async run(ctx, _v, [id, ...ps]) {
    const r = await ctx.client().containerTop(id, ps.join(' '));
    ctx.out.write(tabwrite([r.Titles.join('\t'), ...r.Processes.map((p) => p.join('\t'))], 20, 3));
    return 0;
  },
};
