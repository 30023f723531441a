import { stmt, type Db } from './db';

/**
 * Images and the references (tags and digests) pointing at them.
 * `config` is the exact config JSON whose sha256 is the ID (also kept as a content blob);
 * chain_ids is a JSON array, bottom layer first. A reference is the normalised string
 * ("docker.io/library/busybox:latest" or "docker.io/library/busybox@sha256:...").
 */
export const imagesSchema = `
CREATE TABLE IF NOT EXISTS images (
  id            TEXT PRIMARY KEY,
  config        TEXT NOT NULL,
  chain_ids     TEXT NOT NULL,
  size          INTEGER NOT NULL,
  parent        TEXT NOT NULL DEFAULT '',
  created       TEXT NOT NULL,
  last_tag_time TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS image_refs (
  ref      TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id),
  created  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS image_refs_image ON image_refs(image_id);
`;

export interface ImageRow {
  id: string;
  config: string;
  chainIds: string[];
  size: number;
  parent: string;
  created: string;
  lastTagTime: string;
}

interface RawImage { id: string; config: string; chain_ids: string; size: number; parent: string; created: string; last_tag_time: string }

function toRow(r: RawImage): ImageRow {
  return { id: r.id, config: r.config, chainIds: JSON.parse(r.chain_ids) as string[], size: r.size, parent: r.parent, created: r.created, lastTagTime: r.last_tag_time };
}

export function getImage(db: Db, id: string): ImageRow | null {
  const r = stmt(db, 'SELECT * FROM images WHERE id = ?').get(id) as RawImage | undefined;
  return r ? toRow(r) : null;
}

export function listImages(db: Db): ImageRow[] {
  return (stmt(db, 'SELECT * FROM images ORDER BY created DESC, id').all() as RawImage[]).map(toRow);
}

/** IDs ("sha256:<hex>") starting with "sha256:<hexPrefix>"; at most `limit`. */
export function findImageIdsByPrefix(db: Db, hexPrefix: string, limit = 2): string[] {
  const like = `sha256:${hexPrefix.replace(/[^0-9a-f]/g, '')}%`;
  return (stmt(db, 'SELECT id FROM images WHERE id LIKE ? LIMIT ?').all(like, limit) as { id: string }[]).map((r) => r.id);
}

/** Inserts the image unless it exists; returns true when it was new. */
export function insertImage(db: Db, row: ImageRow): boolean {
  const r = stmt(db, 'INSERT OR IGNORE INTO images (id, config, chain_ids, size, parent, created, last_tag_time) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(row.id, row.config, JSON.stringify(row.chainIds), row.size, row.parent, row.created, row.lastTagTime);
  return r.changes === 1;
}

export function deleteImageRow(db: Db, id: string): void {
  db.transaction(() => {
    stmt(db, 'DELETE FROM image_refs WHERE image_id = ?').run(id);
    stmt(db, 'DELETE FROM images WHERE id = ?').run(id);
  })();
}

export function childImageIds(db: Db, id: string): string[] {
  return (stmt(db, 'SELECT id FROM images WHERE parent = ?').all(id) as { id: string }[]).map((r) => r.id);
}

export function setLastTagTime(db: Db, id: string, time: string): void {
  stmt(db, 'UPDATE images SET last_tag_time = ? WHERE id = ?').run(time, id);
}

export function getImageRef(db: Db, ref: string): string | null {
  const r = stmt(db, 'SELECT image_id FROM image_refs WHERE ref = ?').get(ref) as { image_id: string } | undefined;
  return r ? r.image_id : null;
}

/** References of one image, oldest first. */
export function refsOfImage(db: Db, imageId: string): string[] {
  return (stmt(db, 'SELECT ref FROM image_refs WHERE image_id = ? ORDER BY created, ref').all(imageId) as { ref: string }[]).map((r) => r.ref);
}

/** Points `ref` at `imageId` (moving it if it pointed elsewhere). */
export function setImageRef(db: Db, ref: string, imageId: string, created: string): void {
  stmt(db, 'INSERT INTO image_refs (ref, image_id, created) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET image_id = excluded.image_id, created = excluded.created')
    .run(ref, imageId, created);
}

export function deleteImageRef(db: Db, ref: string): boolean {
  return stmt(db, 'DELETE FROM image_refs WHERE ref = ?').run(ref).changes === 1;
}
