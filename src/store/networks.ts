import type { Db } from './db';

/** Network rows: the engine's network document, keyed by ID, the name unique. */
export const networksSchema = `
CREATE TABLE IF NOT EXISTS networks (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  doc  TEXT NOT NULL
);`;

export interface NetworkRow { id: string; name: string; doc: string }

export class NetworksTable {
  private readonly upsert;
  private readonly del;
  private readonly all;

  constructor(db: Db) {
    this.upsert = db.prepare('INSERT INTO networks (id, name, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, doc = excluded.doc');
    this.del = db.prepare('DELETE FROM networks WHERE id = ?');
    this.all = db.prepare('SELECT id, name, doc FROM networks');
  }

  /** Inserts or updates; throws SQLITE_CONSTRAINT_UNIQUE when the name belongs to another row. */
  put(id: string, name: string, doc: unknown): void {
    this.upsert.run(id, name, JSON.stringify(doc));
  }

  delete(id: string): void {
    this.del.run(id);
  }

  list(): NetworkRow[] {
    return this.all.all() as NetworkRow[];
  }
}
