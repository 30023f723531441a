import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { contextTar, contextTarChunks } from './context-tar';

interface Entry { name: string; type: string; uid: number; gid: number; linkname: string | null; body: string; mode: number }

async function entries(tar: Buffer | Readable): Promise<Entry[]> {
  const stream = Buffer.isBuffer(tar) ? Readable.from([tar]) : tar;
  const out: Entry[] = [];
  const ex = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => {
      out.push({ name: h.name, type: h.type ?? 'file', uid: h.uid ?? -1, gid: h.gid ?? -1, linkname: h.linkname ?? null, body: Buffer.concat(chunks).toString(), mode: h.mode ?? 0 });
      next();
    });
  });
  stream.pipe(ex);
  await done;
  return out;
}

function context(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctx-'));
  for (const [name, body] of Object.entries(files)) {
    const p = path.join(dir, name);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (name.endsWith('/')) fs.mkdirSync(p, { recursive: true }); else fs.writeFileSync(p, body);
  }
  return dir;
}

test('context tar: lexical order, dirs with a slash, owners 0:0, ignore rules applied', async () => {
  const dir = context({
    'Dockerfile': 'FROM busybox\n',
    '.dockerignore': '*.md\n!README.md\nsecret/\nnode_modules\ndocs\n!docs/keep.txt\n',
    'README.md': 'r', 'NOTES.md': 'n', 'app/main.py': 'print(1)', 'app/x.md': 'x',
    'secret/key': 'k', 'node_modules/a/b.js': 'b', 'docs/keep.txt': 'keep', 'docs/drop.txt': 'drop',
  });
  try {
    const got = await entries(contextTar(dir));
    assert.deepEqual(got.map((e) => e.name), ['.dockerignore', 'Dockerfile', 'README.md', 'app/', 'app/main.py', 'app/x.md', 'docs/keep.txt']);
    assert.ok(got.every((e) => e.uid === 0 && e.gid === 0));
    assert.equal(got.find((e) => e.name === 'app/main.py')?.body, 'print(1)');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Dockerfile and .dockerignore are sent even when ignored', async () => {
  const dir = context({ 'Dockerfile.dev': 'FROM x', '.dockerignore': '*\n', 'other': 'o' });
  try {
    const got = await entries(contextTar(dir, { dockerfile: 'Dockerfile.dev' }));
    assert.deepEqual(got.map((e) => e.name), ['.dockerignore', 'Dockerfile.dev']);
    const stdin = await entries(contextTar(dir, { dockerfile: 'Dockerfile.dev', dockerfileFromStdin: true }));
    assert.deepEqual(stdin.map((e) => e.name), ['.dockerignore']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('symlinks are stored as links, never followed out of the context', async () => {
  const dir = context({ 'Dockerfile': 'FROM x', 'data/file': 'd' });
  fs.symlinkSync('/etc', path.join(dir, 'etc-link'));
  fs.symlinkSync('/etc/passwd', path.join(dir, 'passwd-link'));
  fs.symlinkSync('data', path.join(dir, 'data-link'));
  fs.linkSync(path.join(dir, 'data/file'), path.join(dir, 'hard'));
  try {
    const got = await entries(contextTar(dir));
    assert.deepEqual(got.map((e) => [e.name, e.type, e.linkname]), [
      ['Dockerfile', 'file', null],
      ['data/', 'directory', null],
      ['data/file', 'file', null],
      ['data-link', 'symlink', 'data'],
      ['etc-link', 'symlink', '/etc'],
      ['hard', 'link', 'data/file'],
      ['passwd-link', 'symlink', '/etc/passwd'],
    ]);
    assert.ok(!got.some((e) => e.name.startsWith('etc-link/')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('modes are kept', async () => {
  const dir = context({ 'Dockerfile': 'FROM x', 'run.sh': '#!/bin/sh' });
  fs.chmodSync(path.join(dir, 'run.sh'), 0o755);
  try {
    const got = await entries(contextTar(dir));
    assert.equal(got.find((e) => e.name === 'run.sh')?.mode, 0o755);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a Dockerfile from stdin or outside the context is added under its own name and listed in .dockerignore', async () => {
  const withIgnore = context({ 'Dockerfile': 'FROM inside', '.dockerignore': 'secret', 'secret': 's', 'a': 'a' });
  const without = context({ 'a': 'a' });
  try {
    const extraDockerfile = { name: '.dockerfile.0123456789abcdef0123', content: Buffer.from('FROM stdin\n') };
    const got = await entries(contextTar(withIgnore, { dockerfile: '-', dockerfileFromStdin: true, extraDockerfile }));
    assert.deepEqual(got.map((e) => [e.name, e.body]), [
      ['.dockerignore', 'secret\n.dockerfile.0123456789abcdef0123\n'],
      ['Dockerfile', 'FROM inside'],
      ['a', 'a'],
      ['.dockerfile.0123456789abcdef0123', 'FROM stdin\n'],
    ]);
    const bare = await entries(contextTar(without, { dockerfile: '-', dockerfileFromStdin: true, extraDockerfile }));
    assert.deepEqual(bare.map((e) => [e.name, e.body, e.mode]), [
      ['a', 'a', bare[0].mode],
      ['.dockerignore', '.dockerignore\n.dockerfile.0123456789abcdef0123\n', 0o600],
      ['.dockerfile.0123456789abcdef0123', 'FROM stdin\n', 0o600],
    ]);
  } finally {
    fs.rmSync(withIgnore, { recursive: true, force: true });
    fs.rmSync(without, { recursive: true, force: true });
  }
});

async function bytesOf(tar: Buffer | Readable): Promise<Buffer> {
  if (Buffer.isBuffer(tar)) return tar;
  const chunks: Buffer[] = [];
  for await (const c of tar) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('a context over the in-memory limit streams the same bytes; long names get PAX headers', async () => {
  const long = `${'d'.repeat(120)}/${'f'.repeat(130)}.txt`;
  const dir = context({ 'Dockerfile': 'FROM x', 'big.bin': 'b'.repeat(3 * 1024 * 1024 + 7), [long]: 'deep', 'z': 'last' });
  try {
    const whole = contextTar(dir);
    assert.ok(Buffer.isBuffer(whole));
    const streamed = contextTar(dir, {}, 1024);
    assert.ok(!Buffer.isBuffer(streamed));
    const [a, b] = [await bytesOf(whole), await bytesOf(streamed)];
    assert.equal(a.length % 512, 0);
    assert.ok(a.equals(b));
    const got = await entries(a);
    assert.deepEqual(got.map((e) => e.name), ['Dockerfile', 'big.bin', `${'d'.repeat(120)}/`, long, 'z']);
    assert.equal(got[1].body.length, 3 * 1024 * 1024 + 7);
    assert.equal(got[3].body, 'deep');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('walked lazily (as the daemon reads a local context) the tar is the same', () => {
  const dir = context({ 'Dockerfile': 'FROM x', '.dockerignore': 'skip\n', 'skip/a': 'a', 'keep/b': 'b', 'keep/c/d': 'd' });
  try {
    const upfront = Buffer.concat([...contextTarChunks(dir)]);
    const lazy = Buffer.concat([...contextTarChunks(dir, {}, true)]);
    assert.ok(upfront.equals(lazy));
    assert.ok(upfront.equals(contextTar(dir) as Buffer));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
