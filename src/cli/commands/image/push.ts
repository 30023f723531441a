import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { ProgressRenderer } from '../../progress';
import { familiarName, parseNormalizedNamed } from '../../../util/reference';
import { authHeaderFor } from '../../auth/config-file';

export const command: CommandDef = {
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Push an image or a repository to a registry',
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', help: 'Push all tagged images in the repository' },
    { name: 'disable-content-trust', kind: 'bool', help: 'Skip image signing (default true)' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, args) {
    const all = get.bool(v, 'all-tags');
    const quiet = get.bool(v, 'quiet');
    const ref = parseNormalizedNamed(args[0]);
    if (ref.digest !== undefined) throw new Error('cannot push a digest reference');
    if (all && ref.tag !== undefined) throw new Error('tag can\'t be used with --all-tags/-a');
    let tag = ref.tag ?? '';
    if (!all && !tag) {
      tag = 'latest';
      if (!quiet) ctx.out.write('Using default tag: latest\n');
    }
    const r = new ProgressRenderer(ctx.out, Boolean(ctx.out.isTTY) && !quiet);
    for await (const m of ctx.client().imagePush(familiarName(ref), tag, authHeaderFor(args[0]))) {
      if (quiet) {
        if (m.error || m.errorDetail) throw new Error(m.errorDetail?.message ?? m.error);
        continue;
      }
      r.write(m);
    }
    if (quiet) ctx.out.write(`${args[0]}\n`);
    return 0;
  },
};
