import type { CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, _v, [source, target]) {
    const at = target.lastIndexOf(':');
    const hasTag = at > target.lastIndexOf('/');
    await ctx.client().imageTag(source, hasTag ? target.slice(0, at) : target, hasTag ? target.slice(at + 1) : 'latest');
    return 0;
  },
};
