import { StatusError, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { followResize, pump, rawMode } from './streams';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER',
  description: 'Attach local standard input, output, and error streams to a running container',
  flags: [
    { name: 'detach-keys', kind: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', kind: 'bool', help: 'Do not attach STDIN' },
    { name: 'sig-proxy', kind: 'bool', help: 'Proxy all received signals to the process (default true)' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, [id]) {
    const client = ctx.client();
    const c = await client.containerInspect(id);
    if (!c.State.Running) throw new StatusError('You cannot attach to a stopped container, start it first', 1);
    if (c.State.Paused) throw new StatusError('You cannot attach to a paused container, unpause it first', 1);
    if (c.State.Restarting) throw new StatusError('You cannot attach to a restarting container, wait until it is running', 1);
    const tty = !!c.Config.Tty;
    const stdin = !get.bool(v, 'no-stdin') && !!c.Config.OpenStdin;
    const detachKeys = get.str(v, 'detach-keys');
    const conn = await client.containerAttach(c.Id, { stream: true, stdin, stdout: true, stderr: true, detachKeys });
    const wait = await client.containerWait(c.Id, 'not-running');
    const restore = tty && stdin ? rawMode() : () => undefined;
    const unresize = tty ? followResize((h, w) => client.containerResize(c.Id, h, w)) : () => undefined;
    try {
      const how = await pump(conn, { tty, stdin, detachKeys });
      if (how === 'detached') return 0;
      return (await wait.result).StatusCode;
    } finally {
      unresize();
      restore();
    }
  },
};
