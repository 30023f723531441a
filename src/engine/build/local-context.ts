import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { contextTarChunks } from '../../util/build-context';
import { EngineError } from '../../util/errors';

/**
 * berth's POST /build/local: the context read from a directory of the daemon's own host, as
 * the client would have packed it (contextTarChunks, the very bytes the CLI sends), so a
 * local `berth build` neither walks and packs the directory in a cold client process nor
 * copies it through the socket (Podman reads a local context in place too). The client names
 * the directory and the device and inode it sees there: a client in another mount namespace
 * (a container given the socket) sees another directory under that path, and is told to send
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
  /** why reading the directory failed, if it did (what the reader of `tar` reports may wrap it) */
  failure(): LocalContextUnusable | null;
}

/** the longest the walk and the reads run before letting the daemon's other work in */
const SLICE_MS = 4;
/** the most a batch holds before it goes out */
const BATCH_BYTES = 1024 * 1024;

export function openLocalContext(dir: string, id: string, dockerfile: string): LocalContext {
  if (!path.isAbsolute(dir)) throw new LocalContextUnusable(`context directory ${dir} is not an absolute path`);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(dir);
  } catch (e) {
    throw new LocalContextUnusable(`cannot read context directory ${dir}: ${(e as Error).message}`);
  }
  if (!st.isDirectory() || `${st.dev}:${st.ino}` !== id) throw new LocalContextUnusable(`context directory ${dir} is not the one the client sees`);
  let n = 0;
  let failed: LocalContextUnusable | null = null;
  // chunks go out in batches, one per slice (a small context is one Buffer): a stream chunk
  // per tar header and file made the stream machinery cost as much as reading the files
  async function* paced(): AsyncGenerator<Buffer> {
    let since = performance.now();
    let batch: Buffer[] = [];
    let batched = 0;
    try {
      for (const chunk of contextTarChunks(dir, { dockerfile: dockerfile || undefined }, true)) {
        n += chunk.length;
        batch.push(chunk);
        batched += chunk.length;
        if (batched >= BATCH_BYTES || performance.now() - since > SLICE_MS) {
          yield Buffer.concat(batch, batched);
          batch = [];
          batched = 0;
          await new Promise((resolve) => setImmediate(resolve));
          since = performance.now();
        }
      }
    } catch (e) {
      // nothing was told yet: the client packs it itself and reports it in the docker CLI's words
      failed = new LocalContextUnusable(`cannot read the context in ${dir}: ${(e as Error).message}`);
      throw failed;
    }
    if (batched) yield Buffer.concat(batch, batched);
  }
  return { tar: Readable.from(paced(), { objectMode: false }), size: () => n, failure: () => failed };
}
