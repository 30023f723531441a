import type { CommandDef } from '../../command';
import { DEFAULT_INDEX_SERVER, eraseAuth, hostnameOf } from '../../auth/config-file';

export const command: CommandDef = {
  usage: '[SERVER]',
  description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.',
  flags: [],
  args: { max: 1 },
  async run(ctx, _v, args) {
    const key = !args[0] || /(^|\/\/)(index\.)?docker\.io/.test(args[0]) ? DEFAULT_INDEX_SERVER : hostnameOf(args[0]);
    const shown = key === DEFAULT_INDEX_SERVER ? key : hostnameOf(args[0]);
    if (!eraseAuth(key)) {
      ctx.out.write(`Not logged in to ${shown}\n`);
      return 0;
    }
    ctx.out.write(`Removing login credentials for ${shown}\n`);
    return 0;
  },
};
