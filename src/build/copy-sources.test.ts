import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containsWildcards, destFor, goMatch, normalizeDest, resolveCopySources } from './copy-sources';

function ctx(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cps-'));
  for (const [n, b] of Object.entries({ 'a.txt': 'a', 'b.txt': 'b', 'c.md': 'c', 'app/main.py': 'm', 'app/sub/x.py': 'x' })) {
    fs.mkdirSync(path.dirname(path.join(dir, n)), { recursive: true });
    fs.writeFileSync(path.join(dir, n), b);
  }
  fs.symlinkSync('/etc', path.join(dir, 'host-etc'));
  fs.symlinkSync('loop', path.join(dir, 'loop'));
  fs.symlinkSync('a.txt', path.join(dir, 'alias'));
  return dir;
}

test('filepath.Match and wildcard detection', () => {
  const cases: [string, string, boolean][] = [
    ['*.txt', 'a.txt', true], ['*.txt', 'app/a.txt', false], ['app/*.py', 'app/main.py', true],
    ['?.md', 'c.md', true], ['[ab].txt', 'b.txt', true], ['[^ab].txt', 'b.txt', false], ['[a-c].md', 'c.md', true],
    ['a\\*', 'a*', true], ['a\\*', 'ab', false], ['*', 'x/y', false],
  ];
  for (const [p, n, want] of cases) assert.equal(goMatch(p, n), want, `${p} ${n}`);
  assert.throws(() => goMatch('[a', 'a'), /syntax error in pattern/);
  assert.equal(containsWildcards('a\\*b'), false);
  assert.equal(containsWildcards('a[0-9]'), true);
});

test('sources: files, directories, globs, leading / and ./', async () => {
  const dir = ctx();
  try {
    const r = await resolveCopySources(dir, ['*.txt', './app', '/c.md'], '/dst/', { cmdName: 'COPY', fromContext: true });
    assert.deepEqual(r.sources.map((s) => [s.rel, s.isDir]), [['a.txt', false], ['b.txt', false], ['app', true], ['c.md', false]]);
    assert.match(r.sourceHash, /^multi:/);
    assert.match(r.sources[0].hash, /^file:/);
    assert.match(r.sources[2].hash, /^dir:/);
    const single = await resolveCopySources(dir, ['a.txt'], 'x', { cmdName: 'COPY', fromContext: true });
    assert.equal(single.sourceHash, single.sources[0].hash);
    // a link to a file in the context is followed, as the content of that file
    const alias = await resolveCopySources(dir, ['alias'], 'x', { cmdName: 'COPY', fromContext: true });
    assert.equal(alias.sourceHash, single.sourceHash);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a link pointing out of the context is resolved inside it', async () => {
  const dir = ctx();
  try {
    await assert.rejects(resolveCopySources(dir, ['host-etc/passwd'], '/x', { cmdName: 'COPY', fromContext: true }),
      { message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat host-etc/passwd: file does not exist' });
    await assert.rejects(resolveCopySources(dir, ['loop'], '/x', { cmdName: 'COPY', fromContext: true }),
      { message: 'COPY failed: too many levels of symbolic links: loop' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('errors: missing file, empty glob, several sources into a file', async () => {
  const dir = ctx();
  try {
    await assert.rejects(resolveCopySources(dir, ['missing.txt'], '/x', { cmdName: 'COPY', fromContext: true }),
      { message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist', status: 400 } as object);
    await assert.rejects(resolveCopySources(dir, ['missing.txt'], '/x', { cmdName: 'COPY', fromContext: false }),
      { message: 'COPY failed: stat missing.txt: file does not exist' });
    await assert.rejects(resolveCopySources(dir, ['*.nope'], '/x', { cmdName: 'ADD', fromContext: true }), { message: 'ADD failed: no source files were specified' });
    await assert.rejects(resolveCopySources(dir, ['*.txt'], '/x', { cmdName: 'COPY', fromContext: true }),
      { message: 'When using COPY with more than one source file, the destination must be a directory and end with a /' });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('destination rules', () => {
  assert.equal(normalizeDest('/app', 'x'), '/app/x');
  assert.equal(normalizeDest('/app', 'x/'), '/app/x/');
  assert.equal(normalizeDest('', '.'), '/');
  assert.equal(normalizeDest('/app', '.'), '/app');
  assert.equal(normalizeDest('/app', '/abs'), '/abs');
  assert.deepEqual(destFor({ rel: 'app', isDir: true }, '/dst/', false), { path: '/dst', contents: true });
  assert.deepEqual(destFor({ rel: 'a/b.txt', isDir: false }, '/dst/', false), { path: '/dst/b.txt', contents: false });
  assert.deepEqual(destFor({ rel: 'b.txt', isDir: false }, '/dst', true), { path: '/dst/b.txt', contents: false });
  assert.deepEqual(destFor({ rel: 'b.txt', isDir: false }, '/dst', false), { path: '/dst', contents: false });
});
