import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type { TerminalSize } from '../oci-runtime';

/** conmon's ctl fifo message types (config.h). */
const WIN_RESIZE_EVENT = 1;

/**
 * Asks conmon to resize the pty: "<type> <rows> <cols>\n" on the ctl fifo, which conmon
 * turns into TIOCSWINSZ on the terminal's master side. O_NONBLOCK: never wait for a reader
 * (conmon holds the fifo open itself; without conmon the open fails with ENXIO).
 */
export async function writeResize(ctlFifo: string, size: TerminalSize): Promise<void> {
  const rows = Math.max(0, Math.trunc(size.rows));
  const cols = Math.max(0, Math.trunc(size.cols));
  const fh = await fsp.open(ctlFifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
  try {
    await fh.write(`${WIN_RESIZE_EVENT} ${rows} ${cols}\n`);
  } finally {
    await fh.close();
  }
}
