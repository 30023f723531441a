import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_HOST, hostFromEnv, parseHost } from './endpoint';

test('BERTH_HOST wins over DOCKER_HOST, default socket otherwise', () => {
  assert.equal(hostFromEnv({ BERTH_HOST: 'unix:///a', DOCKER_HOST: 'unix:///b' }), 'unix:///a');
  assert.equal(hostFromEnv({ DOCKER_HOST: 'unix:///b' }), 'unix:///b');
  assert.equal(hostFromEnv({}), DEFAULT_HOST);
  assert.equal(DEFAULT_HOST, 'unix:///run/berth/berth.sock');
});

test('parses unix and tcp addresses', () => {
  assert.deepEqual(parseHost('unix:///run/x.sock'), { display: 'unix:///run/x.sock', socketPath: '/run/x.sock' });
  assert.deepEqual(parseHost('tcp://10.0.0.1:2376'), { display: 'tcp://10.0.0.1:2376', host: '10.0.0.1', port: 2376 });
  assert.deepEqual(parseHost('tcp://localhost'), { display: 'tcp://localhost:2375', host: 'localhost', port: 2375 });
  assert.equal(parseHost('/tmp/s.sock').socketPath, '/tmp/s.sock');
  assert.throws(() => parseHost('ssh://host'), /unsupported protocol/);
});
