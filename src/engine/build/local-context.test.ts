import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { contextTar } from '../../util/build-context';
import { LocalContextUnusable, openLocalContext } from './local-context';

function tempContext(t: { after(fn: () => void): void }, files: number, size: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'localctx-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY . /x\n');
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'skipped\n');
  fs.writeFileSync(path.join(dir, 'skipped'), 'not sent');
  fs.mkdirSync(path.join(dir, 'src'));
  for (let i = 0; i < files; i++) fs.writeFileSync(path.join(dir, 'src', `f${i}`), Buffer.alloc(size, i));
  return dir;
}

function idOf(dir: string): string {
  const st = fs.statSync(dir);
  return `${st.dev}:${st.ino}`;
}

async function chunksOf(dir: string): Promise<{ chunks: Buffer[]; size: number }> {
  const local = openLocalContext(dir, idOf(dir), '');
  const chunks: Buffer[] = [];
  for await (const c of local.tar) chunks.push(c as Buffer);
  return { chunks, size: local.size() };
}

describe('local build context', () => {
  it('reads the very tar the client would send, in batches rather than a chunk per entry', async (t) => {
    const dir = tempContext(t, 40, 100);
    const { chunks, size } = await chunksOf(dir);
    const expected = contextTar(dir) as Buffer;
    // 40 files are 121 tar pieces; a batch goes out each 4 ms slice
    assert.ok(chunks.length < 10, `${chunks.length} chunks`);
    assert.equal(size, expected.length);
    assert.ok(Buffer.concat(chunks).equals(expected));
  });

  it('sends a large context in bounded batches', async (t) => {
    const dir = tempContext(t, 6, 512 * 1024);
    const { chunks, size } = await chunksOf(dir);
    assert.ok(chunks.length > 1, `${chunks.length} chunks`);
    for (const c of chunks) assert.ok(c.length <= 2 * 1024 * 1024, `a chunk of ${c.length} bytes`);
    assert.equal(size, (contextTar(dir) as Buffer).length);
  });

  it('refuses a directory that is not the one the client sees, or a relative path', (t) => {
    const dir = tempContext(t, 1, 1);
    assert.throws(() => openLocalContext(dir, '1:2', ''), LocalContextUnusable);
    assert.throws(() => openLocalContext('ctx', idOf(dir), ''), LocalContextUnusable);
  });
});
