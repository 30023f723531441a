import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { LogEntry, LogReadOptions } from '../oci-runtime';
import { parseRfc3339Nano, rfc3339NanoFixed, secondsToNs } from '../../util/time';

const NL = 0x0a;
const SP = 0x20;
const READ_SIZE = 64 * 1024;

/**
 * Parses conmon's k8s-file log: `<RFC3339Nano> stdout|stderr F|P <text>\n`. A "P" line is a
 * partial chunk (conmon added the newline); it is joined with the stream's following chunks
 * into one entry, ended by an "F" line whose text keeps its newline, as Docker shows it.
 */
export class K8sLogParser {
  private rest: Buffer = Buffer.alloc(0);
  private readonly pending: Partial<Record<'stdout' | 'stderr', { timeNano: bigint; parts: Buffer[] }>> = {};

  /** Feeds raw file bytes; returns the complete entries they finish. */
  push(chunk: Buffer): LogEntry[] {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    const out: LogEntry[] = [];
    let start = 0;
    for (let nl = buf.indexOf(NL, start); nl >= 0; nl = buf.indexOf(NL, start)) {
      const e = this.line(buf.subarray(start, nl));
      if (e) out.push(e);
      start = nl + 1;
    }
    this.rest = Buffer.from(buf.subarray(start));
    return out;
  }

  /** Partial chunks never ended by an "F" line (the output ended without a newline). */
  flush(): LogEntry[] {
    const out: LogEntry[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.pending[stream];
      if (p) out.push(entry(stream, p.timeNano, Buffer.concat(p.parts), true));
      delete this.pending[stream];
    }
    return out.sort((a, b) => (a.timeNano < b.timeNano ? -1 : a.timeNano > b.timeNano ? 1 : 0));
  }

  private line(line: Buffer): LogEntry | null {
    const s1 = line.indexOf(SP);
    const s2 = s1 < 0 ? -1 : line.indexOf(SP, s1 + 1);
    const s3 = s2 < 0 ? -1 : line.indexOf(SP, s2 + 1);
    if (s3 < 0) return null;
    const timeNano = parseRfc3339Nano(line.toString('latin1', 0, s1));
    const stream = line.toString('latin1', s1 + 1, s2);
    const tag = line.toString('latin1', s2 + 1, s3);
    if (timeNano === null || (stream !== 'stdout' && stream !== 'stderr')) return null;
    const text = line.subarray(s3 + 1);
    const p = this.pending[stream];
    if (tag === 'P') {
      if (p) p.parts.push(Buffer.from(text));
      else this.pending[stream] = { timeNano, parts: [Buffer.from(text)] };
      return null;
    }
    const full = Buffer.concat([...(p ? p.parts : []), text, Buffer.from('\n')]);
    delete this.pending[stream];
    return entry(stream, p ? p.timeNano : timeNano, full, false);
  }
}

function entry(stream: 'stdout' | 'stderr', timeNano: bigint, data: Buffer, partial: boolean): LogEntry {
  return { stream, time: rfc3339NanoFixed(timeNano), timeNano, data, partial };
}

/** Reads a k8s-file log as Docker's logs endpoint needs it: objectMode Readable of LogEntry. */
export function readK8sLog(logPath: string, opts: LogReadOptions): Readable {
  const follow = new FollowControl();
  void opts.stop?.then(() => follow.stop());
  const stream = Readable.from(logEntries(logPath, opts, follow), { objectMode: true });
  // a reader that leaves must not keep a watcher waiting for the next write
  stream.on('close', () => follow.stop());
  return stream;
}

/** Wakes the follow loop on file changes and on stop, without losing a wakeup. */
class FollowControl {
  dirty = true;
  stopped = false;
  private wake: (() => void) | null = null;

  poke(): void {
    this.dirty = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  stop(): void {
    this.stopped = true;
    this.poke();
  }

  async wait(): Promise<void> {
    if (!this.dirty && !this.stopped) await new Promise<void>((resolve) => { this.wake = resolve; });
    this.dirty = false;
  }
}

async function* logEntries(logPath: string, opts: LogReadOptions, ctl: FollowControl): AsyncGenerator<LogEntry> {
  const sinceNs = secondsToNs(opts.since);
  const untilNs = secondsToNs(opts.until);
  const tooEarly = (e: LogEntry): boolean => sinceNs > 0n && e.timeNano < sinceNs;
  const tooLate = (e: LogEntry): boolean => untilNs > 0n && e.timeNano > untilNs;
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(logPath, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  // Watch before the first read so no write between that read and the watch is missed.
  const watcher = opts.follow && !ctl.stopped ? fs.watch(logPath, () => ctl.poke()) : null;
  watcher?.on('error', () => ctl.stop());
  try {
    const parser = new K8sLogParser();
    const buf = Buffer.alloc(READ_SIZE);
    let pos = 0;
    const readNew = async (): Promise<LogEntry[]> => {
      const out: LogEntry[] = [];
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
        if (bytesRead === 0) return out;
        pos += bytesRead;
        out.push(...parser.push(buf.subarray(0, bytesRead)));
      }
    };

    // The existing log: filter, then keep the last `tail` entries.
    ctl.dirty = false;
    let initial = (await readNew()).filter((e) => !tooEarly(e));
    if (!opts.follow) initial.push(...parser.flush().filter((e) => !tooEarly(e)));
    const cut = initial.findIndex(tooLate);
    const reachedUntil = cut >= 0;
    if (reachedUntil) initial = initial.slice(0, cut);
    if (opts.tail >= 0) initial = opts.tail === 0 ? [] : initial.slice(-opts.tail);
    yield* initial;
    if (!opts.follow || reachedUntil) return;

    for (;;) {
      await ctl.wait();
      const stopped = ctl.stopped;
      const fresh = await readNew();
      if (stopped) fresh.push(...parser.flush());
      for (const e of fresh) {
        if (tooEarly(e)) continue;
        if (tooLate(e)) return;
        yield e;
      }
      if (stopped) return;
    }
  } finally {
    watcher?.close();
    await fh.close();
  }
}
