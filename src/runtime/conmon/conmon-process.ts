import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** What conmon writes on its sync and attach pipes (api-version 1): one JSON object a line. */
export interface ConmonMessage { data: number; message?: string }

/** Hands out conmon's pipe messages in order; null once the pipe closed. */
export class ConmonMessages {
  private buf = '';
  private readonly queue: ConmonMessage[] = [];
  private readonly waiters: ((m: ConmonMessage | null) => void)[] = [];
  private ended = false;

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buf += chunk;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl).trim();
        this.buf = this.buf.slice(nl + 1);
        if (!line) continue;
        let msg: ConmonMessage;
        try {
          msg = JSON.parse(line) as ConmonMessage;
        } catch {
          msg = { data: -1, message: `unparsable message from conmon: ${line}` };
        }
        const w = this.waiters.shift();
        if (w) w(msg);
        else this.queue.push(msg);
      }
    });
    const end = (): void => {
      this.ended = true;
      for (const w of this.waiters.splice(0)) w(null);
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  next(): Promise<ConmonMessage | null> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface ConmonChild {
  /** _OCI_SYNCPIPE: the container (or exec) pid, then for exec its exit code. */
  sync: ConmonMessages;
  /** _OCI_ATTACHPIPE (exec --exec-attach only): the attach socket is ready. */
  attach: ConmonMessages | null;
  /** _OCI_STARTPIPE: each write lets conmon past one wait. */
  start(): void;
  /** conmon's own stderr before it detached (its errors when it cannot even start). */
  stderr(): Promise<string>;
  /** Drops berth's ends of the pipes; the detached conmon keeps running. */
  release(): void;
}

/**
 * Starts conmon with the sync/start (and attach) pipes Podman uses. conmon forks itself
 * into a new session at once (no --sync), so it outlives berthd; the pipes are unix
 * socketpairs Node creates as fds 3, 4 (and 5).
 */
export function spawnConmon(conmonPath: string, args: string[], cwd: string, withAttachPipe: boolean): ConmonChild {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    _OCI_SYNCPIPE: '3',
    _OCI_STARTPIPE: '4',
  };
  if (withAttachPipe) env._OCI_ATTACHPIPE = '5';
  const stdio: ('ignore' | 'pipe')[] = ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'];
  if (withAttachPipe) stdio.push('pipe');
  const child = spawn(conmonPath, args, { cwd, env, stdio, detached: true });
  const streams: readonly (Readable | Writable | null | undefined)[] = child.stdio;
  const syncStream = streams[3] as Readable;
  const startStream = streams[4] as Writable;
  const attachStream = withAttachPipe ? (streams[5] as Readable) : null;
  const errStream = streams[2] as Readable;
  let errText = '';
  errStream.setEncoding('utf8');
  errStream.on('data', (c: string) => { if (errText.length < 65536) errText += c; });
  const errDone = new Promise<string>((resolve) => {
    errStream.on('close', () => resolve(errText));
    child.on('error', (e) => { errText += e.message; resolve(errText); });
  });
  // The sync pipe closes if conmon dies early; the spawn error must not crash the daemon.
  child.on('error', () => syncStream.destroy());
  startStream.on('error', () => { /* conmon gone: its sync pipe reports it */ });
  child.unref();
  return {
    sync: new ConmonMessages(syncStream),
    attach: attachStream ? new ConmonMessages(attachStream) : null,
    start: () => { startStream.write('0'); },
    stderr: () => errDone,
    release: () => {
      for (const s of streams) s?.destroy();
    },
  };
}
