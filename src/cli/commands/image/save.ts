import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [{ name: 'output', short: 'o', kind: 'string', help: 'Write to a file, instead of STDOUT' }],
  args: { min: 1 },
  async run(ctx, v, names) {
    const output = get.str(v, 'output');
    if (!output && ctx.out.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    if (output) {
      const parent = path.dirname(path.resolve(output));
      if (!fs.existsSync(parent)) throw new Error(`failed to save image: invalid output path: stat ${parent}: no such file or directory`);
    }
    const res = await ctx.client().imageSave(names);
    if (!output) {
      await pipeline(res, ctx.out, { end: false });
      return 0;
    }
    // written beside the target and renamed, so a failed save never leaves half a file
    const tmp = path.join(path.dirname(path.resolve(output)), `.${path.basename(output)}.${process.pid}.tmp`);
    try {
      await pipeline(res, fs.createWriteStream(tmp, { mode: 0o600 }));
      fs.chmodSync(tmp, 0o644 & ~process.umask());
      fs.renameSync(tmp, output);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw new Error(`failed to save image: ${(e as Error).message}`);
    }
    return 0;
  },
};
