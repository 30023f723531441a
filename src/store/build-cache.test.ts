import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildCacheTable, buildCacheSchema } from './build-cache';
import { openDatabase } from './db';

describe('build cache table', () => {
  it('keeps entries across a reopen, counts uses, deletes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-'));
    const file = path.join(dir, 'berth.db');
    let db = openDatabase(file, [buildCacheSchema]);
    new BuildCacheTable(db).set('k1', 'sha256:img', 'sha256:parent', '2026-01-01T00:00:00.000Z');
    db.close();
    db = openDatabase(file, [buildCacheSchema]);
    const t = new BuildCacheTable(db);
    assert.equal(t.get('k1')?.imageId, 'sha256:img');
    t.touchMany(['k1'], '2026-01-02T00:00:00.000Z');
    assert.deepEqual(t.get('k1'), { key: 'k1', imageId: 'sha256:img', parentId: 'sha256:parent', created: '2026-01-01T00:00:00.000Z', lastUsed: '2026-01-02T00:00:00.000Z', uses: 1 });
    t.set('k1', 'sha256:other', 'sha256:parent');
    assert.equal(t.get('k1')?.imageId, 'sha256:other');
    assert.equal(t.list().length, 1);
    t.delete('k1');
    assert.equal(t.get('k1'), null);
    db.close();
    fs.rmSync(dir, { recursive: true });
  });
});
