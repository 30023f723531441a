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

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/**
 * The prepared statement for `sql` on `db`, prepared once: preparing costs more than running
 * a lookup by key (a cached build step resolves ~20 images, each two queries).
 */
export function stmt(db: Db, sql: string): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

/**
 * Runs `fn` in a transaction whose commit is not fsynced (synchronous=NORMAL under WAL: the
 * database stays consistent, the change may be lost to a machine crash), for bookkeeping
 * that costs a rebuild at worst, such as an image's last tag time when a build re-tags it.
 * The next durable commit on the connection syncs it along.
 */
export function relaxed<T>(db: Db, fn: () => T): T {
  db.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn)();
  } finally {
    db.pragma('synchronous = FULL');
  }
}
