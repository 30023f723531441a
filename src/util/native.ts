import * as fs from 'node:fs';
import * as path from 'node:path';

/** A connected SOCK_SEQPACKET socket owned by the addon; opaque to JS. */
export type SeqpacketHandle = { readonly __brand: 'SeqpacketHandle' };

export const SEQ_DATA = 0;
export const SEQ_EOF = 1;
export const SEQ_WRITABLE = 2;
export const SEQ_ERROR = 3;

/** cb(SEQ_DATA, message) | cb(SEQ_EOF) | cb(SEQ_WRITABLE) | cb(SEQ_ERROR, errno) */
export type SeqpacketCallback = (kind: number, arg: Buffer | number | undefined) => void;

/** The syscalls Node lacks (native/src/seqpacket.c, mount.c, syncfs.c). */
export interface BerthNative {
  /** Connects to a SOCK_SEQPACKET unix socket (any path length); starts reading at once. */
  connect(path: string, cb: SeqpacketCallback): SeqpacketHandle;
  /** Sends one message; -1 when the socket is full (SEQ_WRITABLE follows). */
  write(h: SeqpacketHandle, data: Buffer): number;
  setReading(h: SeqpacketHandle, on: boolean): void;
  shutdownWrite(h: SeqpacketHandle): void;
  close(h: SeqpacketHandle): void;
  /** mount(2); flags are MS_* bits; throws with the errno name as code */
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  /** umount2(2); flags: MNT_DETACH = 2 */
  umount(target: string, flags: number): void;
  /** syncfs(2) of the filesystem holding `path`, on the thread pool */
  syncfs(path: string): Promise<void>;
}

export const MNT_DETACH = 2;

let loaded: BerthNative | undefined;

/** Loads native/build/Release/berth_native.node, found from this file up to the repo root. */
export function berthNative(): BerthNative {
  if (loaded) return loaded;
  const rel = path.join('native', 'build', 'Release', 'berth_native.node');
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, rel);
    if (fs.existsSync(candidate)) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require(candidate) as BerthNative;
      return loaded;
    }
    dir = path.dirname(dir);
  }
  throw new Error(`berth native addon not built (${rel}): run \`npx node-gyp rebuild --directory native\``);
}
