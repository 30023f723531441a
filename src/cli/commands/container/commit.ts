import type { CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  flags: [
    { name: 'author', short: 'a', kind: 'string', help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', kind: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', help: 'Commit message' },
    { name: 'pause', short: 'p', kind: 'bool', help: 'Pause container during commit (default true)' },
  ],
  args: { min: 1, max: 2 },
  async run(ctx, v, [container, ref]) {
    let repo: string | undefined;
    let tag: string | undefined;
    if (ref) {
      if (ref.includes('@')) throw new Error('refusing to create a tag with a digest reference');
      const at = ref.lastIndexOf(':');
      if (at > ref.lastIndexOf('/')) { repo = ref.slice(0, at); tag = ref.slice(at + 1); } else repo = ref;
    }
    const r = await ctx.client().containerCommit(container, {
      repo, tag, author: get.str(v, 'author'), comment: get.str(v, 'message'),
      changes: get.list(v, 'change'), pause: v.pause === undefined ? true : v.pause === true,
    });
    ctx.out.write(`${r.Id}\n`);
    return 0;
  },
};
