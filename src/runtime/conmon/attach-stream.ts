import { Readable, Writable } from 'node:stream';
import type { OutputChunk, StdioStream } from '../oci-runtime';
import { berthNative, SEQ_DATA, SEQ_EOF, SEQ_ERROR, SEQ_WRITABLE, type SeqpacketHandle } from '../../util/native';

/** conmon's stdpipe_t: the first byte of every message on the attach socket. */
const STDOUT_PIPE = 2;
const STDERR_PIPE = 3;
/** conmon reads client messages with a 32768-byte buffer minus one: bigger ones would be cut. */
const MAX_INPUT_MESSAGE = 32 * 1024 - 1;

/**
 * Joins conmon's attach socket (AF_UNIX SOCK_SEQPACKET).
 * Protocol (conmon conn_sock.c / ctr_stdio.c): conmon sends each chunk the container wrote as
 * one message whose first byte names the pipe (2 stdout, 3 stderr; a TTY is all stdout);
 * the client writes raw stdin bytes; shutting down the client's write side makes conmon close
 * the container's stdin (unless --leave-stdin-open); conmon closes the socket when the
 * container exits, after draining its output, so EOF on the socket is the end of output.
 */
export function openAttachStream(socketPath: string, withStdin: boolean): StdioStream {
  const native = berthNative();
  let handle: SeqpacketHandle | null = null;
  let closed = false;
  let onWritable: (() => void) | null = null;

  const output = new Readable({
    objectMode: true,
    read() {
      if (handle && !closed) native.setReading(handle, true);
    },
    destroy(err, cb) {
      close();
      cb(err);
    },
  });

  const input = withStdin ? new Writable({
    write(chunk: Buffer, _enc, cb) { writeAll(chunk, 0, cb); },
    final(cb) {
      try {
        if (handle && !closed) native.shutdownWrite(handle);
      } catch { /* conmon is gone: nothing left to close */ }
      cb();
    },
    destroy(err, cb) {
      onWritable = null;
      cb(err);
    },
  }) : null;

  // Input written after the container's end is dropped, not an error: the output side reports
  // the end, and an 'error' nobody listens to would take the daemon down.
  function writeAll(chunk: Buffer, off: number, cb: (err?: Error | null) => void): void {
    while (off < chunk.length) {
      if (!handle || closed) return cb();
      const piece = chunk.subarray(off, off + MAX_INPUT_MESSAGE);
      let n: number;
      try {
        n = native.write(handle, piece);
      } catch {
        return cb(); // EPIPE/ECONNRESET: conmon is gone
      }
      if (n < 0) {
        onWritable = () => writeAll(chunk, off, cb);
        return;
      }
      off += piece.length;
    }
    cb();
  }

  function close(): void {
    if (closed) return;
    closed = true;
    if (handle) native.close(handle);
    onWritable = null; // a destroyed input drops its pending write
  }

  handle = native.connect(socketPath, (kind, arg) => {
    if (kind === SEQ_DATA && Buffer.isBuffer(arg) && arg.length > 0) {
      const pipe = arg[0];
      const chunk: OutputChunk = { stream: pipe === STDERR_PIPE ? 'stderr' : 'stdout', data: arg.subarray(1) };
      if (pipe !== STDOUT_PIPE && pipe !== STDERR_PIPE) return;
      if (!output.push(chunk) && handle && !closed) native.setReading(handle, false);
    } else if (kind === SEQ_WRITABLE) {
      const w = onWritable;
      onWritable = null;
      if (w) w();
    } else if (kind === SEQ_EOF || kind === SEQ_ERROR) {
      // conmon closed the socket (the container exited) or it broke: either way the end of
      // output; the socket is released at once so a caller that never calls close() leaks nothing
      close();
      if (!output.destroyed && !output.readableEnded) output.push(null);
    }
  });

  return {
    output,
    input,
    close() {
      close();
      if (!output.destroyed && !output.readableEnded) output.push(null);
      input?.destroy();
    },
  };
}
