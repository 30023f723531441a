/**
 * The classic builder's output as the docker CLI prints it (jsonmessage.DisplayJSONMessagesStream):
 * `stream` text as is, pull progress through the progress renderer, the aux message's image ID
 * kept for -q/--iidfile, and an error message ending the build with docker's status (the
 * errorDetail code, 1 when none). Also the "Sending build context" progress line.
 */
import { Transform, type Readable } from 'node:stream';
import type { BuildStreamMessage } from '../../client';
import { StatusError } from '../command';
import { ProgressRenderer } from '../progress';
import { humanSize } from '../units';

/** Where a build's messages go: the classic lines or the live view. */
export interface BuildView {
  /** the image ID of the aux message, once seen */
  readonly imageId: string;
  /** shows one message; throws the build's StatusError on an error message */
  write(m: BuildStreamMessage): void;
  /** the stream ended (ok) or failed (the error is reported by the caller) */
  finish(ok: boolean): void;
}

/** The StatusError docker's CLI turns a JSON error message into. */
export function buildError(m: BuildStreamMessage): StatusError | undefined {
  if (!m.error && !m.errorDetail) return undefined;
  const code = m.errorDetail?.code ?? 0;
  if (code === 401) return new StatusError('authentication is required', 1);
  return new StatusError(m.errorDetail?.message ?? m.error ?? '', code || 1);
}

/**
 * What every view does alike with a message: keep the aux message's image ID, throw an error
 * message as docker's StatusError. True when `m` was such a message (nothing to show).
 */
export function takeControlMessage(view: { imageId: string }, m: BuildStreamMessage): boolean {
  if (m.aux) {
    if (typeof m.aux.ID === 'string') view.imageId = m.aux.ID;
    return true;
  }
  const err = buildError(m);
  if (err) throw err;
  return false;
}

export class ClassicOutput implements BuildView {
  imageId = '';
  private readonly progress: ProgressRenderer;

  constructor(out: NodeJS.WritableStream, tty: boolean) {
    this.progress = new ProgressRenderer(out, tty);
  }

  write(m: BuildStreamMessage): void {
    if (!takeControlMessage(this, m)) this.progress.write(m);
  }

  finish(): void { /* the classic output is complete as written */ }
}

/** "Sending build context to Docker daemon  2.048kB" (go-units HumanSize, %8v). */
export function sendingLine(bytes: number): string {
  return `Sending build context to Docker daemon ${humanSize(bytes, 4).padStart(8)}`;
}

/**
 * Counts the context's bytes on their way to the daemon and reports them as the docker CLI's
 * progress reader does: after each further 512 kB (at most every 100 ms) a "...\r" update,
 * and at the end the total followed by a newline ("...\r\r\n").
 */
export function countContext(body: Readable, report: (text: string) => void): Readable {
  const every = 512 * 1024;
  let sent = 0;
  let lastBytes = 0;
  let lastTime = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      sent += chunk.length;
      const now = Date.now();
      if (sent - lastBytes > every) {
        lastBytes = sent;
        if (now - lastTime >= 100) {
          lastTime = now;
          report(`${sendingLine(sent)}\r`);
        }
      }
      cb(null, chunk);
    },
    flush(cb) {
      report(`${sendingLine(sent)}\r\r\n`);
      cb();
    },
  });
  body.on('error', (e) => counter.destroy(e));
  return body.pipe(counter);
}
