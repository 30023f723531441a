import { readFileSync } from 'node:fs';
import type { ExecCreateRequest } from '../../../api-types';
import { StatusError, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { buildEnv } from '../../opts/env';
import { followResize, pump, rawMode, termSize } from './streams';

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', help: 'Detached mode: run command in the background' },
    { name: 'detach-keys', kind: 'string', help: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', kind: 'list', help: 'Set environment variables' },
    { name: 'env-file', kind: 'list', help: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', kind: 'bool', help: 'Keep STDIN open even if not attached' },
    { name: 'privileged', kind: 'bool', help: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', kind: 'bool', help: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', kind: 'string', help: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', kind: 'string', help: 'Working directory inside the container' },
  ],
  interspersed: false,
  args: { min: 2 },
  async run(ctx, v, [id, ...cmd]) {
    const client = ctx.client();
    const detach = get.bool(v, 'detach');
    const tty = get.bool(v, 'tty');
    const stdin = get.bool(v, 'interactive');
    if (tty && stdin && !detach && !process.stdin.isTTY) throw new StatusError('the input device is not a TTY', 1);
    const env = buildEnv(get.list(v, 'env'), get.list(v, 'env-file'), (p) => readFileSync(p, 'utf8'));
    const size = tty ? termSize() : undefined;
    const body: ExecCreateRequest = {
      User: get.str(v, 'user') ?? '', Privileged: get.bool(v, 'privileged'), Tty: tty, ConsoleSize: size ?? null,
      AttachStdin: stdin && !detach, AttachStdout: !detach, AttachStderr: !detach,
      DetachKeys: get.str(v, 'detach-keys') ?? '', Env: env.length ? env : null, WorkingDir: get.str(v, 'workdir') ?? '', Cmd: cmd,
    };
    const { Id: execId } = await client.execCreate(id, body);
    if (detach) { await client.execStartDetached(execId, { Detach: true, Tty: tty, ConsoleSize: size ?? null }); return 0; }
    const conn = await client.execStart(execId, { Detach: false, Tty: tty, ConsoleSize: size ?? null });
    const restore = tty && stdin ? rawMode() : () => undefined;
    const unresize = tty ? followResize((h, w) => client.execResize(execId, h, w)) : () => undefined;
    try {
      const how = await pump(conn, { tty, stdin, detachKeys: body.DetachKeys });
      if (how === 'detached') return 0;
    } finally {
      unresize();
      restore();
    }
    const r = await client.execInspect(execId);
    return r.ExitCode ?? 0;
  },
};
