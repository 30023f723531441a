import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  familiarize, familiarString, normalizeReference, parseAnyReference, parseNormalizedNamed, parseReference,
  referenceString, storageKey,
} from './reference';
import { InvalidParameterError } from './errors';

const hex = 'a'.repeat(64);

test('normalises familiar names as Docker does', () => {
  const cases: [string, string][] = [
    ['busybox', 'docker.io/library/busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest'],
    ['index.docker.io/busybox:x', 'docker.io/library/busybox:x'],
    ['user/app:1', 'docker.io/user/app:1'],
    ['user/app/sub', 'docker.io/user/app/sub:latest'],
    ['host:5000/a/b:tag', 'host:5000/a/b:tag'],
    ['localhost/foo', 'localhost/foo:latest'],
    ['localhost:5000/foo', 'localhost:5000/foo:latest'],
    ['127.0.0.1:5000/pepito/mi_app', '127.0.0.1:5000/pepito/mi_app:latest'],
    ['example.com/a__b/c-d--e.f', 'example.com/a__b/c-d--e.f:latest'],
    ['[::1]:5000/foo', '[::1]:5000/foo:latest'],
    [`name@sha256:${hex}`, `docker.io/library/name@sha256:${hex}`],
    [`name:tag@sha256:${hex}`, `docker.io/library/name@sha256:${hex}`],
    ['busybox:Latest_1.0-rc', 'docker.io/library/busybox:Latest_1.0-rc'],
  ];
  for (const [input, want] of cases) assert.equal(normalizeReference(input), want, input);
});

test('familiar form for display', () => {
  const cases: [string, string][] = [
    ['docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox', 'busybox'],
    ['docker.io/user/app:1', 'user/app:1'],
    ['docker.io/library/a/b:1', 'library/a/b:1'],
    ['127.0.0.1:5000/pepito/mi_app:latest', '127.0.0.1:5000/pepito/mi_app:latest'],
    [`docker.io/library/busybox@sha256:${hex}`, `busybox@sha256:${hex}`],
  ];
  for (const [input, want] of cases) assert.equal(familiarize(input), want, input);
});

test('parts of a parsed reference', () => {
  const r = parseNormalizedNamed('host:5000/a/b:tag');
  assert.deepEqual(r, { domain: 'host:5000', path: 'a/b', tag: 'tag' });
  assert.equal(referenceString(r), 'host:5000/a/b:tag');
  assert.equal(familiarString(parseNormalizedNamed('busybox')), 'busybox');
  assert.equal(storageKey(parseNormalizedNamed('busybox')), 'docker.io/library/busybox:latest');
  // an uppercase first component is a domain, as in Docker's splitDockerDomain
  assert.deepEqual(parseNormalizedNamed('FOO/bar'), { domain: 'FOO', path: 'bar' });
});

test('rejects invalid references with Docker wording', () => {
  const cases: [string, string][] = [
    ['Foo', 'invalid reference format: repository name (library/Foo) must be lowercase'],
    ['user/App:1', 'invalid reference format: repository name (user/App) must be lowercase'],
    ['', 'invalid reference format'],
    ['a:b:c', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busybox:-tag', 'invalid reference format'],
    ['busy box', 'invalid reference format'],
    ['a//b', 'invalid reference format'],
    ['a/b/', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    [`busybox@sha256:${'A'.repeat(64)}`, 'invalid checksum digest format'],
    [`busybox@sha256:${'a'.repeat(63)}0a`, 'invalid checksum digest length'],
    [`busybox@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    [hex, `invalid repository name (${hex}), cannot specify 64-byte hexadecimal strings`],
    [`busybox:${'t'.repeat(129)}`, 'invalid reference format'],
    [`${'a'.repeat(250)}/b`, 'invalid reference format: repository name must not be more than 255 characters'],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => parseNormalizedNamed(input), (e: unknown) => e instanceof InvalidParameterError && e.message === msg, input);
  }
  assert.throws(() => parseReference(''), /repository name must have at least one component/);
});

test('ParseAnyReference tells IDs and digests from names', () => {
  assert.deepEqual(parseAnyReference(hex), { kind: 'digest', digest: `sha256:${hex}` });
  assert.deepEqual(parseAnyReference(`sha256:${hex}`), { kind: 'digest', digest: `sha256:${hex}` });
  const short = parseAnyReference('abc123');
  assert.equal(short.kind, 'named');
  // "sha256:abc" is a name with tag abc, as Docker parses it
  const r = parseAnyReference('sha256:abc');
  assert.ok(r.kind === 'named' && r.ref.path === 'library/sha256' && r.ref.tag === 'abc');
});
