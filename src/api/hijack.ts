import type { Readable, Writable } from 'node:stream';
import type { AttachSession, OutputChunk } from '../engine';
import { errorMessage } from '../util/errors';
import { commonHeaders, type ApiContext } from './context';
import { encodeChunk, MEDIA_MULTIPLEXED_STREAM, MEDIA_RAW_STREAM, StdStreamId, stdcopyFrame } from './stdcopy';

/**
 * Attach and exec start: the client asks for `Connection: Upgrade` + `Upgrade: tcp`, gets
 * `101 UPGRADED`, and the connection becomes a duplex byte pipe: container output to the
 * client (raw with a TTY, stdcopy frames without), the client's bytes to the container's stdin.
 * A client half-close ends stdin while output keeps flowing; the end of output closes the
 * connection. Without the upgrade headers the output streams as a plain 200 body.
 */

/** How long a client may keep its side open after the output has ended. */
const LINGER_MS = 2000;

export function streamContentType(tty: boolean): string {
  return tty ? MEDIA_RAW_STREAM : MEDIA_MULTIPLEXED_STREAM;
}

/** The 101 response as dockerd writes it, plus the headers every response carries. */
export function upgradeResponseHead(ctx: ApiContext, tty: boolean): string {
  const lines = [
    'HTTP/1.1 101 UPGRADED',
    `Content-Type: ${streamContentType(tty)}`,
    'Connection: Upgrade',
    'Upgrade: tcp',
    ...Object.entries(commonHeaders(ctx.info)).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

/** Serves `session` on the request; resolves once the exchange is over. Never rejects. */
export function hijackSession(ctx: ApiContext, session: AttachSession): Promise<void> {
  if (ctx.upgrade) {
    const socket = ctx.upgrade.socket;
    ctx.hijacked = true;
    socket.write(upgradeResponseHead(ctx, session.tty));
    return pump(session, socket, socket, () => {
      socket.end();
      // the client normally closes as soon as it sees our end; do not wait forever on one that does not
      const t = setTimeout(() => socket.destroy(), LINGER_MS);
      t.unref();
      socket.once('close', () => clearTimeout(t));
    });
  }
  const res = ctx.res;
  res.writeHead(200, { 'Content-Type': streamContentType(session.tty) });
  res.flushHeaders();
  const hasBody = ctx.req.headers['transfer-encoding'] !== undefined || Number(ctx.req.headers['content-length'] ?? 0) > 0;
  return pump(session, res, hasBody && !ctx.req.readableEnded ? ctx.req : null, () => res.end());
}

function pump(session: AttachSession, out: Writable, clientIn: Readable | null, endOut: () => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const output = session.output;
    let over = false;
    const finish = (): void => {
      if (over) return;
      over = true;
      output.off('data', onData);
      if (clientIn && session.input) clientIn.unpipe(session.input);
      session.close();
      resolve();
    };

    const onData = (chunk: OutputChunk): void => {
      if (!chunk || !chunk.data || chunk.data.length === 0) return;
      if (!out.write(encodeChunk(chunk, session.tty))) {
        output.pause();
        out.once('drain', () => output.resume());
      }
    };
    output.on('data', onData);
    output.once('end', () => { endOut(); finish(); });
    output.once('error', (e: Error) => {
      // stdcopy has a stream for daemon errors; the docker CLI prints it
      if (!session.tty && !out.destroyed) out.write(stdcopyFrame(StdStreamId.Systemerr, Buffer.from(errorMessage(e))));
      endOut();
      finish();
    });
    // the client went away: stop the session (a detach without keys, as dockerd does)
    out.once('close', finish);
    out.on('error', () => finish());

    if (clientIn) {
      const input = session.input;
      if (input) {
        input.on('error', () => undefined); // EPIPE once the process has exited
        clientIn.pipe(input); // ends stdin when the client half-closes
      } else {
        clientIn.resume(); // nothing to feed: drain so we still notice the close
      }
    }
  });
}
