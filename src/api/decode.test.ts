import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONTAINER_CREATE, checkShape } from './decode';

test('a field of the wrong JSON type is a 400 in Go\'s words', () => {
  assert.throws(() => checkShape({ Image: 42 }, CONTAINER_CREATE, 'ContainerConfigWrapper'), (e: Error & { status?: number }) => {
    assert.equal(e.status, 400);
    assert.equal(e.message, 'json: cannot unmarshal number into Go struct field ContainerConfigWrapper.Image of type string');
    return true;
  });
  assert.throws(() => checkShape({ Cmd: 'echo hi' }, CONTAINER_CREATE, 'C'), /unmarshal string into Go struct field C.Cmd of type \[\]string/);
  assert.throws(() => checkShape({ HostConfig: { Memory: '32m' } }, CONTAINER_CREATE, 'C'), /C.HostConfig.Memory of type int64/);
  assert.throws(() => checkShape({ HostConfig: { RestartPolicy: { Name: 1 } } }, CONTAINER_CREATE, 'C'), /C.HostConfig.RestartPolicy.Name/);
  assert.throws(() => checkShape({ Labels: { a: 1 } }, CONTAINER_CREATE, 'C'), /map\[string\]string/);
});

test('well-typed bodies, nulls and unknown fields pass', () => {
  checkShape({ Image: 'busybox', Cmd: ['true'], Env: null, Labels: { a: 'b' }, Unknown: 5, HostConfig: { Memory: 1024, Binds: null } }, CONTAINER_CREATE, 'C');
});
