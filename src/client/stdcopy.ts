/**
 * Docker's stdcopy framing for non-TTY attach, exec and logs streams: each frame is an
 * 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes.
 * stream: 0 stdin, 1 stdout, 2 stderr, 3 systemerr (an error message from the daemon).
 */

export type StreamKind = 0 | 1 | 2 | 3;

export interface Frame { stream: StreamKind; data: Buffer }

const HEADER = 8;

/** Incremental decoder: push arbitrary chunks, get whole frames back. */
export class StdcopyDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let off = 0;
    while (this.pending.length - off >= HEADER) {
      const kind = this.pending[off];
      if (kind > 3) throw new Error(`Unrecognized input header: ${kind}`);
      const size = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off - HEADER < size) break;
      frames.push({ stream: kind as StreamKind, data: this.pending.subarray(off + HEADER, off + HEADER + size) });
      off += HEADER + size;
    }
    this.pending = this.pending.subarray(off);
    return frames;
  }

  /** Bytes of an incomplete frame left at the end of the stream. */
  get leftover(): number { return this.pending.length; }
}

/** Encode one frame (used by tests and fakes). */
export function encodeFrame(stream: StreamKind, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const h = Buffer.alloc(HEADER);
  h[0] = stream;
  h.writeUInt32BE(body.length, 4);
  return Buffer.concat([h, body]);
}

export interface Sink { write(chunk: Buffer): unknown }

/**
 * Copy a multiplexed stream to stdout/stderr sinks. Resolves at end of stream; rejects with
 * the daemon's message when it sends a systemerr frame.
 */
export async function demultiplex(source: AsyncIterable<Buffer>, stdout: Sink, stderr: Sink): Promise<void> {
  const dec = new StdcopyDecoder();
  for await (const chunk of source) {
    for (const f of dec.push(chunk)) {
      if (f.stream === 3) throw new Error(f.data.toString());
      (f.stream === 2 ? stderr : stdout).write(f.data);
    }
  }
}

/** Copy a raw (TTY) stream to one sink. */
export async function copyRaw(source: AsyncIterable<Buffer>, out: Sink): Promise<void> {
  for await (const chunk of source) out.write(chunk);
}
