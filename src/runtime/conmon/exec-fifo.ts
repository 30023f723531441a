import * as fs from 'node:fs';
import { Socket } from 'node:net';

/**
 * Starts a created runc container the way `runc start` does, without spawning it: runc's
 * init waits in open(O_WRONLY) on <state>/<id>/exec.fifo; a reader lets it write "0" and
 * exec the process; removing the fifo afterwards is what marks the container running (runc
 * reports "created" while the fifo exists). Saves a runc process on every start.
 *
 * The fifo is opened O_NONBLOCK and read through libuv (no threadpool thread blocked on a
 * fifo whose writer may never come): a reader that opened before any writer sees no EOF
 * until a writer came and went. `abandoned` settles the wait when the container exits
 * before it was started (its exit file appears).
 * Resolves false when there is no fifo (not a created runc container: let the CLI decide).
 */
export async function startThroughExecFifo(fifoPath: string, abandoned: Promise<boolean>): Promise<boolean> {
  let fd: number;
  try {
    fd = fs.openSync(fifoPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  const sock = new Socket({ fd, readable: true, writable: false });
  let got = 0;
  const read = new Promise<number>((resolve, reject) => {
    sock.on('data', (c: Buffer) => { got += c.length; });
    sock.on('end', () => resolve(got));
    sock.on('error', reject);
  });
  const outcome = await Promise.race([read, abandoned.then((exited) => (exited ? -1 : -2))]);
  sock.destroy();
  if (outcome === -1) throw new Error('cannot start a container that has stopped');
  if (outcome <= 0) throw new Error('cannot start an already running container');
  await fs.promises.unlink(fifoPath);
  return true;
}
