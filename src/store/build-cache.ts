import type { Db } from './db';

/**
 * The classic builder's layer cache: a step's cache key (parent image + the step's probe
 * config, see build/cache-key.ts) → the image the step produced. Kept in the database so a
 * daemon restart keeps the cache; an entry whose image is gone is a miss (and is dropped).
 */
export const buildCacheSchema = `
CREATE TABLE IF NOT EXISTS build_cache (
  key       TEXT PRIMARY KEY,
  image_id  TEXT NOT NULL,
  parent_id TEXT NOT NULL,
  created   TEXT NOT NULL,
  last_used TEXT NOT NULL,
  uses      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS build_cache_image ON build_cache(image_id);
`;

export interface BuildCacheRow {
  key: string;
  imageId: string;
  parentId: string;
  created: string;
  lastUsed: string;
  uses: number;
}

interface RawRow { key: string; image_id: string; parent_id: string; created: string; last_used: string; uses: number }

const decode = (r: RawRow): BuildCacheRow => ({ key: r.key, imageId: r.image_id, parentId: r.parent_id, created: r.created, lastUsed: r.last_used, uses: r.uses });

export class BuildCacheTable {
  private readonly put;
  private readonly one;
  private readonly touchStmt;
  private readonly del;
  private readonly all;

  constructor(private readonly db: Db) {
    this.put = db.prepare(`INSERT INTO build_cache (key, image_id, parent_id, created, last_used, uses) VALUES (?, ?, ?, ?, ?, 0)
      ON CONFLICT(key) DO UPDATE SET image_id = excluded.image_id, parent_id = excluded.parent_id, last_used = excluded.last_used`);
    this.one = db.prepare('SELECT key, image_id, parent_id, created, last_used, uses FROM build_cache WHERE key = ?');
    this.touchStmt = db.prepare('UPDATE build_cache SET last_used = ?, uses = uses + 1 WHERE key = ?');
    this.del = db.prepare('DELETE FROM build_cache WHERE key = ?');
    this.all = db.prepare('SELECT key, image_id, parent_id, created, last_used, uses FROM build_cache ORDER BY created');
  }

  set(key: string, imageId: string, parentId: string, now = new Date().toISOString()): void {
    this.put.run(key, imageId, parentId, now, now);
  }

  get(key: string): BuildCacheRow | null {
    const r = this.one.get(key) as RawRow | undefined;
    return r ? decode(r) : null;
  }

  /** Marks a build's cache hits as used: one transaction (one fsync) for all of them. */
  touchMany(keys: Iterable<string>, now = new Date().toISOString()): void {
    this.db.transaction(() => { for (const k of keys) this.touchStmt.run(now, k); })();
  }

  delete(key: string): void {
    this.del.run(key);
  }

  list(): BuildCacheRow[] {
    return (this.all.all() as RawRow[]).map(decode);
  }
}
