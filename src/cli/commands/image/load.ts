import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { ProgressRenderer } from '../../progress';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [
    { name: 'input', short: 'i', kind: 'string', help: 'Read from tar archive file, instead of STDIN' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress the load output' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const input = get.str(v, 'input');
    let archive: Readable;
    if (input) {
      const s = fs.createReadStream(input);
      await new Promise<void>((resolve, reject) => { s.once('open', () => resolve()); s.once('error', reject); });
      archive = s;
    } else {
      if (process.stdin.isTTY) throw new Error('requested load from stdin, but stdin is empty');
      archive = process.stdin;
    }
    // progress bars only make sense on a terminal, as with docker
    const quiet = get.bool(v, 'quiet') || !ctx.out.isTTY;
    const r = new ProgressRenderer(ctx.out, Boolean(ctx.out.isTTY));
    for await (const m of ctx.client().imageLoad(archive, quiet)) r.write(m);
    return 0;
  },
};
