import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { inspect, INSPECT_FLAGS } from '../system/inspect';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Display detailed information on one or more containers',
  flags: INSPECT_FLAGS,
  args: { min: 1 },
  run: (ctx, v, args) => inspect(ctx, args, 'container', get.str(v, 'format'), get.bool(v, 'size')),
};
