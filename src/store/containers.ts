import type { Db } from './db';

/**
 * Container rows: the engine's persisted container document, keyed by ID, with the name
 * unique so that a clash is caught by the database even under concurrent creates.
 */
export const containersSchema = `
CREATE TABLE IF NOT EXISTS containers (
  id   TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  doc  TEXT NOT NULL
);`;

export interface ContainerRow { id: string; name: string; doc: string }

export class ContainersTable {
  private readonly upsert;
  private readonly del;
  private readonly all;

  constructor(private readonly db: Db) {
    this.upsert = db.prepare('INSERT INTO containers (id, name, doc) VALUES (?, ?, ?) ON CONFLICT(id) DO UPDATE SET name = excluded.name, doc = excluded.doc');
    this.del = db.prepare('DELETE FROM containers WHERE id = ?');
    this.all = db.prepare('SELECT id, name, doc FROM containers');
  }

  /** Inserts or updates; throws SQLITE_CONSTRAINT_UNIQUE when the name belongs to another row. */
  put(id: string, name: string, doc: unknown): void {
    this.upsert.run(id, name, JSON.stringify(doc));
  }

  delete(id: string): void {
    this.del.run(id);
  }

  list(): ContainerRow[] {
    return this.all.all() as ContainerRow[];
  }
}

export function isUniqueViolation(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}
