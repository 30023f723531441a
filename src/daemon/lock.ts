import { closeSync, constants, existsSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // a recycled PID belonging to something else is not a daemon
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('berthd');
  } catch {
    return false;
  }
}

/**
 * Takes the roots for this daemon: a lock file in each holds our PID. A live berthd holding
 * either refuses the start; a stale file (a crashed daemon) is taken over.
 */
export function lockRoots(files: string[]): () => void {
  const taken: string[] = [];
  for (const file of files) {
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(file, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        taken.push(file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw e;
        const pid = Number(readFileSync(file, 'utf8').trim());
        if (alive(pid)) {
          for (const t of taken) unlinkSync(t);
          throw new Error(`berthd is already running (pid ${pid}, ${file}); refusing to start a second daemon on the same roots`);
        }
        unlinkSync(file);
      }
    }
  }
  return () => {
    for (const t of taken) if (existsSync(t)) unlinkSync(t);
  };
}
