import type { Db } from './db';

/** The recent events, so that `events --since` reaches back across a daemon restart. */
export const eventsSchema = `
CREATE TABLE IF NOT EXISTS events (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  time_nano INTEGER NOT NULL,
  doc       TEXT NOT NULL
);`;

/** Events kept; older ones are dropped (dockerd keeps 256 in memory). */
const KEEP = 1024;

export class EventsTable {
  private readonly ins;
  private readonly range;
  private readonly trim;
  private added = 0;

  constructor(db: Db) {
    this.ins = db.prepare('INSERT INTO events (time_nano, doc) VALUES (?, ?)');
    this.range = db.prepare('SELECT doc FROM events WHERE time_nano >= ? AND time_nano <= ? ORDER BY seq');
    this.trim = db.prepare('DELETE FROM events WHERE seq <= (SELECT MAX(seq) FROM events) - ?');
  }

  append(timeNano: bigint, doc: unknown): void {
    this.ins.run(timeNano, JSON.stringify(doc));
    if (++this.added % 128 === 0) this.trim.run(KEEP);
  }

  between(fromNano: bigint, toNano: bigint): unknown[] {
    this.range.safeIntegers(true);
    return (this.range.all(fromNano, toNano) as { doc: string }[]).map((r) => JSON.parse(r.doc) as unknown);
  }
}
