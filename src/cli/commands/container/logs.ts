import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { copyRaw, demultiplex } from '../../../client';
import { toApiTime } from '../../opts/timestamps';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    { name: 'details', kind: 'bool', help: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', kind: 'bool', help: 'Follow log output' },
    { name: 'since', kind: 'string', help: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', kind: 'string', def: 'all', help: 'Number of lines to show from the end of the logs' },
    { name: 'timestamps', short: 't', kind: 'bool', help: 'Show timestamps' },
    { name: 'until', kind: 'string', help: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, [id]) {
    const client = ctx.client();
    const c = await client.containerInspect(id);
    const now = Date.now();
    const res = await client.containerLogs(c.Id, {
      follow: get.bool(v, 'follow'), stdout: true, stderr: true, timestamps: get.bool(v, 'timestamps'), details: get.bool(v, 'details'),
      since: get.str(v, 'since') ? toApiTime(get.str(v, 'since')!, now) : undefined,
      until: get.str(v, 'until') ? toApiTime(get.str(v, 'until')!, now) : undefined,
      tail: get.str(v, 'tail'),
    });
    if (c.Config.Tty) await copyRaw(res, ctx.out);
    else await demultiplex(res, ctx.out, ctx.err);
    return 0;
  },
};
