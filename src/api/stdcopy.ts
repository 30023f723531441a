import { Transform, type TransformCallback } from 'node:stream';
import type { OutputChunk } from '../engine';

/**
 * Docker's stdcopy framing for non-TTY streams: an 8-byte header per frame,
 * [stream, 0, 0, 0, size as big-endian uint32], then `size` bytes of payload.
 */
export enum StdStreamId { Stdin = 0, Stdout = 1, Stderr = 2, Systemerr = 3 }

export const MEDIA_RAW_STREAM = 'application/vnd.docker.raw-stream';
export const MEDIA_MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

const HEADER_LEN = 8;

export function stdcopyHeader(stream: StdStreamId, size: number): Buffer {
  const h = Buffer.alloc(HEADER_LEN);
  h[0] = stream;
  h.writeUInt32BE(size, 4);
  return h;
}

/** One frame (header + payload) for `data` on `stream`. */
export function stdcopyFrame(stream: StdStreamId, data: Buffer): Buffer {
  return Buffer.concat([stdcopyHeader(stream, data.length), data]);
}

export function streamId(name: 'stdout' | 'stderr'): StdStreamId {
  return name === 'stderr' ? StdStreamId.Stderr : StdStreamId.Stdout;
}

/** Encodes an output chunk for the wire: raw bytes with a TTY, a stdcopy frame without. */
export function encodeChunk(chunk: OutputChunk, tty: boolean): Buffer {
  if (tty) return chunk.data;
  return stdcopyFrame(streamId(chunk.stream), chunk.data);
}

/** objectMode OutputChunk in → bytes out, framed as `encodeChunk` does. */
export class OutputEncoder extends Transform {
  constructor(private readonly tty: boolean) {
    super({ writableObjectMode: true });
  }

  override _transform(chunk: OutputChunk, _enc: BufferEncoding, cb: TransformCallback): void {
    if (chunk.data.length === 0) return cb();
    cb(null, encodeChunk(chunk, this.tty));
  }
}

/** Splits a stdcopy byte stream back into frames (for tests and clients). Throws on a bad header. */
export function demuxStdcopy(buf: Buffer): { stream: number; data: Buffer }[] {
  const frames: { stream: number; data: Buffer }[] = [];
  let off = 0;
  while (off < buf.length) {
    if (buf.length - off < HEADER_LEN) throw new Error(`truncated stdcopy header at ${off}`);
    const stream = buf[off];
    if (stream > 3 || buf[off + 1] !== 0 || buf[off + 2] !== 0 || buf[off + 3] !== 0) throw new Error(`bad stdcopy header at ${off}`);
    const size = buf.readUInt32BE(off + 4);
    if (buf.length - off - HEADER_LEN < size) throw new Error(`truncated stdcopy frame at ${off}`);
    frames.push({ stream, data: buf.subarray(off + HEADER_LEN, off + HEADER_LEN + size) });
    off += HEADER_LEN + size;
  }
  return frames;
}
