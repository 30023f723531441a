import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readTextInRoot, resolveInRoot, scopedJoin, splitPathDirEntry } from './scoped-path';

function tree(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'x');
  fs.symlinkSync('/', path.join(root, 'escape'));
  fs.symlinkSync('../../../../..', path.join(root, 'up'));
  fs.symlinkSync('/etc', path.join(root, 'etclink'));
  fs.symlinkSync('loop2', path.join(root, 'loop1'));
  fs.symlinkSync('loop1', path.join(root, 'loop2'));
  fs.symlinkSync('passwd', path.join(root, 'etc', 'rel'));
  return root;
}

test('scopedJoin resolves links to / and ../.. inside the root', () => {
  const root = tree();
  try {
    assert.equal(scopedJoin(root, '/escape/etc/shadow'), path.join(root, 'etc', 'shadow'));
    assert.equal(scopedJoin(root, 'up/tmp/x'), path.join(root, 'tmp', 'x'));
    assert.equal(scopedJoin(root, '/../../etc/passwd'), path.join(root, 'etc', 'passwd'));
    assert.equal(scopedJoin(root, '/etclink/rel'), path.join(root, 'etc', 'passwd'));
    assert.equal(scopedJoin(root, '/escape'), root);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('scopedJoin refuses link loops', () => {
  const root = tree();
  try {
    assert.throws(() => scopedJoin(root, '/loop1/x'), /too many levels of symbolic links/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('resolveInRoot follows the directory part only and keeps "/" and "/."', () => {
  const root = tree();
  try {
    assert.deepEqual(resolveInRoot(root, '/escape'), { hostPath: path.join(root, 'escape'), absPath: '/escape' });
    assert.deepEqual(resolveInRoot(root, 'etclink/passwd'), { hostPath: path.join(root, 'etc', 'passwd'), absPath: '/etclink/passwd' });
    assert.equal(resolveInRoot(root, '/etc/.').hostPath, `${path.join(root, 'etc')}/.`);
    assert.equal(resolveInRoot(root, '/etc/').hostPath, `${path.join(root, 'etc')}/`);
    assert.equal(resolveInRoot(root, '/escape/escape/etc/passwd').hostPath, path.join(root, 'etc', 'passwd'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('splitPathDirEntry as moby splits copy paths', () => {
  assert.deepEqual(splitPathDirEntry('/a/b/.'), { dir: '/a/b', base: '.' });
  assert.deepEqual(splitPathDirEntry('/a/b/'), { dir: '/a', base: 'b' });
  assert.deepEqual(splitPathDirEntry('/a/b'), { dir: '/a', base: 'b' });
  assert.deepEqual(splitPathDirEntry('/'), { dir: '/', base: '/' });
});

test('readTextInRoot reads a regular file within root; a FIFO, a loop or an oversized file is null', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'scoped-read-'));
  try {
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc', 'passwd'), 'root:x:0:0::/root:/bin/sh\n');
    fs.symlinkSync('/etc/passwd', path.join(root, 'link'));
    fs.symlinkSync('loop', path.join(root, 'loop'));
    execFileSync('mkfifo', [path.join(root, 'etc', 'group')]);
    assert.equal(readTextInRoot(root, '/link'), 'root:x:0:0::/root:/bin/sh\n');
    assert.equal(readTextInRoot(root, '/etc/passwd', 10), null);
    assert.equal(readTextInRoot(root, '/loop'), null);
    assert.equal(readTextInRoot(root, '/missing'), null);
    // the FIFO is read in a child: a read that waits for a writer must fail this test, not hang it
    const script = `process.stdout.write(String(require(${JSON.stringify(path.join(__dirname, 'scoped-path.js'))}).readTextInRoot(${JSON.stringify(root)}, '/etc/group')))`;
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 10_000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'reading the FIFO blocked');
    assert.equal(r.stdout, 'null', r.stderr);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

