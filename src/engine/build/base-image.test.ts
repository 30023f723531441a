import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authFor } from './base-image';

test('X-Registry-Config credentials are found by registry host; Docker Hub under any of its names', () => {
  const auths = {
    'https://index.docker.io/v1/': { username: 'hub' },
    'registry.example:5000': { username: 'ex' },
    'https://other.example/v2/': { username: 'other' },
  };
  assert.equal(authFor('busybox', auths)?.username, 'hub');
  assert.equal(authFor('docker.io/library/busybox:1', auths)?.username, 'hub');
  assert.equal(authFor('registry.example:5000/team/app:2', auths)?.username, 'ex');
  assert.equal(authFor('other.example/app', auths)?.username, 'other');
  assert.equal(authFor('registry.example/app', auths), undefined);
  assert.equal(authFor('busybox', undefined), undefined);
  assert.equal(authFor('Not A Ref', auths), undefined);
});
