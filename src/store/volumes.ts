import type { Db } from './db';

/** Volume rows: what `volume create` (or a mount naming a new volume) recorded. */
export const volumesSchema = `
CREATE TABLE IF NOT EXISTS volumes (
  name    TEXT PRIMARY KEY,
  driver  TEXT NOT NULL,
  labels  TEXT NOT NULL,
  options TEXT,
  created TEXT NOT NULL
);`;

export interface VolumeRow {
  name: string;
  driver: string;
  labels: Record<string, string>;
  /** null when none were given (Docker shows "Options": null then) */
  options: Record<string, string> | null;
  created: string;
}

interface RawRow { name: string; driver: string; labels: string; options: string | null; created: string }

function decode(r: RawRow): VolumeRow {
  return { name: r.name, driver: r.driver, labels: JSON.parse(r.labels) as Record<string, string>, options: r.options === null ? null : JSON.parse(r.options) as Record<string, string>, created: r.created };
}

export class VolumesTable {
  private readonly ins;
  private readonly del;
  private readonly one;
  private readonly all;

  constructor(db: Db) {
    this.ins = db.prepare('INSERT INTO volumes (name, driver, labels, options, created) VALUES (?, ?, ?, ?, ?)');
    this.del = db.prepare('DELETE FROM volumes WHERE name = ?');
    this.one = db.prepare('SELECT name, driver, labels, options, created FROM volumes WHERE name = ?');
    this.all = db.prepare('SELECT name, driver, labels, options, created FROM volumes ORDER BY name');
  }

  /** Throws SQLITE_CONSTRAINT_PRIMARYKEY when the name exists. */
  insert(v: VolumeRow): void {
    this.ins.run(v.name, v.driver, JSON.stringify(v.labels), v.options === null ? null : JSON.stringify(v.options), v.created);
  }

  delete(name: string): void {
    this.del.run(name);
  }

  get(name: string): VolumeRow | null {
    const r = this.one.get(name) as RawRow | undefined;
    return r ? decode(r) : null;
  }

  list(): VolumeRow[] {
    return (this.all.all() as RawRow[]).map(decode);
  }
}
