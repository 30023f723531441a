import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { canonicalReference, registryDomain, splitReference } from './reference';

describe('cli registry references', () => {
  it('finds the registry of a name as Docker does', () => {
    assert.equal(registryDomain('busybox'), 'docker.io');
    assert.equal(registryDomain('user/app'), 'docker.io');
    assert.equal(registryDomain('127.0.0.1:5000/pepito/mi_app'), '127.0.0.1:5000');
    assert.equal(registryDomain('localhost/app'), 'localhost');
    assert.equal(registryDomain('ghcr.io/a/b'), 'ghcr.io');
  });
  it('splits tags and digests, and prints the canonical reference', () => {
    assert.deepEqual(splitReference('127.0.0.1:5000/a:1'), { name: '127.0.0.1:5000/a', tag: '1' });
    assert.deepEqual(splitReference('127.0.0.1:5000/a'), { name: '127.0.0.1:5000/a' });
    assert.equal(canonicalReference('busybox'), 'docker.io/library/busybox:latest');
    assert.equal(canonicalReference('127.0.0.1:5000/pepito/mi_app:v1'), '127.0.0.1:5000/pepito/mi_app:v1');
  });
});
