import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exposedPortKeys } from './ports';

test('EXPOSE specs become ExposedPorts keys', () => {
  assert.deepEqual(exposedPortKeys(['80', '443/tcp', '53/UDP', '7000-7002/sctp', '80']), ['80/tcp', '443/tcp', '53/udp', '7000/sctp', '7001/sctp', '7002/sctp']);
  assert.deepEqual(exposedPortKeys(['127.0.0.1:8080:80']), ['80/tcp']);
  assert.throws(() => exposedPortKeys(['/tcp']), { message: 'no port specified: /tcp<empty>' });
  assert.throws(() => exposedPortKeys(['80/foo']), { message: 'invalid proto: foo' });
  assert.throws(() => exposedPortKeys(['70000']), { message: 'invalid containerPort: 70000' });
  assert.throws(() => exposedPortKeys(['9-1']), { message: 'invalid containerPort: 9-1' });
});
