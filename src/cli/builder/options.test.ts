import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildArgMap, labelMap, validateBuildArg, validateExtraHost, validateTag } from './options';

test('--build-arg K takes K from the environment, or is sent without a value', () => {
  assert.deepEqual(buildArgMap(['A=1', 'B=', 'C', 'D'], { C: 'from-env' }), { A: '1', B: '', C: 'from-env', D: null });
  assert.throws(() => validateBuildArg('=x'), /^Error: invalid environment variable: =x$/);
  assert.deepEqual(labelMap(['a=b=c', 'k']), { a: 'b=c', k: '' });
});

test('tags and extra hosts are checked with docker\'s wording', () => {
  for (const ok of ['busybox', 'my-busybox:1.0', 'localhost:5000/a/b:c', 'REG.io/x', 'a@sha256:' + 'a'.repeat(64)]) validateTag(ok);
  assert.throws(() => validateTag('Foo'), /^Error: invalid reference format: repository name \(library\/Foo\) must be lowercase$/);
  assert.throws(() => validateTag('a:b:c'), /^Error: invalid reference format$/);
  assert.throws(() => validateTag('a'.repeat(64)), /cannot specify 64-byte hexadecimal strings/);
  validateExtraHost('h:1.2.3.4');
  validateExtraHost('h=::1');
  validateExtraHost('h:[::1]');
  validateExtraHost('h:host-gateway');
  assert.throws(() => validateExtraHost('h'), /^Error: bad format for add-host: "h"$/);
  assert.throws(() => validateExtraHost('h:nope'), /^Error: invalid IP address in add-host: "nope"$/);
});
