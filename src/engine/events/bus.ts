import type { EventMessage } from '../../api-types';
import type { EventsTable } from '../../store';
import { nowNano } from '../../util/time';
import type { Filters } from '../backends';
import { matchesEventFilters } from './filters';

type Listener = (e: EventMessage) => void;

/**
 * Publishes engine events to live subscribers (GET /events) and keeps the recent ones in
 * berth.db so that `--since` works across daemon restarts.
 */
export class EventBus {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly table: EventsTable) {}

  get listenerCount(): number {
    return this.listeners.size;
  }

  publish(type: EventMessage['Type'], action: string, id: string, attributes: Record<string, string>): void {
    const ns = nowNano();
    const msg: EventMessage = {
      Type: type, Action: action, Actor: { ID: id, Attributes: attributes }, scope: 'local',
      time: Number(ns / 1_000_000_000n), timeNano: Number(ns),
    };
    if (type === 'container' || type === 'image') {
      // the legacy fields docker's event formatter still reads
      msg.status = action;
      msg.id = id;
      if (attributes.image) msg.from = attributes.image;
    }
    this.table.append(ns, msg);
    for (const l of this.listeners) l(msg);
  }

  /**
   * Past events in [since, until] (seconds, fractional allowed), then live ones until
   * `until` passes or `abort` fires.
   */
  async *stream(opts: { since?: number; until?: number; filters: Filters }, abort: AbortSignal): AsyncGenerator<EventMessage> {
    const now = Number(nowNano()) / 1e9;
    const until = opts.until && opts.until > 0 ? opts.until : Infinity;
    const queue: EventMessage[] = [];
    let wake: (() => void) | null = null;
    const listener: Listener = (e) => {
      queue.push(e);
      wake?.();
    };
    const live = until > now;
    if (live) this.listeners.add(listener);
    try {
      if (opts.since !== undefined) {
        const from = BigInt(Math.floor(opts.since * 1e9));
        const to = until === Infinity ? nowNano() : BigInt(Math.floor(until * 1e9));
        for (const e of this.table.between(from, to) as EventMessage[]) {
          if (matchesEventFilters(e, opts.filters)) yield e;
        }
      }
      if (!live) return;
      const timer = until === Infinity ? null : setTimeout(() => wake?.(), Math.max(0, (until - now) * 1000));
      try {
        while (!abort.aborted) {
          while (queue.length) {
            const e = queue.shift() as EventMessage;
            if (e.time > until) return;
            if (matchesEventFilters(e, opts.filters)) yield e;
          }
          if (Number(nowNano()) / 1e9 >= until) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
            abort.addEventListener('abort', () => resolve(), { once: true });
          });
          wake = null;
        }
      } finally {
        if (timer) clearTimeout(timer);
      }
    } finally {
      this.listeners.delete(listener);
    }
  }
}
