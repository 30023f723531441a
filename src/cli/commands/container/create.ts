import { readFileSync } from 'node:fs';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { buildCreate, CREATE_FLAGS } from './create-flags';
import { createContainer } from './create-container';

export const command: CommandDef = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: CREATE_FLAGS,
  interspersed: false,
  args: { min: 1 },
  async run(ctx, v, args) {
    const plan = buildCreate(v, args[0], args.slice(1), { readFile: (p) => readFileSync(p, 'utf8'), attach: false });
      // docker create attaches stdout/stderr in the config even though it does not attach.
      plan.body.AttachStdout = true; plan.body.AttachStderr = true; plan.body.AttachStdin = get.bool(v, 'interactive');
      plan.body.StdinOnce = get.bool(v, 'interactive');
      ctx.out.write(`${await createContainer(ctx, plan, get.bool(v, 'quiet'))}\n`);
      return 0;
  },
};
