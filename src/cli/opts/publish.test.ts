import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePublish } from './publish';
import { parseMount, parseTmpfs, splitVolumes } from './mounts';

test('publish specs into ExposedPorts and PortBindings', () => {
  const r = parsePublish(['8080:80', '127.0.0.1::53/udp', '9000', '[::1]:7000:70'], ['7000-7001']);
  assert.deepEqual(Object.keys(r.exposed).sort(), ['53/udp', '70/tcp', '7000/tcp', '7001/tcp', '80/tcp', '9000/tcp']);
  assert.deepEqual(r.bindings['80/tcp'], [{ HostIp: '', HostPort: '8080' }]);
  assert.deepEqual(r.bindings['53/udp'], [{ HostIp: '127.0.0.1', HostPort: '' }]);
  assert.deepEqual(r.bindings['9000/tcp'], [{ HostIp: '', HostPort: '' }]);
  assert.deepEqual(r.bindings['70/tcp'], [{ HostIp: '::1', HostPort: '7000' }]);
});

test('publish ranges', () => {
  const r = parsePublish(['8000-8001:80-81']);
  assert.deepEqual(r.bindings['81/tcp'], [{ HostIp: '', HostPort: '8001' }]);
  assert.deepEqual(parsePublish(['8000-8010:80']).bindings['80/tcp'], [{ HostIp: '', HostPort: '8000-8010' }]);
  assert.throws(() => parsePublish(['8000-8002:80-81']), /invalid ranges/);
  assert.throws(() => parsePublish(['abc']), /invalid containerPort/);
  assert.throws(() => parsePublish(['1.2.3.999:1:1']), /invalid IP address/);
});

test('volumes, mounts, tmpfs', () => {
  assert.deepEqual(splitVolumes(['/data', '/a:/b:ro', 'named:/c']), { volumes: { '/data': {} }, binds: ['/a:/b:ro', 'named:/c'] });
  assert.deepEqual(parseMount('type=bind,src=/x,dst=/y,readonly'), { Type: 'bind', Source: '/x', Target: '/y', ReadOnly: true });
  assert.deepEqual(parseMount('type=tmpfs,target=/t,tmpfs-size=1024'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1024 } });
  assert.throws(() => parseMount('type=bind,dst=/y'), /source is required/);
  assert.throws(() => parseMount('src=/x'), /target is required/);
  assert.deepEqual(parseTmpfs(['/t:size=1m', '/u']), { '/t': 'size=1m', '/u': '' });
  // as the docker CLI: sources starting with "." are made absolute, sizes take units
  assert.deepEqual(splitVolumes(['./d:/x', '../u:/y:ro']).binds, [`${path.resolve('d')}:/x`, `${path.resolve('../u')}:/y:ro`]);
  assert.equal(parseMount('type=bind,src=./m,dst=/m').Source, path.resolve('m'));
  assert.deepEqual(parseMount('type=tmpfs,dst=/t,tmpfs-size=64m').TmpfsOptions, { SizeBytes: 64 * 1024 * 1024 });
  assert.deepEqual(parseMount('src=v,dst=/t,volume-opt=o=size=2m,volume-opt=type=tmpfs').VolumeOptions?.DriverConfig?.Options, { o: 'size=2m', type: 'tmpfs' });
});
