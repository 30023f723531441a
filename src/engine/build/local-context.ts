import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { contextTar } from '../../util/build-context';
import { EngineError } from '../../util/errors';

/**
 * berth's POST /build/local: the context read from a directory of the daemon's own host, as
 * the client would have packed it (contextTar, the very bytes the CLI sends), so a local
 * `berth build` neither walks and packs the directory in a cold client process nor copies it
 * through the socket (Podman reads a local context in place too). The client names the
 * directory and the device and inode it sees there: a client in another mount namespace (a
 * container given the socket) sees another directory under that path, and is told to send
 * the context as usual.
 */

/** 412: the daemon cannot read this context for the client; the client sends it instead. */
export class LocalContextUnusable extends EngineError {
  constructor(message: string) { super(message, 412); }
}

export interface LocalContext {
  tar: Readable;
  /** the bytes read so far (all of them once `tar` has ended) */
  size(): number;
}

export function openLocalContext(dir: string, id: string, dockerfile: string): LocalContext {
  if (!path.isAbsolute(dir)) throw new LocalContextUnusable(`context directory ${dir} is not an absolute path`);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    throw new LocalContextUnusable(`cannot read context directory ${dir}: ${(e as Error).message}`);
  }
  if (!st.isDirectory() || `${st.dev}:${st.ino}` !== id) throw new LocalContextUnusable(`context directory ${dir} is not the one the client sees`);
  let tar: Buffer | Readable;
  try {
    tar = contextTar(dir, { dockerfile: dockerfile || undefined });
  } catch (e) {
    // the client packs it itself and reports the problem in the docker CLI's words
    throw new LocalContextUnusable(`cannot read the context in ${dir}: ${(e as Error).message}`);
  }
  if (Buffer.isBuffer(tar)) {
    const whole = tar;
    return { tar: Readable.from([whole]), size: () => whole.length };
  }
  let n = 0;
  const counter = new Transform({ transform(chunk: Buffer, _enc, cb) { n += chunk.length; cb(null, chunk); } });
  tar.on('error', (e) => counter.destroy(e));
  return { tar: tar.pipe(counter), size: () => n };
}
