import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { SystemError } from '../../util/errors';
import type { ExecHandle, ExecSpec, StdioStream, TerminalSize } from '../oci-runtime';
import { resolveUser, type OciProcess, type OciSpec } from '../spec';
import { openAttachStream } from './attach-stream';
import { spawnConmon, type ConmonChild } from './conmon-process';
import type { ExecRootLayout } from './layout';
import { OciRuntimeError, runtimeErrorMessage } from './oci-cli';
import { writeResize } from './resize';

export interface ExecContext {
  conmonPath: string;
  runtimePath: string;
  runtimeRoot: string;
  logLevel: string;
  layout: ExecRootLayout;
  /** the daemon's bounding set: what a privileged exec gets */
  boundingCaps: () => string[];
}

/** RLIM_INFINITY read back from config.json loses precision in a JS number; anything this big is unlimited. */
const RLIM_INFINITY_TEXT = '18446744073709551615';
const INFINITY_MARK = '__berth_rlim_infinity__';

/**
 * Runs a process in a running container as Podman does: a conmon in --exec mode with
 * --exec-attach. conmon starts `runc exec --detach --process process.json` (with a pty from
 * the console socket for a tty), offers the same attach socket protocol as the container's,
 * and reports the pid, then the exit code, on its sync pipe. Handshake:
 *   start pipe → conmon forks; attach pipe ← socket ready; berth connects;
 *   start pipe → conmon execs the runtime; sync ← {"data": pid}; ... sync ← {"data": exit code}
 */
export async function startExec(ctx: ExecContext, id: string, spec: ExecSpec): Promise<ExecHandle> {
  const { layout } = ctx;
  const config = JSON.parse(await fsp.readFile(layout.config(id), 'utf8')) as OciSpec;
  const proc = execProcess(config, spec, layout.bundle(id), ctx.boundingCaps);
  const dir = layout.execDir(id, spec.execId);
  await fsp.rm(dir, { recursive: true, force: true });
  await fsp.mkdir(dir, { recursive: true });
  const processJson = path.join(dir, 'process.json');
  await fsp.writeFile(processJson, processToJson(proc));

  const args = [
    '--api-version', '1', '-c', id, '-u', spec.execId, '-r', ctx.runtimePath, '-b', dir,
    '-p', path.join(dir, 'pidfile'), '-e', '--exec-attach', '--exec-process-spec', processJson,
    '-l', 'none', '--full-attach', '--socket-dir-path', dir, '--log-level', ctx.logLevel,
    '--conmon-pidfile', path.join(dir, 'conmon.pid'),
    `--runtime-arg=--root=${ctx.runtimeRoot}`,
    '--runtime-arg=--log-format=json', `--runtime-arg=--log=${path.join(dir, 'oci-log')}`,
  ];
  if (spec.tty) args.push('-t');
  if (spec.stdin) args.push('-i');

  const child = spawnConmon(ctx.conmonPath, args, dir, true);
  let io: StdioStream | null = null;
  const fail = async (why: string): Promise<never> => {
    io?.close();
    child.release();
    await fsp.rm(dir, { recursive: true, force: true });
    throw new OciRuntimeError('exec', why);
  };

  child.start();
  const ready = await child.attach!.next();
  if (!ready || ready.data < 0) {
    return fail(ready?.message || (await child.stderr()).trim() || 'conmon exited before the attach socket was ready');
  }
  try {
    io = openAttachStream(path.join(dir, 'attach'), spec.stdin);
  } catch (e) {
    return fail(`cannot attach to exec session: ${(e as Error).message}`);
  }
  child.start();
  const started = await child.sync.next();
  if (!started || started.data <= 0) {
    let detail = started?.message?.trim() ?? '';
    if (!detail) {
      try {
        detail = runtimeErrorMessage(await fsp.readFile(path.join(dir, 'oci-log'), 'utf8'));
      } catch { /* none written */ }
    }
    return fail(runtimeErrorMessage(detail || 'exec failed'));
  }

  const ctl = path.join(dir, 'ctl');
  if (spec.tty && spec.consoleSize) await writeResize(ctl, spec.consoleSize).catch(() => undefined);
  return {
    pid: started.data,
    io,
    exited: waitExit(child, dir),
    resize: (size: TerminalSize) => writeResize(ctl, size),
  };
}

async function waitExit(child: ConmonChild, dir: string): Promise<number> {
  const msg = await child.sync.next();
  child.release();
  await fsp.rm(dir, { recursive: true, force: true });
  if (!msg) throw new SystemError('exec session ended without an exit code (conmon died)');
  return msg.data;
}

/** The exec'd process: the container's process settings, with the exec's args, env, cwd, user, tty. */
export function execProcess(config: OciSpec, spec: ExecSpec, bundle: string, boundingCaps: () => string[]): OciProcess {
  const base = config.process;
  const proc: OciProcess = {
    ...base,
    terminal: spec.tty,
    args: [...spec.args],
    env: mergeEnv(base.env, spec.env),
    cwd: spec.cwd || base.cwd,
  };
  if (spec.tty && spec.consoleSize) proc.consoleSize = { height: spec.consoleSize.rows, width: spec.consoleSize.cols };
  else delete proc.consoleSize;
  if (spec.user) {
    const rootfs = path.resolve(bundle, config.root.path);
    const u = resolveUser(rootfs, spec.user);
    proc.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
  }
  if (spec.privileged) {
    const caps = boundingCaps();
    proc.capabilities = { bounding: [...caps], effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] };
  }
  return proc;
}

/** Docker's ReplaceOrAppendEnvValues: exec variables override the container's of the same name. */
export function mergeEnv(base: readonly string[], extra: readonly string[]): string[] {
  const out = [...base];
  const key = (kv: string): string => (kv.includes('=') ? kv.slice(0, kv.indexOf('=')) : kv);
  for (const kv of extra) {
    const i = out.findIndex((b) => key(b) === key(kv));
    if (!kv.includes('=')) {
      if (i >= 0) out.splice(i, 1); // "NAME" without a value unsets it
    } else if (i >= 0) {
      out[i] = kv;
    } else {
      out.push(kv);
    }
  }
  return out;
}

/** JSON for process.json; rlimits that were RLIM_INFINITY in config.json are written back exactly. */
export function processToJson(proc: OciProcess): string {
  const text = JSON.stringify(proc, (key, value: unknown) =>
    (key === 'soft' || key === 'hard') && typeof value === 'number' && (value >= 1.8e19 || value === Infinity || value < 0)
      ? INFINITY_MARK : value);
  return text.split(`"${INFINITY_MARK}"`).join(RLIM_INFINITY_TEXT);
}
