/** berth run: create, attach before start, register the wait, start, stream, exit with the container's code. */
import { readFileSync } from 'node:fs';
import { ApiError, DaemonUnreachableError } from '../../../client';
import { get, type FlagValues } from '../../flagset';
import { StatusError, type CommandDef, type Ctx } from '../../command';
import { describeError, runExitCode } from '../../errors';
import { buildCreate, CREATE_FLAGS } from './create-flags';
import { createContainer } from './create-container';
import { followResize, pump, rawMode, termSize } from './streams';

export interface RunOptions {
  detach: boolean; interactive: boolean; tty: boolean; autoRemove: boolean; detachKeys?: string; quiet: boolean;
  sigProxy: boolean;
}

export const command: CommandDef = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  flags: [
    ...CREATE_FLAGS,
    { name: 'detach', short: 'd', kind: 'bool', help: 'Run container in background and print container ID' },
    { name: 'sig-proxy', kind: 'bool', help: 'Proxy received signals to the process' },
  ],
  interspersed: false,
  args: { min: 1 },
  async run(ctx, v, args) {
    return runCommand(ctx, v, args[0], args.slice(1));
  },
};

/** Errors of run/create, in docker's "berth: ...\n\nRun 'berth run --help'" form. */
export function runError(ctx: Ctx, e: unknown, code = 125): StatusError {
  if (e instanceof StatusError) return e;
  return new StatusError(`berth: ${describeError(e)}\n\nRun '${ctx.path} --help' for more information`, code);
}

async function runCommand(ctx: Ctx, v: FlagValues, image: string, cmd: string[]): Promise<number> {
  const o: RunOptions = {
    detach: get.bool(v, 'detach'), interactive: get.bool(v, 'interactive'), tty: get.bool(v, 'tty'),
    autoRemove: get.bool(v, 'rm'), detachKeys: get.str(v, 'detach-keys'), quiet: get.bool(v, 'quiet'),
    sigProxy: v['sig-proxy'] !== false,
  };
  if (o.tty && o.interactive && !o.detach && !process.stdin.isTTY) throw new StatusError('the input device is not a TTY', 1);
  let id: string;
  try {
    const plan = buildCreate(v, image, cmd, { readFile: (p) => readFileSync(p, 'utf8'), attach: !o.detach, consoleSize: o.tty ? termSize() : undefined });
    id = await createContainer(ctx, plan, o.quiet);
  } catch (e) {
    throw runError(ctx, e);
  }
  const client = ctx.client();
  if (o.detach) {
    try { await client.containerStart(id); } catch (e) { throw runError(ctx, e, startCode(e)); }
    ctx.out.write(`${id}\n`);
    return 0;
  }
  let restore = () => undefined as void;
  let unresize = () => undefined as void;
  try {
    // attach and wait are independent: one round trip, not two, before start
    const attaching = client.containerAttach(id, { stream: true, stdin: o.interactive, stdout: true, stderr: true, detachKeys: o.detachKeys });
    const waiting = client.containerWait(id, o.autoRemove ? 'removed' : 'next-exit');
    const [conn, wait] = await Promise.all([attaching, waiting]).catch((e: unknown) => {
      attaching.then((c) => c.close(), () => undefined);
      waiting.catch(() => undefined);
      throw e;
    });
    if (o.tty && o.interactive) restore = rawMode();
    const streaming = pump(conn, { tty: o.tty, stdin: o.interactive, detachKeys: o.detachKeys });
    try {
      await client.containerStart(id);
    } catch (e) {
      conn.close();
      restore();
      throw runError(ctx, e, startCode(e));
    }
    if (o.tty) unresize = followResize((h, w) => client.containerResize(id, h, w));
    const signals = o.sigProxy && !o.tty ? proxySignals((s) => client.containerKill(id, s)) : () => undefined;
    const how = await streaming;
    signals();
    unresize();
    restore();
    if (how === 'detached') return 0;
    const res = await wait.result;
    if (res.Error?.Message) ctx.err.write(`${res.Error.Message}\n`);
    return res.StatusCode;
  } catch (e) {
    unresize();
    restore();
    if (e instanceof StatusError) throw e;
    throw runError(ctx, e);
  }
}

function startCode(e: unknown): number {
  if (e instanceof DaemonUnreachableError) return 125;
  return e instanceof ApiError ? runExitCode(e.message) : 125;
}

/** Forward SIGINT/SIGTERM to the container, as docker's --sig-proxy does. */
function proxySignals(kill: (sig: string) => Promise<void>): () => void {
  const handlers: [NodeJS.Signals, () => void][] = (['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'] as NodeJS.Signals[])
    .map((s) => [s, () => { kill(s).catch(() => undefined); }]);
  for (const [s, h] of handlers) process.on(s, h);
  return () => { for (const [s, h] of handlers) process.off(s, h); };
}
