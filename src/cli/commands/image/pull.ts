import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { ProgressRenderer } from '../../progress';
import { familiarName, parseNormalizedNamed, referenceString } from '../../../util/reference';
import { authHeaderFor } from '../../auth/config-file';

export const command: CommandDef = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Pull an image or a repository from a registry',
  flags: [
    { name: 'all-tags', short: 'a', kind: 'bool', help: 'Download all tagged images in the repository' },
    { name: 'disable-content-trust', kind: 'bool', help: 'Skip image verification (default true)' },
    { name: 'platform', kind: 'string', help: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, args) {
    const all = get.bool(v, 'all-tags');
    const quiet = get.bool(v, 'quiet');
    // a bad name is refused here, in Docker's words, as the docker CLI does
    const ref = parseNormalizedNamed(args[0]);
    if (all && (ref.tag !== undefined || ref.digest !== undefined)) throw new Error('tag can\'t be used with --all-tags/-a');
    let tag = ref.digest ?? ref.tag ?? '';
    if (!all && !tag) {
      tag = 'latest';
      if (!quiet) ctx.out.write('Using default tag: latest\n');
    }
    const r = new ProgressRenderer(ctx.out, Boolean(ctx.out.isTTY) && !quiet);
    for await (const m of ctx.client().imagePull(familiarName(ref), tag, get.str(v, 'platform'), authHeaderFor(args[0]))) {
      if (quiet) {
        if (m.error || m.errorDetail) throw new Error(m.errorDetail?.message ?? m.error);
        continue;
      }
      r.write(m);
    }
    if (!all) ctx.out.write(`${referenceString(ref.digest !== undefined ? { domain: ref.domain, path: ref.path, digest: ref.digest } : { ...ref, tag })}\n`);
    return 0;
  },
};
