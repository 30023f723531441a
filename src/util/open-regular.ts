import * as fs from 'node:fs';

/**
 * Opens a file that a walk saw as regular, without trusting that it still is: a process (a
 * running container, another user of a context directory) can swap in a FIFO between the
 * lstat and the open, and a plain open of a FIFO waits for a writer, which would stop the
 * daemon's event loop (sync) or hold a thread-pool thread (async) for good. O_NONBLOCK makes
 * that open return at once and changes nothing for a regular file; fstat then tells what was
 * opened. A final symlink is never followed. null: not a regular file any more.
 */
const FLAGS = fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK;

export function openRegularSync(file: string): number | null {
  const fd = fs.openSync(file, FLAGS);
  if (fs.fstatSync(fd).isFile()) return fd;
  fs.closeSync(fd);
  return null;
}

export async function openRegular(file: string): Promise<fs.promises.FileHandle | null> {
  const fh = await fs.promises.open(file, FLAGS);
  if ((await fh.stat()).isFile()) return fh;
  await fh.close();
  return null;
}
