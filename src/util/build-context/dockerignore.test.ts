import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanPath, keepBuildFiles, PatternMatcher, readDockerignore } from './dockerignore';

test('readDockerignore drops comments and blanks, cleans paths, strips the leading slash', () => {
  const text = '\ufeff# comment\n\n  *.md  \n/abs/path\n./a/../b/\n! keep.md\n!/x\n #notacomment\n**/tmp\n';
  assert.deepEqual(readDockerignore(text), ['*.md', 'abs/path', 'b', '!keep.md', '!x', '#notacomment', '**/tmp']);
  assert.deepEqual(readDockerignore('/\n.\n'), ['/', '.']);
});

test('cleanPath is Go\'s path.Clean', () => {
  const cases: [string, string][] = [['', '.'], ['a/b/', 'a/b'], ['./a', 'a'], ['a/../..', '..'], ['/../a', '/a'], ['a//b/./c', 'a/b/c'], ['/', '/']];
  for (const [i, o] of cases) assert.equal(cleanPath(i), o, i);
});

// [patterns, path, excluded] — the documented .dockerignore examples and patternmatcher cases
const CASES: [string[], string, boolean][] = [
  [['*/temp*'], 'somedir/temporary.txt', true],
  [['*/temp*'], 'somedir/temp', true],
  [['*/temp*'], 'temp', false],
  [['*/temp*'], 'a/b/temp', false],
  [['*/*/temp*'], 'somedir/subdir/temporary.txt', true],
  [['temp?'], 'tempa', true],
  [['temp?'], 'temp', false],
  [['temp?'], 'tempab', false],
  [['**/*.go'], 'main.go', true],
  [['**/*.go'], 'a/b/c.go', true],
  [['**/*.go'], 'a/b/c.golang', false],
  [['**'], 'anything/at/all', true],
  [['dir/**'], 'dir/a/b', true],
  [['dir/**'], 'dirx', false],
  [['**/tmp'], 'tmp', true],
  [['**/tmp'], 'x/y/tmp', true],
  [['**/tmp'], 'x/y/tmp/file', true],
  [['a/**/b'], 'a/b', true],
  [['a/**/b'], 'a/x/y/b', true],
  [['a/**/b'], 'a/x/y/bc', false],
  [['*.md', '!README.md'], 'README.md', false],
  [['*.md', '!README.md'], 'CHANGES.md', true],
  [['*.md', '!README*.md', 'README-secret.md'], 'README-secret.md', true],
  [['*.md', '!README*.md', 'README-secret.md'], 'README-public.md', false],
  [['*.md', 'README-secret.md', '!README*.md'], 'README-secret.md', false],
  [['node_modules'], 'node_modules/x/y.js', true],
  [['node_modules'], 'a/node_modules', false],
  [['docs'], 'docs', true],
  [['docs', '!docs/keep'], 'docs/keep', false],
  [['docs', '!docs/keep'], 'docs/other', true],
  [['[a-c]*'], 'beta', true],
  [['[a-c]*'], 'delta', false],
  [['[^a]x'], 'bx', true],
  [['[^a]x'], 'ax', false],
  [['a\\*b'], 'a*b', true],
  [['a\\*b'], 'axb', false],
  [['file.txt'], 'fileXtxt', false],
  [['a+b(c)'], 'a+b(c)', true],
  [['*'], 'x/y', true],
  [['.git'], '.git/HEAD', true],
  [['./foo'], 'foo', true],
];

test('PatternMatcher.matches: Docker\'s cases', () => {
  for (const [patterns, p, want] of CASES) {
    assert.equal(new PatternMatcher(patterns).matches(p), want, `${JSON.stringify(patterns)} ${p}`);
  }
});

test('a lone ! is an error', () => {
  assert.throws(() => new PatternMatcher(['!']), { message: 'illegal exclusion pattern: "!"' });
});

test('matchesUsingParentResults agrees with matches during a walk', () => {
  const pm = new PatternMatcher(['docs', '!docs/keep', '**/*.log']);
  const docs = pm.matchesUsingParentResults('docs', null);
  assert.equal(docs.matched, true);
  assert.equal(pm.matchesUsingParentResults('docs/keep', docs.info).matched, false);
  assert.equal(pm.matchesUsingParentResults('docs/other', docs.info).matched, true);
  const src = pm.matchesUsingParentResults('src', null);
  assert.equal(pm.matchesUsingParentResults('src/a.log', src.info).matched, true);
  assert.equal(pm.matchesUsingParentResults('src/a.ts', src.info).matched, false);
});

test('the Dockerfile and .dockerignore are always sent', () => {
  assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile'), ['*', '!.dockerignore', '!Dockerfile']);
  assert.deepEqual(keepBuildFiles(['Dockerfile*', '.dockerignore'], 'build/Dockerfile.dev'), ['Dockerfile*', '.dockerignore', '!.dockerignore']);
  assert.deepEqual(keepBuildFiles(['build'], 'build/Dockerfile'), ['build', '!build/Dockerfile']);
  assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile', true), ['*', '!.dockerignore']);
  assert.deepEqual(keepBuildFiles(['*.md'], 'Dockerfile'), ['*.md']);
});
