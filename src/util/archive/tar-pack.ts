import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { openRegular } from '../open-regular';
import { readSmallFile } from '../read-small';
import { hostEntry } from './host-entry';

/**
 * Tar archives of a host directory tree, as Docker's TarWithOptions writes them: entries in
 * lexical order, directories with a trailing "/", hard links detected by inode, symlinks
 * never followed, sockets skipped.
 */

export interface PackOptions {
  /**
   * Name of the item itself in the archive ("dir", ".", "/"); null leaves the item out and
   * names its children from the top ("bin/", "etc/passwd"), as `export` does.
   */
  name: string | null;
  /** skip these host paths (and what is under them) */
  skip?: (hostPath: string) => boolean;
  /** read this host path from elsewhere (a container's volume mounted there), or undefined */
  redirect?: (hostPath: string) => string | undefined;
}


/** files up to this size are read in one go */
const SMALL_FILE = 256 * 1024;

async function writeEntry(pack: tarStream.Pack, header: Partial<tarStream.Header> & { name: string }, hostPath: string | null): Promise<void> {
  if (!hostPath) {
    await new Promise<void>((resolve, reject) => pack.entry(header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve())));
    return;
  }
  const size = header.size ?? 0;
  if (size <= SMALL_FILE) {
    // a small file is read whole with plain syscalls: no thread-pool round trips per file
    const buf = readSmallFile(hostPath, size);
    await new Promise<void>((resolve, reject) => pack.entry(header, buf, (err) => (err ? reject(err) : resolve())));
    return;
  }
  let done: () => void = () => undefined;
  let failed: (e: Error) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => { done = resolve; failed = reject; });
  const entry = pack.entry(header, (err) => (err ? failed(err) : done())) as unknown as Writable;
  // no longer a regular file (swapped meanwhile): its promised size is written as zeros
  const fh = await openRegular(hostPath);
  try {
    let left = size;
    const buf = Buffer.alloc(64 * 1024);
    while (left > 0) {
      const { bytesRead } = fh ? await fh.read(buf, 0, Math.min(buf.length, left), null) : { bytesRead: 0 };
      // a file that shrank while being read is padded: the header already promised `size`
      const chunk = bytesRead > 0 ? Buffer.from(buf.subarray(0, bytesRead)) : Buffer.alloc(Math.min(buf.length, left));
      left -= chunk.length;
      if (!entry.write(chunk)) await new Promise((r) => entry.once('drain', r));
    }
  } finally {
    await fh?.close();
  }
  entry.end();
  await finished;
}

/**
 * Writes host files into a tar stream one entry at a time (hard links detected by inode).
 * `add` must be awaited before the next call; `pack` is the archive to read.
 */
export class TarWriter {
  readonly pack = tarStream.pack();
  private readonly links = new Map<string, string>();

  /** an entry made of a header only (whiteouts, markers) */
  async header(header: Partial<tarStream.Header> & { name: string }): Promise<void> {
    await writeEntry(this.pack, header, null);
  }

  async add(p: string, name: string, st: fs.Stats): Promise<void> {
    const e = hostEntry(p, name, st, this.links);
    if (!e) return;
    const header = { ...e, name: e.type === 'directory' && !name.endsWith('/') ? `${name}/` : name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime };
    await writeEntry(this.pack, header, e.type === 'file' ? p : null);
  }

  /** Runs `fill`, then ends the archive (or fails it with fill's error). */
  run(fill: (w: TarWriter) => Promise<void>): Readable {
    void (async () => {
      try {
        await fill(this);
        this.pack.finalize();
      } catch (e) {
        this.pack.destroy(e as Error);
      }
    })();
    return this.pack as unknown as Readable;
  }
}

/** Streams `hostPath` (file or directory) as a tar archive. */
export function packTree(hostPath: string, opts: PackOptions): Readable {
  const walk = async (w: TarWriter, p: string, name: string | null, st: fs.Stats): Promise<void> => {
    if (opts.skip?.(p)) return;
    const elsewhere = opts.redirect?.(p);
    if (elsewhere !== undefined) {
      try { st = await fs.promises.lstat(elsewhere); } catch { return; }
      p = elsewhere;
    }
    if (name !== null) await w.add(p, name, st);
    if (!st.isDirectory()) return;
    const prefix = name === null ? '' : name.endsWith('/') ? name : `${name}/`;
    const names = (await fs.promises.readdir(p)).sort();
    for (const child of names) {
      const cp = path.join(p, child);
      let cst: fs.Stats;
      try { cst = await fs.promises.lstat(cp); } catch { continue; /* removed meanwhile */ }
      await walk(w, cp, prefix + child, cst);
    }
  };
  return new TarWriter().run(async (w) => walk(w, hostPath, opts.name, await fs.promises.lstat(hostPath)));
}
