import { createWriteStream, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  flags: [{ name: 'output', short: 'o', kind: 'string', help: 'Write to a file, instead of STDOUT' }],
  args: { min: 1, max: 1 },
  async run(ctx, v, [container]) {
    const output = get.str(v, 'output');
    if (!output && ctx.out.isTTY) throw new Error('cowardly refusing to save to a terminal. Use the -o flag or redirect');
    if (output) {
      const dir = path.dirname(path.resolve(output));
      const tmp = path.join(dir, `.docker_temp_${process.pid}_${Date.now()}`);
      const res = await ctx.client().containerExport(container);
      try {
        // a temporary file renamed at the end, as the docker CLI does: no half-written output
        await pipeline(res, createWriteStream(tmp, { mode: 0o600 }));
        renameSync(tmp, output);
      } catch (e) {
        rmSync(tmp, { force: true });
        throw new Error(`failed to export container: ${(e as Error).message}`);
      }
      return 0;
    }
    await pipeline(await ctx.client().containerExport(container), ctx.out);
    return 0;
  },
};
