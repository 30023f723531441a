import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { pathChecksum } from '../../build';
import { extractContext } from './context';
import { MemoryContext } from './context-memory';

type E = { name: string; body?: string; type?: 'file' | 'directory' | 'symlink'; mode?: number; uid?: number; gid?: number; linkname?: string };

async function tarOf(entries: E[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    const h = { name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o644, uid: e.uid ?? 0, gid: e.gid ?? 0, linkname: e.linkname };
    if (h.type === 'file') pack.entry(h, e.body ?? ''); else pack.entry(h);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const CONTEXT: E[] = [
  { name: 'Dockerfile', body: 'FROM busybox\n' },
  { name: 'a.txt', body: 'a\n', mode: 0o600, uid: 1000, gid: 100 },
  { name: 'run.sh', body: '#!/bin/sh\n', mode: 0o4755 },
  { name: 'src/', type: 'directory', mode: 0o750, uid: 5 },
  { name: 'src/b.txt', body: 'b'.repeat(3000) },
  { name: 'src/lib/', type: 'directory' },
  { name: 'src/lib/c.txt', body: '' },
  { name: 'src/Z.txt', body: 'z' },
];

describe('memory build context', () => {
  it('checksums sources as pathChecksum does over the extracted context', async (t) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'memctx-'));
    t.after(() => fs.rmSync(base, { recursive: true, force: true }));
    const tar = await tarOf(CONTEXT);
    const mem = await MemoryContext.parse(tar, path.join(base, 'mem'));
    assert.ok(mem);
    const disk = path.join(base, 'disk');
    await extractContext(Readable.from([tar]), disk);
    for (const [src, rel] of [['', ''], ['a.txt', 'a.txt'], ['run.sh', 'run.sh'], ['src', 'src'], ['src/', 'src'], ['src/lib/../b.txt', 'src/b.txt'], ['../src/lib', 'src/lib']]) {
      const got = mem.source(src);
      assert.ok(got, src);
      assert.equal(got.hash, await pathChecksum(disk, rel), src);
    }
    // left to the disk: wildcards, what is missing (the disk path has the error's wording)
    assert.equal(mem.source('*.txt'), null);
    assert.equal(mem.source('nope'), null);
  });

  it('applies .dockerignore to itself and the Dockerfile, in memory and when extracted', async (t) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'memctx-'));
    t.after(() => fs.rmSync(base, { recursive: true, force: true }));
    const dir = path.join(base, 'ctx');
    const mem = await MemoryContext.parse(await tarOf([...CONTEXT, { name: '.dockerignore', body: 'Dockerfile\n.dockerignore\n' }]), dir);
    assert.ok(mem);
    assert.equal(mem.readDockerfile(''), 'FROM busybox\n');
    assert.equal(mem.source('Dockerfile'), null);
    assert.equal(mem.source('.dockerignore'), null);
    await mem.extract();
    assert.deepEqual(fs.readdirSync(dir).sort(), ['a.txt', 'run.sh', 'src']);
    assert.equal(mem.source('')?.hash, await pathChecksum(dir, ''));
  });

  it('keeps only plain contexts: links or a directory without its own entry go to the disk', async () => {
    const dir = path.join(os.tmpdir(), 'memctx-unused');
    assert.equal(await MemoryContext.parse(await tarOf([{ name: 'l', type: 'symlink', linkname: '/etc' }]), dir), null);
    assert.equal(await MemoryContext.parse(await tarOf([{ name: 'd/f', body: 'x' }]), dir), null);
    assert.equal(await MemoryContext.parse(await tarOf([{ name: 'f', body: 'x' }, { name: 'f', body: 'y' }]), dir), null);
  });
});
