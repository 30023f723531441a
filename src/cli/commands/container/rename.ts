import type { CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, _v, [oldName, newName]) {
    if (!newName.trim() || !oldName.trim()) throw new Error('Error: Neither old nor new names may be empty');
    await ctx.client().containerRename(oldName.trim(), newName.trim());
    return 0;
  },
};
