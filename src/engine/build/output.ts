import type { BuildMessage } from '../../api-types';

/**
 * The build's message stream in Dockerfile order while stages run concurrently: each stage
 * writes to its own channel; a channel is live once every earlier one is done, else its
 * messages wait. The reader sees what the classic builder would print, one stage after the
 * other, and the first unfinished stage streams as it runs.
 */
export class OrderedOutput {
  private readonly buffers = new Map<number, BuildMessage[]>();
  private readonly finished = new Set<number>();
  private head = 0;

  constructor(private readonly order: readonly number[], private readonly emit: (m: BuildMessage) => void) {}

  write(channel: number, m: BuildMessage): void {
    if (this.order[this.head] === channel) { this.emit(m); return; }
    let b = this.buffers.get(channel);
    if (!b) { b = []; this.buffers.set(channel, b); }
    b.push(m);
  }

  /** The channel has no more messages; later ones may now flow. */
  done(channel: number): void {
    this.finished.add(channel);
    while (this.head < this.order.length && this.finished.has(this.order[this.head])) {
      this.head++;
      const next = this.order[this.head];
      if (next === undefined) break;
      for (const m of this.buffers.get(next) ?? []) this.emit(m);
      this.buffers.delete(next);
    }
  }

  /** Everything still held (after a failure: the other stages' lines so far), in order. */
  flush(): void {
    for (let i = this.head; i < this.order.length; i++) {
      for (const m of this.buffers.get(this.order[i]) ?? []) this.emit(m);
      this.buffers.delete(this.order[i]);
    }
    this.head = this.order.length;
  }
}

/** Docker's 12-character short ID (of "sha256:..." or a container ID). */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}
