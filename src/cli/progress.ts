import type { ProgressMessage } from '../api-types';
import { humanSize } from './units';

/**
 * Renders a JSON progress stream as the docker CLI's jsonmessage does: on a terminal one
 * line per id, redrawn in place ("abc123: Loading layer [==>   ]  1.2MB/3.4MB"); elsewhere
 * only the plain lines. `stream` text is printed as is; an error message throws.
 */
export class ProgressRenderer {
  private readonly ids: string[] = [];

  constructor(private readonly out: NodeJS.WritableStream, private readonly tty: boolean) {}

  write(m: ProgressMessage): void {
    if (m.errorDetail || m.error) throw new Error(m.errorDetail?.message ?? m.error);
    if (m.stream !== undefined) { this.out.write(m.stream); return; }
    if (!m.status) return;
    const line = `${m.id ? `${m.id}: ` : ''}${m.status}${m.progressDetail?.total ? ` ${progressBar(m.progressDetail.current ?? 0, m.progressDetail.total)}` : ''}`;
    if (!m.id || !this.tty) {
      if (m.progressDetail?.current === undefined) this.out.write(`${line}\n`);
      return;
    }
    let i = this.ids.indexOf(m.id);
    if (i < 0) {
      this.ids.push(m.id);
      this.out.write('\n');
      i = this.ids.length - 1;
    }
    const up = this.ids.length - i;
    this.out.write(`\x1b[${up}A\r\x1b[2K${line}\x1b[${up}B\r`);
  }
}

/** "[=====>      ]  1.2MB/3.4MB": the 50-wide bar of Docker's JSONProgress. */
export function progressBar(current: number, total: number): string {
  const p = Math.max(0, Math.min(50, Math.floor((current / total) * 50)));
  return `[${'='.repeat(p)}>${' '.repeat(50 - p)}] ${humanSize(current, 4).padStart(8)}/${humanSize(total, 4)}`;
}
