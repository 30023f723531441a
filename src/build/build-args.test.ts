import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildArgs } from './build-args';

test('declared ARGs take --build-arg values, else their default, else the meta value', () => {
  const b = new BuildArgs(new Map<string, string | null>([['A', 'cli'], ['U', 'unused'], ['N', null]]));
  b.addMetaArg('M', 'meta');
  const s = b.forStage();
  s.addArg('A', 'default');
  s.addArg('B', 'default');
  s.addArg('M', undefined);
  s.addArg('N', undefined);
  assert.deepEqual(Object.fromEntries(s.allAllowed()), { A: 'cli', B: 'default', M: 'meta' });
  assert.deepEqual(s.filterAllowed(['B=env']).sort(), ['A=cli', 'M=meta']);
  b.mergeReferenced(s);
  assert.equal(b.unusedWarning(), '[Warning] One or more build-args [U] were not consumed');
});

test('proxy args need no ARG but are hidden from history unless declared', () => {
  const b = new BuildArgs(new Map([['HTTP_PROXY', 'http://p'], ['no_proxy', 'x']]));
  const s = b.forStage();
  assert.deepEqual(Object.fromEntries(s.allAllowed()), { HTTP_PROXY: 'http://p', no_proxy: 'x' });
  assert.equal(s.isReferencedOrNotBuiltin('HTTP_PROXY'), false);
  s.addArg('HTTP_PROXY', undefined);
  assert.equal(s.isReferencedOrNotBuiltin('HTTP_PROXY'), true);
  assert.equal(b.unusedWarning(), null);
});
