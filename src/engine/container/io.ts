import { PassThrough, Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import type { LogEntry, OutputChunk, StdioStream } from '../../runtime';
import { ConflictError, InvalidParameterError } from '../../util/errors';
import type { AttachOptions, AttachSession, LogsOptions } from '../backends';
import type { ContainerDeps } from './deps';
import type { ContainerDoc } from './model';
import { DetachFilter, parseDetachKeys } from './detach-keys';

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q';

/** docker logs: the conmon log, filtered by stream; follow ends when the container stops. */
export function containerLogs(deps: ContainerDeps, doc: ContainerDoc, opts: LogsOptions, abort?: AbortSignal): { tty: boolean; entries: Readable } {
  if (!opts.stdout && !opts.stderr) throw new InvalidParameterError('Bad parameters: you must choose at least one stream');
  const follow = opts.follow && (doc.state.Running || doc.state.Restarting);
  const stop = new Promise<void>((resolve) => {
    abort?.addEventListener('abort', () => resolve(), { once: true });
    if (follow) void deps.monitors.get(doc.id).nextExit().then(() => resolve());
  });
  const source = deps.runtime.logs(doc.logPath, { follow, since: opts.since, until: opts.until, tail: opts.tail, stop });
  const filter = new Transform({
    objectMode: true,
    transform(e: LogEntry, _enc, done) {
      if ((e.stream === 'stdout' && opts.stdout) || (e.stream === 'stderr' && opts.stderr)) this.push(e);
      done();
    },
  });
  source.on('error', (err) => filter.destroy(err));
  filter.on('close', () => source.destroy());
  return { tty: !!doc.config.Tty, entries: source.pipe(filter) };
}

/**
 * docker attach. A session made before the container runs (the docker CLI attaches, then
 * starts) is joined to conmon's attach socket by the next start, before the process runs.
 */
export async function attachContainer(deps: ContainerDeps, doc: ContainerDoc, opts: AttachOptions): Promise<AttachSession> {
  if (doc.state.Paused) throw new ConflictError(`You cannot attach to a paused container, unpause it first`);
  if (doc.state.Restarting) throw new ConflictError(`You cannot attach to a restarting container, wait until it is running`);
  const keys = parseDetachKeys(opts.detachKeys || DEFAULT_DETACH_KEYS);
  const tty = !!doc.config.Tty;
  const output = new PassThrough({ objectMode: true });
  const stdinWanted = opts.stdin && !!doc.config.OpenStdin;
  const input = stdinWanted ? new DetachFilter(keys) : null;
  let runtimeIo: StdioStream | null = null;
  let finished = false;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => { resolveDone = r; });
  const finish = (): void => {
    if (finished) return;
    finished = true;
    runtimeIo?.close();
    if (!output.writableEnded) output.end();
    resolveDone();
  };
  output.on('close', finish);
  input?.on('detach', finish);

  const pass = (c: OutputChunk): boolean => (c.stream === 'stdout' ? opts.stdout : opts.stderr);
  const join = (io: StdioStream): void => {
    if (finished) {
      io.close();
      return;
    }
    runtimeIo = io;
    io.output.on('data', (c: OutputChunk) => { if (pass(c) && !output.writableEnded) output.write(c); });
    io.output.on('end', finish);
    io.output.on('error', finish);
    if (input && io.input) {
      const target = io.input;
      input.on('data', (b: Buffer) => target.write(b));
      // stdin EOF from the client closes the container's stdin only for StdinOnce (docker run -i)
      input.on('end', () => { if (doc.config.StdinOnce && !finished) target.end(); });
      target.on('error', () => undefined);
    }
  };

  if (opts.logs) {
    const past = deps.runtime.logs(doc.logPath, { follow: false, since: 0, until: 0, tail: -1 });
    for await (const e of past as AsyncIterable<LogEntry>) {
      const c: OutputChunk = { stream: e.stream, data: e.data };
      if (pass(c)) output.write(c);
    }
  }
  if (!opts.stream) {
    finish();
  } else if (doc.state.Running) {
    join(await deps.runtime.attach(doc.id));
  } else {
    deps.monitors.get(doc.id).pendingAttach.push(join);
  }
  return {
    tty,
    output,
    input,
    done,
    close: finish,
  };
}
