import type { ProgressMessage } from '../../api-types';

/**
 * Docker's JSON progress messages for pull and push. The "progress" text is what an old
 * client prints; the docker CLI redraws the bar itself from progressDetail.
 */

export function shortDigest(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

export function statusMsg(status: string, id?: string): ProgressMessage {
  return id === undefined ? { status } : { status, progressDetail: {}, id };
}

export function progressMsg(status: string, id: string, current: number, total: number): ProgressMessage {
  return { status, progressDetail: { current, total }, progress: progressText(current, total), id };
}

/** "[=====>      ]  1.2MB/3.4MB" (JSONProgress.String with a 50-wide bar) */
export function progressText(current: number, total: number): string {
  if (total <= 0) return humanSize(current);
  const p = Math.max(0, Math.min(50, Math.floor((current / total) * 50)));
  const bar = `[${'='.repeat(p)}${p < 50 ? '>' : ''}${' '.repeat(Math.max(0, 50 - p - 1))}]`;
  return `${bar} ${humanSize(current).padStart(8)}/${humanSize(total)}`;
}

/** go-units HumanSizeWithPrecision(size, 4): "1.234MB" */
function humanSize(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${Number(v.toPrecision(4))}${units[i]}`;
}

/** Emits at most one progress message per id and interval (and always the last). */
export class Throttle {
  private readonly last = new Map<string, number>();
  constructor(private readonly ms = 100) {}
  due(id: string, final: boolean): boolean {
    const now = Date.now();
    if (!final && now - (this.last.get(id) ?? 0) < this.ms) return false;
    this.last.set(id, now);
    return true;
  }
}

export function errorMsg(message: string): ProgressMessage {
  return { error: message, errorDetail: { message } };
}
