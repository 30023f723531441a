import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { extractTar } from './tar-extract';
import { packTree } from './tar-pack';

type Entry = Partial<tarStream.Header> & { name: string; body?: string };

async function tarOf(entries: Entry[]): Promise<Readable> {
  const pack = tarStream.pack();
  for (const e of entries) {
    const { body, ...h } = e;
    pack.entry({ mode: 0o644, ...h, size: body?.length ?? 0 }, body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Readable.from([Buffer.concat(chunks)]);
}

function sandbox(): { root: string; dest: string; outside: string; done: () => void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'extract-'));
  const root = path.join(base, 'root');
  const dest = path.join(root, 'tmp');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(dest, { recursive: true });
  fs.mkdirSync(outside);
  return { root, dest, outside, done: () => fs.rmSync(base, { recursive: true, force: true }) };
}

test('../ names and hard links leaving the destination are refused', async () => {
  const s = sandbox();
  try {
    await assert.rejects(extractTar(await tarOf([{ name: '../../outside/x', body: 'no' }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true }), /path escapes/);
    await assert.rejects(extractTar(await tarOf([{ name: 'h', type: 'link', linkname: '../../outside/secret' }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true }), /path escapes/);
    await assert.rejects(extractTar(await tarOf([{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 1 }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true }), /device nodes/);
    assert.deepEqual(fs.readdirSync(s.outside), []);
  } finally {
    s.done();
  }
});

test('absolute names and symlinked parents are re-rooted inside the scope', async () => {
  const s = sandbox();
  try {
    const tar = await tarOf([
      { name: `/${s.outside.slice(1)}/abs`, body: 'a' },
      { name: 'out', type: 'symlink', linkname: s.outside },
      { name: 'out/through', body: 'b' },
    ]);
    await extractTar(tar, s.dest, { scope: s.root, noOverwriteDirNonDir: true });
    assert.deepEqual(fs.readdirSync(s.outside), [], 'nothing outside');
    assert.equal(fs.readFileSync(path.join(s.dest, s.outside, 'abs'), 'utf8'), 'a');
    assert.equal(fs.readFileSync(path.join(s.root, s.outside, 'through'), 'utf8'), 'b');
  } finally {
    s.done();
  }
});

test('noOverwriteDirNonDir refuses to replace a directory by a file', async () => {
  const s = sandbox();
  try {
    fs.mkdirSync(path.join(s.dest, 'd'));
    await assert.rejects(extractTar(await tarOf([{ name: 'd', body: 'x' }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true }), /cannot overwrite directory/);
    await extractTar(await tarOf([{ name: 'f', body: 'one' }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true });
    await extractTar(await tarOf([{ name: 'f', body: 'two' }]), s.dest, { scope: s.root, noOverwriteDirNonDir: true });
    assert.equal(fs.readFileSync(path.join(s.dest, 'f'), 'utf8'), 'two', 'a file replaces a file');
  } finally {
    s.done();
  }
});

test('without noOverwriteDirNonDir a directory replaces a file and a file a directory', async () => {
  const s = sandbox();
  try {
    fs.writeFileSync(path.join(s.dest, 'was-file'), 'x');
    fs.mkdirSync(path.join(s.dest, 'was-dir'));
    fs.writeFileSync(path.join(s.dest, 'was-dir', 'child'), 'y');
    await extractTar(await tarOf([
      { name: 'was-file/', type: 'directory', mode: 0o755 },
      { name: 'was-file/inside', body: 'in' },
      { name: 'was-dir', body: 'a file now' },
    ]), s.dest, { scope: s.root, noOverwriteDirNonDir: false });
    assert.equal(fs.readFileSync(path.join(s.dest, 'was-file', 'inside'), 'utf8'), 'in');
    assert.equal(fs.readFileSync(path.join(s.dest, 'was-dir'), 'utf8'), 'a file now');
  } finally {
    s.done();
  }
});

test('packTree then extractTar round-trips files, links and hard links with renaming', async () => {
  const s = sandbox();
  try {
    const src = path.join(s.outside, 'src');
    fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(src, 'sub', 'a'), 'hello');
    fs.linkSync(path.join(src, 'sub', 'a'), path.join(src, 'hard'));
    fs.symlinkSync('/etc', path.join(src, 'link'));
    await extractTar(packTree(src, { name: 'src' }), s.dest, { scope: s.root, noOverwriteDirNonDir: true, rename: (n) => n.replace('src', 'copy') });
    assert.equal(fs.readFileSync(path.join(s.dest, 'copy', 'sub', 'a'), 'utf8'), 'hello');
    assert.equal(fs.statSync(path.join(s.dest, 'copy', 'hard')).ino, fs.statSync(path.join(s.dest, 'copy', 'sub', 'a')).ino);
    assert.equal(fs.readlinkSync(path.join(s.dest, 'copy', 'link')), '/etc');
  } finally {
    s.done();
  }
});
