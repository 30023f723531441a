import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { name: 'change', short: 'c', kind: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', help: 'Set commit message for imported image' },
    { name: 'platform', kind: 'string', help: 'Set platform if server is multi-platform capable' },
  ],
  args: { min: 1, max: 2 },
  async run(ctx, v, [src, ref]) {
    let source: Readable | string;
    if (src === '-') source = process.stdin;
    else if (/^https?:\/\//.test(src)) source = src;
    else {
      const s = createReadStream(src);
      await new Promise<void>((resolve, reject) => { s.once('open', () => resolve()); s.once('error', reject); });
      source = s;
    }
    let repo: string | undefined;
    let tag: string | undefined;
    if (ref) {
      const at = ref.lastIndexOf(':');
      if (at > ref.lastIndexOf('/')) { repo = ref.slice(0, at); tag = ref.slice(at + 1); } else repo = ref;
    }
    for await (const m of ctx.client().imageImport(source, { repo, tag, message: get.str(v, 'message'), changes: get.list(v, 'change'), platform: get.str(v, 'platform') })) {
      if (m.error || m.errorDetail) throw new Error(m.errorDetail?.message ?? m.error);
      if (m.status) ctx.out.write(`${m.status}\n`);
    }
    return 0;
  },
};
