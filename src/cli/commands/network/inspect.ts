import { StatusError, type CommandDef } from '../../command';
import { describeError } from '../../errors';
import { get } from '../../flagset';
import { renderTemplate } from '../../output';

export const command: CommandDef = {
  usage: '[OPTIONS] NETWORK [NETWORK...]',
  description: 'Display detailed information on one or more networks',
  flags: [
    { name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' },
    { name: 'verbose', short: 'v', kind: 'bool', help: 'Verbose output for diagnostics' },
  ],
  args: { min: 1 },
  async run(ctx, v, args) {
    const found: unknown[] = [];
    const errors: string[] = [];
    for (const a of args) {
      try { found.push(await ctx.client().networkInspect(a)); } catch (e) { errors.push(describeError(e)); }
    }
    const format = get.str(v, 'format');
    if (format) for (const o of found) ctx.out.write(`${renderTemplate(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'), o)}\n`);
    else ctx.out.write(found.length ? `${JSON.stringify(found, null, 4)}\n` : '[]\n');
    if (errors.length) throw new StatusError(errors.join('\n'), 1);
    return 0;
  },
};
