import { EventEmitter } from 'node:events';
import { type Hash, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import type { RepositoryClient } from './client';
import { DialError } from './transport';
import { RegistryError } from './session';

/**
 * One blob downloaded into a file, verified against its descriptor's digest and size, and
 * readable while it arrives: reader() follows the file as it grows and ends only once the
 * whole blob is verified (or errors), so a layer can be unpacked as it streams in without
 * ever unpacking an unverified byte into the store for good.
 *
 * A connection lost mid-way is resumed with a Range request (bytes already hashed stay
 * hashed); a server that ignores the range has its first bytes skipped. A file left by an
 * earlier, failed pull is re-hashed and resumed too.
 */

/** bytes a reader asks of the file at once */
const READ_CHUNK = 1 << 20;
/** bytes received before they are written (one writev): a thread-pool round trip per 64 KiB socket read was a context switch each on a busy host */
const WRITE_BATCH = 1 << 20;
/** the latest bytes written, kept in memory for readers that keep up (they need not read the file back) */
const RECENT_BYTES = 4 << 20;

export interface DownloadOptions {
  /** attempts after a lost connection (default 3; backoff 0.25 s, doubling) */
  retries?: number;
  signal?: AbortSignal;
}

/**
 * A file written by some task and readable while it grows: reader() follows it and ends only
 * when the task has finished (or errors with the task's error).
 */
export abstract class GrowingFile extends EventEmitter {
  /** bytes in the file so far */
  written = 0;
  done: Promise<void> = Promise.resolve();
  private finished = false;
  protected failed: Error | null = null;
  /** resolves once the file exists (so a reader can open it) */
  protected opened: () => void = () => undefined;
  private readonly ready = new Promise<void>((r) => { this.opened = r; });
  private recent: { start: number; buf: Buffer }[] = [];
  private recentBytes = 0;

  constructor(readonly file: string) {
    super();
    this.setMaxListeners(0);
  }

  protected begin(task: Promise<void>): void {
    this.done = task.then(() => {
      this.finished = true;
      this.recent = [];
      this.emit('grow');
    }, (e: unknown) => {
      this.failed = e instanceof Error ? e : new Error(String(e));
      this.opened();
      this.emit('grow');
      throw this.failed;
    });
    // whoever awaits `done` sees the error; nobody must crash for an unobserved one
    this.done.catch(() => undefined);
  }

  /** `n` more bytes are in the file: `chunks`, when given, are those bytes (kept a while for readers) */
  protected grew(n: number, chunks: Buffer[] = []): void {
    let at = this.written;
    for (const buf of chunks) {
      this.recent.push({ start: at, buf });
      at += buf.length;
      this.recentBytes += buf.length;
    }
    while (this.recentBytes > RECENT_BYTES && this.recent.length > 1) this.recentBytes -= (this.recent.shift() as { buf: Buffer }).buf.length;
    this.written += n;
    this.emit('grow');
  }

  /** the bytes from `pos` on, when they are still in memory */
  private fromMemory(pos: number): Buffer | null {
    for (const r of this.recent) if (pos >= r.start && pos < r.start + r.buf.length) return r.buf.subarray(pos - r.start);
    return null;
  }

  /** The file's bytes as they arrive; ends when the task is done, errors when it fails. */
  reader(): Readable {
    return Readable.from(this.follow(), { objectMode: false });
  }

  private async *follow(): AsyncGenerator<Buffer> {
    await this.ready;
    if (this.failed) throw this.failed;
    const fh = await fs.promises.open(this.file, 'r').catch((e: unknown) => { throw this.failed ?? e; });
    try {
      let pos = 0;
      for (;;) {
        if (pos < this.written) {
          const mem = this.fromMemory(pos);
          if (mem) {
            pos += mem.length;
            yield mem;
            continue;
          }
          // a buffer per read, handed on as it is: no copy of every byte
          const want = Math.min(READ_CHUNK, this.written - pos);
          const buf = Buffer.allocUnsafe(want);
          const { bytesRead } = await fh.read(buf, 0, want, pos);
          if (bytesRead > 0) {
            pos += bytesRead;
            yield bytesRead === want ? buf : buf.subarray(0, bytesRead);
            continue;
          }
        }
        if (this.failed) throw this.failed;
        if (this.finished && pos >= this.written) return;
        await new Promise<void>((r) => this.once('grow', r));
      }
    } finally {
      await fh.close();
    }
  }
}

export class BlobDownload extends GrowingFile {
  constructor(
    private readonly repo: RepositoryClient,
    readonly digest: string,
    readonly size: number,
    file: string,
    private readonly opts: DownloadOptions = {},
  ) {
    super(file);
    this.begin(this.run());
  }

  private async run(): Promise<void> {
    const hash = createHash('sha256');
    const fd = await fs.promises.open(this.file, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
    this.opened();
    try {
      // a partial file from an earlier attempt: hash what it has and go on from there
      const { size: have } = await fd.stat();
      if (have > this.size) await fd.truncate(0);
      else if (have > 0) {
        for await (const c of fs.createReadStream('', { fd: fd.fd, autoClose: false, start: 0, end: have - 1 })) hash.update(c as Buffer);
        this.grew(have);
      }
      let attempt = 0;
      const retries = this.opts.retries ?? 3;
      while (this.written < this.size || this.size === 0) {
        try {
          await this.fetchFrom(fd, hash);
          break;
        } catch (e) {
          if (!retryable(e) || attempt >= retries || this.opts.signal?.aborted) throw e;
          attempt++;
          await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** (attempt - 1), 4000)));
        }
      }
      const got = `sha256:${hash.digest('hex')}`;
      if (this.written !== this.size) throw new RegistryError(`blob ${this.digest}: expected ${this.size} bytes, got ${this.written}`, 400);
      if (got !== this.digest) throw new RegistryError(`filesystem layer verification failed for digest ${this.digest}`, 400);
    } catch (e) {
      // a mismatch is never resumed: its bytes are wrong
      if (!retryable(e)) await fs.promises.rm(this.file, { force: true });
      throw e;
    } finally {
      await fd.close();
    }
  }

  private async fetchFrom(fd: fs.promises.FileHandle, hash: Hash): Promise<void> {
    const { stream, partial } = await this.repo.getBlob(this.digest, this.written);
    let skip = partial ? 0 : this.written;
    const abort = (): void => { stream.destroy(new Error('aborted')); };
    this.opts.signal?.addEventListener('abort', abort);
    // bytes hashed and not yet written: written in one writev, then readers hear of them
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (): Promise<void> => {
      if (pendingBytes === 0) return;
      const bufs = pending;
      const n = pendingBytes;
      pending = [];
      pendingBytes = 0;
      await fd.writev(bufs, this.written);
      this.grew(n, bufs);
    };
    try {
      try {
        for await (const c of stream) {
          let b = c as Buffer;
          if (skip > 0) {
            const n = Math.min(skip, b.length);
            skip -= n;
            b = b.subarray(n);
            if (b.length === 0) continue;
          }
          if (this.written + pendingBytes + b.length > this.size) throw new RegistryError(`blob ${this.digest}: more than the ${this.size} bytes its descriptor gives`, 400);
          hash.update(b);
          pending.push(b);
          pendingBytes += b.length;
          if (pendingBytes >= WRITE_BATCH) await flush();
        }
        await flush();
      } catch (e) {
        // what was hashed is written, so a resume goes on from there
        await flush();
        if (e instanceof RegistryError || this.opts.signal?.aborted) throw e;
        // the connection died under us: say how far it got; the caller may resume
        throw new TruncatedError(`blob ${this.digest}: connection closed after ${this.written} of ${this.size} bytes (${(e as Error).message})`);
      }
    } finally {
      this.opts.signal?.removeEventListener('abort', abort);
    }
    if (this.written < this.size) throw new TruncatedError(`blob ${this.digest}: connection closed after ${this.written} of ${this.size} bytes`);
  }
}

class TruncatedError extends Error {}

function retryable(e: unknown): boolean {
  if (e instanceof TruncatedError) return true;
  if (e instanceof DialError) return !e.tls;
  if (e instanceof RegistryError) return e.status >= 500;
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNREFUSED' || code === 'ETIMEDOUT'
    || /aborted|socket hang up/i.test((e as Error)?.message ?? '');
}
