import type { LogEntry } from '../../engine';
import { InvalidParameterError, errorMessage } from '../../util/errors';
import { rfc3339NanoFixed } from '../../util/time';
import type { ApiContext, Route } from '../context';
import { hijackSession, streamContentType } from '../hijack';
import { boolParam, stringParam, timestampParam } from '../query';
import { StdStreamId, stdcopyFrame, streamId } from '../stdcopy';
import { settleSoon, streamJsonLines, whenAborted, writeChunk } from '../streaming';

/** The container endpoints that stream: logs, attach, wait, stats. */

/** Go's RFC3339Nano with a fixed 9-digit fraction, as dockerd prefixes log lines. */
export function formatLogTimestamp(entry: Pick<LogEntry, 'time' | 'timeNano'>): string {
  const ns = typeof entry.timeNano === 'bigint' ? entry.timeNano : 0n;
  if (ns <= 0n) return entry.time;
  return rfc3339NanoFixed(ns);
}

/** One log entry as it goes on the wire: optional timestamp, newline restored, framed unless TTY. */
export function encodeLogEntry(entry: LogEntry, tty: boolean, timestamps: boolean): Buffer {
  let data = entry.data;
  if (!entry.partial && (data.length === 0 || data[data.length - 1] !== 0x0a)) data = Buffer.concat([data, Buffer.from('\n')]);
  if (timestamps) data = Buffer.concat([Buffer.from(formatLogTimestamp(entry) + ' '), data]);
  return tty ? data : stdcopyFrame(streamId(entry.stream), data);
}

function parseTail(raw: string | null): number {
  if (raw === null || raw === '' || raw === 'all') return -1;
  const n = Number.parseInt(raw, 10);
  return Number.isNaN(n) || n < 0 ? -1 : n;
}

export async function containerLogs(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const stdout = boolParam(q, 'stdout');
  const stderr = boolParam(q, 'stderr');
  if (!stdout && !stderr) throw new InvalidParameterError('Bad parameters: you must choose at least one stream');
  const timestamps = boolParam(q, 'timestamps');
  const { tty, entries } = await ctx.backends.containers.logs(ctx.params.id, {
    follow: boolParam(q, 'follow'),
    stdout,
    stderr,
    since: timestampParam(q, 'since', 0),
    until: timestampParam(q, 'until', 0),
    timestamps,
    tail: parseTail(q.get('tail')),
  }, ctx.signal);
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': streamContentType(tty) });
  res.flushHeaders(); // `docker logs -f` waits for the headers before anything is logged
  const aborted = whenAborted(ctx.signal);
  const it = entries[Symbol.asyncIterator]() as AsyncIterator<LogEntry>;
  try {
    for (;;) {
      const r = await Promise.race([it.next(), aborted]);
      if (r === 'aborted' || r.done) break;
      await writeChunk(res, encodeLogEntry(r.value, tty, timestamps));
    }
  } catch (e) {
    if (!tty && !ctx.signal.aborted) await writeChunk(res, stdcopyFrame(StdStreamId.Systemerr, Buffer.from(errorMessage(e))));
  } finally {
    entries.destroy();
    if (!res.writableEnded) res.end();
  }
}

/** POST /containers/{id}/attach: hijacked when the client upgrades (the docker CLI does). */
export async function containerAttach(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const session = await ctx.backends.containers.attach(ctx.params.id, {
    stream: boolParam(q, 'stream'),
    logs: boolParam(q, 'logs'),
    stdin: boolParam(q, 'stdin'),
    stdout: boolParam(q, 'stdout'),
    stderr: boolParam(q, 'stderr'),
    detachKeys: stringParam(q, 'detachKeys'),
  });
  await hijackSession(ctx, session);
}

/**
 * POST /containers/{id}/wait. The docker CLI calls it before start and blocks on the response
 * headers, so they go out at once; the body follows when the condition is met.
 */
export async function containerWait(ctx: ApiContext): Promise<void> {
  const condition = stringParam(ctx.query, 'condition') ?? 'not-running';
  const waiting = ctx.backends.containers.wait(ctx.params.id, condition, ctx.signal);
  const early = await settleSoon(waiting);
  if (early.state === 'rejected') throw early.error;
  if (early.state === 'fulfilled') {
    ctx.json(200, early.value);
    return;
  }
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  try {
    const r = await waiting;
    res.end(JSON.stringify(r) + '\n');
  } catch (e) {
    // the status is already sent; dockerd reports late failures in the body the same way
    if (!res.writableEnded) res.end(JSON.stringify({ StatusCode: -1, Error: { Message: errorMessage(e) } }) + '\n');
  }
}

/** GET /containers/{id}/stats: one object, or one line about every second until the client leaves. */
export async function containerStats(ctx: ApiContext): Promise<void> {
  const stream = boolParam(ctx.query, 'stream', true);
  const stats = ctx.backends.containers.stats(ctx.params.id, stream, ctx.signal);
  if (!stream) {
    const it = stats[Symbol.asyncIterator]();
    const r = await it.next();
    void it.return?.()?.catch(() => undefined);
    if (r.done) throw new Error('no stats returned for the container');
    ctx.json(200, r.value);
    return;
  }
  await streamJsonLines(ctx, stats, { headers: 'first', errorLines: false });
}

export const containerIoRoutes: Route[] = [
  { method: 'GET', path: '/containers/:id/logs', handler: containerLogs },
  { method: 'POST', path: '/containers/:id/attach', handler: containerAttach },
  { method: 'POST', path: '/containers/:id/wait', handler: containerWait },
  { method: 'GET', path: '/containers/:id/stats', handler: containerStats },
];
