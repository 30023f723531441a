import { forEachArg, type CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    { name: 'force', short: 'f', kind: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' },
    { name: 'link', short: 'l', kind: 'bool', help: 'Remove the specified link' },
    { name: 'volumes', short: 'v', kind: 'bool', help: 'Remove anonymous volumes associated with the container' },
  ],
  args: { min: 1 },
  run: (ctx, v, args) => forEachArg(ctx, args, async (a) => {
    const name = a.replace(/^\/+/, '');
    if (!name) throw new Error('Container name cannot be empty');
    await ctx.client().containerRemove(name, { force: get.bool(v, 'force'), volumes: get.bool(v, 'volumes'), link: get.bool(v, 'link') });
    return a;
  }),
};
