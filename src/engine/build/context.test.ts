import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { extractContext, readDockerfile } from './context';
import { MemoryContext } from './context-memory';

function tarOf(entries: { name: string; body?: string; type?: 'file' | 'symlink'; linkname?: string }[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    if (e.type === 'symlink') pack.entry({ name: e.name, type: 'symlink', linkname: e.linkname });
    else pack.entry({ name: e.name }, e.body ?? '');
  }
  pack.finalize();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
}

describe('build context', () => {
  it('reads the Dockerfile and drops it and .dockerignore when .dockerignore names them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    await extractContext(Readable.from([await tarOf([
      { name: 'build/Dockerfile.dev', body: 'FROM busybox\n' },
      { name: '.dockerignore', body: 'build\n.dockerignore\n' },
      { name: 'keep', body: 'k' },
    ])]), dir);
    assert.equal(await readDockerfile(dir, 'build/Dockerfile.dev'), 'FROM busybox\n');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['build', 'keep']);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'build')), []);
    await assert.rejects(readDockerfile(dir, 'nope'), /Cannot locate specified Dockerfile: nope/);
    fs.rmSync(dir, { recursive: true });
  });

  it('accepts a tar cut after the last entry\'s data, as the docker CLI sends it with -f -', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    const full = await tarOf([{ name: 'a', body: 'x'.repeat(600) }, { name: 'Dockerfile', body: 'FROM busybox\n' }]);
    // header + 2 blocks, header + 13 bytes of data: no padding, no end marker
    await extractContext(Readable.from([full.subarray(0, 512 * 3 + 512 + 13)]), dir);
    assert.equal(await readDockerfile(dir, ''), 'FROM busybox\n');
    assert.equal(fs.readFileSync(path.join(dir, 'a'), 'utf8'), 'x'.repeat(600));
    fs.rmSync(dir, { recursive: true });
  });

  it('refuses a tar cut inside an entry\'s data, in memory and on disk, instead of completing it with zeros', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    const full = await tarOf([{ name: 'Dockerfile', body: 'FROM busybox\nRUN echo one\nRUN echo two\n' }]);
    const cut = full.subarray(0, 512 + 20); // "FROM busybox\nRUN ec"
    assert.equal(await MemoryContext.parse(cut, dir), null);
    await assert.rejects(extractContext(Readable.from([cut]), dir), /failed to extract the build context: invalid tar stream: unexpected end of data/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('never reads a Dockerfile through a link out of the context, nor extracts entries out of it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
    await extractContext(Readable.from([await tarOf([{ name: 'Dockerfile', type: 'symlink', linkname: '/etc/hostname' }])]), path.join(dir, 'a'));
    await assert.rejects(readDockerfile(path.join(dir, 'a'), ''), /Cannot locate specified Dockerfile: Dockerfile/);
    await assert.rejects(extractContext(Readable.from([await tarOf([{ name: '../../outside', body: 'x' }])]), path.join(dir, 'b')), /failed to extract the build context/);
    assert.equal(fs.existsSync(path.join(dir, 'outside')), false);
    fs.rmSync(dir, { recursive: true });
  });
});
