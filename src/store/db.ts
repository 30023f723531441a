import Database from 'better-sqlite3';

export type Db = Database.Database;

/**
 * Opens berth.db in WAL mode. Each table module (containers.ts, images.ts, ...) exports its
 * own `schema` (idempotent CREATE ... IF NOT EXISTS statements); all are applied at open.
 * synchronous=FULL: a committed transaction survives a machine crash, which the engine's
 * "files first, then the row" ordering relies on. The event log opts out: it is history, and
 * fsyncing each event would double the cost of `run`.
 */
export function openDatabase(file: string, schemas: string[], opts: { durable?: boolean } = {}): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // a non-durable connection (the event log) may lose its last writes to a machine crash
  db.pragma(opts.durable === false ? 'synchronous = OFF' : 'synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  for (const sql of schemas) db.exec(sql);
  return db;
}
