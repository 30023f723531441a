import { StatusError, type CommandDef, type Ctx } from '../../command';
import { describeError } from '../../errors';
import { get } from '../../flagset';
import { followResize, pump, rawMode } from './streams';

export interface StartOptions { attach: boolean; interactive: boolean; detachKeys?: string }

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    { name: 'attach', short: 'a', kind: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', kind: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', kind: 'bool', help: "Attach container's STDIN" },
    { name: 'checkpoint', kind: 'string', hidden: true },
    { name: 'checkpoint-dir', kind: 'string', hidden: true },
  ],
  args: { min: 1 },
  run(ctx, v, args) {
    const o: StartOptions = { attach: get.bool(v, 'attach'), interactive: get.bool(v, 'interactive'), detachKeys: get.str(v, 'detach-keys') };
    if (o.attach || o.interactive) {
      if (args.length > 1) throw new StatusError('you cannot start and attach multiple containers at once', 1);
      return startAttached(ctx, args[0], o);
    }
    return startAll(ctx, args);
  },
};

async function startAll(ctx: Ctx, args: string[]): Promise<number> {
  const failed: string[] = [];
  for (const a of args) {
    try { await ctx.client().containerStart(a); ctx.out.write(`${a}\n`); } catch (e) {
      ctx.err.write(`${describeError(e)}\n`);
      failed.push(a);
    }
  }
  if (failed.length) throw new StatusError(`Error: failed to start containers: ${failed.join(', ')}`, 1);
  return 0;
}

async function startAttached(ctx: Ctx, id: string, o: StartOptions): Promise<number> {
  const client = ctx.client();
  const c = await client.containerInspect(id);
  const tty = !!c.Config.Tty;
  const stdin = o.interactive && !!c.Config.OpenStdin;
  const conn = await client.containerAttach(c.Id, { stream: true, stdin, stdout: true, stderr: true, detachKeys: o.detachKeys });
  const wait = await client.containerWait(c.Id, c.HostConfig.AutoRemove ? 'removed' : 'next-exit');
  const restore = tty && stdin ? rawMode() : () => undefined;
  const streaming = pump(conn, { tty, stdin, detachKeys: o.detachKeys });
  let unresize = () => undefined as void;
  try {
    await client.containerStart(c.Id, o.detachKeys);
    if (tty) unresize = followResize((h, w) => client.containerResize(c.Id, h, w));
    const how = await streaming;
    if (how === 'detached') return 0;
    return (await wait.result).StatusCode;
  } finally {
    unresize();
    restore();
    conn.close();
  }
}
