import { stmt, type Db } from './db';

/**
 * Read-only layers (keyed by chain ID) and containers' read-write layers.
 * refcount counts images holding the layer, child layers built on it and read-write layers
 * on top of it; the layer store deletes a layer when it reaches zero. A row is inserted only
 * after the layer's directory is complete and renamed into place.
 */
export const layersSchema = `
CREATE TABLE IF NOT EXISTS layers (
  chain_id TEXT PRIMARY KEY,
  diff_id  TEXT NOT NULL,
  parent   TEXT REFERENCES layers(chain_id),
  size     INTEGER NOT NULL,
  link     TEXT NOT NULL UNIQUE,
  refcount INTEGER NOT NULL DEFAULT 0,
  created  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS layers_parent ON layers(parent);
CREATE TABLE IF NOT EXISTS rw_layers (
  container_id TEXT PRIMARY KEY,
  parent       TEXT REFERENCES layers(chain_id),
  created      TEXT NOT NULL
);
`;

export interface LayerRow {
  chainId: string;
  diffId: string;
  parent: string | null;
  size: number;
  /** short name of the layer's link under layers/l/, keeps overlay mount options short */
  link: string;
  refcount: number;
  created: string;
}

export interface RwLayerRow { containerId: string; parent: string | null; created: string }

interface RawLayer { chain_id: string; diff_id: string; parent: string | null; size: number; link: string; refcount: number; created: string }

function toRow(r: RawLayer): LayerRow {
  return { chainId: r.chain_id, diffId: r.diff_id, parent: r.parent, size: r.size, link: r.link, refcount: r.refcount, created: r.created };
}

export function getLayer(db: Db, chainId: string): LayerRow | null {
  const r = stmt(db, 'SELECT * FROM layers WHERE chain_id = ?').get(chainId) as RawLayer | undefined;
  return r ? toRow(r) : null;
}

export function listLayers(db: Db): LayerRow[] {
  return (stmt(db, 'SELECT * FROM layers').all() as RawLayer[]).map(toRow);
}

/** Inserts a new layer and takes a reference on its parent, in one transaction. */
export function insertLayer(db: Db, row: Omit<LayerRow, 'refcount'>): void {
  db.transaction(() => {
    stmt(db, 'INSERT INTO layers (chain_id, diff_id, parent, size, link, refcount, created) VALUES (?, ?, ?, ?, ?, 0, ?)')
      .run(row.chainId, row.diffId, row.parent, row.size, row.link, row.created);
    if (row.parent) stmt(db, 'UPDATE layers SET refcount = refcount + 1 WHERE chain_id = ?').run(row.parent);
  })();
}

/** Adds `delta` to a layer's refcount; returns the new count (null when no such layer). */
export function addLayerRef(db: Db, chainId: string, delta: number): number | null {
  const r = stmt(db, 'UPDATE layers SET refcount = MAX(refcount + ?, 0) WHERE chain_id = ? RETURNING refcount').get(delta, chainId) as { refcount: number } | undefined;
  return r ? r.refcount : null;
}

/**
 * Deletes an unreferenced layer's row and drops the reference it held on its parent.
 * Returns the parent when that reached zero (the caller deletes it next), else null.
 */
export function deleteLayerRow(db: Db, chainId: string): { deleted: boolean; parentToDelete: string | null } {
  return db.transaction(() => {
    const row = getLayer(db, chainId);
    if (!row || row.refcount > 0) return { deleted: false, parentToDelete: null };
    stmt(db, 'DELETE FROM layers WHERE chain_id = ?').run(chainId);
    if (!row.parent) return { deleted: true, parentToDelete: null };
    const left = addLayerRef(db, row.parent, -1);
    return { deleted: true, parentToDelete: left === 0 ? row.parent : null };
  })();
}

export function getRwLayer(db: Db, containerId: string): RwLayerRow | null {
  const r = stmt(db, 'SELECT * FROM rw_layers WHERE container_id = ?').get(containerId) as { container_id: string; parent: string | null; created: string } | undefined;
  return r ? { containerId: r.container_id, parent: r.parent, created: r.created } : null;
}

export function listRwLayers(db: Db): RwLayerRow[] {
  return (stmt(db, 'SELECT * FROM rw_layers').all() as { container_id: string; parent: string | null; created: string }[])
    .map((r) => ({ containerId: r.container_id, parent: r.parent, created: r.created }));
}

/** Records a read-write layer and takes a reference on its parent layer. */
export function insertRwLayer(db: Db, row: RwLayerRow): void {
  db.transaction(() => {
    stmt(db, 'INSERT INTO rw_layers (container_id, parent, created) VALUES (?, ?, ?)').run(row.containerId, row.parent, row.created);
    if (row.parent) stmt(db, 'UPDATE layers SET refcount = refcount + 1 WHERE chain_id = ?').run(row.parent);
  })();
}

/** Removes a read-write layer's row; returns its parent if that is now unreferenced. */
export function deleteRwLayer(db: Db, containerId: string): { parentToDelete: string | null } {
  return db.transaction(() => {
    const row = getRwLayer(db, containerId);
    if (!row) return { parentToDelete: null };
    stmt(db, 'DELETE FROM rw_layers WHERE container_id = ?').run(containerId);
    if (!row.parent) return { parentToDelete: null };
    return { parentToDelete: addLayerRef(db, row.parent, -1) === 0 ? row.parent : null };
  })();
}
