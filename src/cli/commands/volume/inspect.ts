import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { inspect } from '../system/inspect';

export const command: CommandDef = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Display detailed information on one or more volumes',
  flags: [{ name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' }],
  args: { min: 1 },
  run: (ctx, v, args) => inspect(ctx, args, 'volume', get.str(v, 'format'), false),
};
