import type { Writable } from 'node:stream';
import type { ApiContext } from './context';
import { progressErrorLine } from './errors';

/**
 * Helpers for replies that stream: headers flushed early, one JSON object per line,
 * backpressure honoured, and the producer stopped when the client leaves.
 */

export type Settled<T> =
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; error: unknown }
  | { state: 'pending' };

/**
 * Lets `p` settle if it can do so right away (before the next turn of the event loop), so
 * failures detected up front (no such container) still get their own status, while a call
 * that blocks (wait for exit, next event) does not hold back the response headers.
 */
export function settleSoon<T>(p: Promise<T>): Promise<Settled<T>> {
  return Promise.race([
    p.then((value): Settled<T> => ({ state: 'fulfilled', value }), (error: unknown): Settled<T> => ({ state: 'rejected', error })),
    new Promise<Settled<T>>((resolve) => setImmediate(() => resolve({ state: 'pending' }))),
  ]);
}

/** Writes and, when the peer is slow, waits for 'drain' (or its going away). */
export function writeChunk(out: Writable, data: Buffer | string): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.resolve();
  if (out.write(data)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => { out.off('drain', done); out.off('close', done); resolve(); };
    out.once('drain', done);
    out.once('close', done);
  });
}

/** Resolves when the signal aborts (never rejects). */
export function whenAborted(signal: AbortSignal): Promise<'aborted'> {
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve('aborted'), { once: true }));
}

export interface JsonStreamOptions {
  /**
   * 'first': hold the headers until the first object (or error) arrives, as dockerd's lazy
   * flusher does for pull/import; 'soon': flush them at once unless the source fails
   * right away (events, whose first message may be hours off).
   */
  headers: 'first' | 'soon';
  /** after the 200, report a failure as a progress error line (pull/import) instead of just ending */
  errorLines: boolean;
  /** called once the reply is over, to release the producer (destroy a Readable) */
  release?: () => void;
}

/** Streams `source` as newline-delimited JSON, one flushed line per object. */
export async function streamJsonLines<T>(ctx: ApiContext, source: AsyncIterable<T>, opts: JsonStreamOptions): Promise<void> {
  const it = source[Symbol.asyncIterator]();
  const aborted = whenAborted(ctx.signal);
  const stop = (): void => {
    opts.release?.();
    void it.return?.()?.catch(() => undefined);
  };
  let pending: Promise<IteratorResult<T>> = it.next();
  let first: IteratorResult<T> | undefined;
  try {
    if (opts.headers === 'first') {
      first = await pending;
    } else {
      const s = await settleSoon(pending);
      if (s.state === 'rejected') throw s.error;
      if (s.state === 'fulfilled') first = s.value;
    }
  } catch (e) {
    stop();
    throw e;
  }
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.flushHeaders();
  try {
    let r: IteratorResult<T> | 'aborted' = first ?? await Promise.race([pending, aborted]);
    while (r !== 'aborted' && !r.done) {
      // lines produced in one turn go out in one write (a cached build makes ~60 at once)
      if (!res.writableCorked) {
        res.cork();
        process.nextTick(() => res.uncork());
      }
      await writeChunk(res, JSON.stringify(r.value) + '\n');
      if (ctx.signal.aborted) break;
      pending = it.next();
      r = await Promise.race([pending, aborted]);
    }
  } catch (e) {
    if (opts.errorLines && !ctx.signal.aborted) await writeChunk(res, progressErrorLine(e));
  } finally {
    stop();
    if (!res.writableEnded) res.end();
  }
}
