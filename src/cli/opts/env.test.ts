import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEnv, buildLabels, parseLineFile, resolveEnv } from './env';

test('env file skips comments and blanks, keeps values verbatim', () => {
  assert.deepEqual(parseLineFile('# c\n\nA=1\n  B=x y\r\nC\n', 'f'), ['A=1', 'B=x y', 'C']);
  assert.throws(() => parseLineFile('BAD NAME=1', 'f'), /contains whitespaces/);
});

test('bare names come from the environment or are dropped', () => {
  assert.deepEqual(resolveEnv(['A=1', 'HOME', 'UNSET_X'], { HOME: '/root' }), ['A=1', 'HOME=/root']);
  assert.throws(() => resolveEnv(['=x'], {}), /invalid environment variable/);
});

test('files first, then flags', () => {
  assert.deepEqual(buildEnv(['B=2'], ['f'], () => 'A=1\n', {}), ['A=1', 'B=2']);
});

test('labels: key=value and bare key', () => {
  assert.deepEqual(buildLabels(['a=b', 'c', 'd=e=f'], ['lf'], () => 'x=y\n'), { x: 'y', a: 'b', c: '', 'd': 'e=f' });
});
