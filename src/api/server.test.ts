import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerCreateRequest } from '../api-types';
import { ConflictError, NotFoundError, NotModifiedError } from '../util/errors';
import { compareApiVersions, splitRequestUrl } from './server';
import { RawClient, fakeBackends, request, startTestServer, FAKE_VERSION } from './test-support';

test('version comparison and URL splitting', () => {
  assert.equal(compareApiVersions('1.9', '1.12'), -1);
  assert.equal(compareApiVersions('1.41', '1.41'), 0);
  assert.equal(compareApiVersions('1.50', '1.41'), 1);
  const s = splitRequestUrl('/v1.41/containers/json?all=1');
  assert.equal(s.version, '1.41');
  assert.equal(s.path, '/containers/json');
  assert.equal(s.query.get('all'), '1');
  assert.equal(splitRequestUrl('/_ping').version, null);
});

test('/_ping GET and HEAD with dockerd headers and no BuildKit advertising', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  for (const p of ['/_ping', '/v1.41/_ping', '/v1.24/_ping']) {
    const r = await request(srv.socketPath, 'GET', p);
    assert.equal(r.status, 200, p);
    assert.equal(r.body.toString(), 'OK');
    assert.match(String(r.headers['content-type']), /^text\/plain/);
    assert.equal(r.headers['api-version'], '1.41');
    assert.equal(r.headers['docker-experimental'], 'false');
    assert.equal(r.headers['ostype'], 'linux');
    assert.equal(r.headers['server'], 'Berth/0.1.0 (linux)');
    assert.equal(r.headers['cache-control'], 'no-cache, no-store, must-revalidate');
    assert.equal(r.headers['pragma'], 'no-cache');
    assert.equal(r.headers['builder-version'], undefined);
  }
  const h = await request(srv.socketPath, 'HEAD', '/_ping');
  assert.equal(h.status, 200);
  assert.equal(h.body.length, 0);
  assert.equal(h.headers['api-version'], '1.41');
  assert.equal(h.headers['content-length'], '0');
});

test('paths answer with and without the version prefix; newer versions are refused', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  for (const p of ['/version', '/v1.41/version', '/v1.12/version']) {
    const r = await request(srv.socketPath, 'GET', p);
    assert.equal(r.status, 200, p);
    assert.deepEqual(JSON.parse(r.body.toString()), FAKE_VERSION);
    assert.equal(r.headers['content-type'], 'application/json');
  }
  const tooNew = await request(srv.socketPath, 'GET', '/v1.45/version');
  assert.equal(tooNew.status, 400);
  assert.deepEqual(JSON.parse(tooNew.body.toString()), { message: 'client version 1.45 is too new. Maximum supported API version is 1.41' });
  assert.equal(tooNew.headers['api-version'], '1.41');
  const tooOld = await request(srv.socketPath, 'GET', '/v1.11/version');
  assert.equal(tooOld.status, 400);
  assert.match(JSON.parse(tooOld.body.toString()).message, /client version 1.11 is too old. Minimum supported API version is 1.12/);
});

test('unknown routes and methods are 404 page not found', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  for (const [m, p] of [['GET', '/nope'], ['GET', '/v1.41/nope'], ['PUT', '/containers/json'], ['GET', '/images/foo/frobnicate']]) {
    const r = await request(srv.socketPath, m, p);
    assert.equal(r.status, 404, `${m} ${p}`);
    assert.deepEqual(JSON.parse(r.body.toString()), { message: 'page not found' });
    assert.equal(r.headers['api-version'], '1.41');
  }
});

test('typed errors map to their status and {"message"}; unknown ones to 500', async (t) => {
  const srv = await startTestServer(fakeBackends({
    containers: {
      remove: async () => { throw new ConflictError('You cannot remove a running container abc. Stop the container before attempting removal or force remove'); },
      start: async () => { throw new NotModifiedError(); },
      kill: async () => { throw new Error('runc exploded'); },
    },
  }));
  t.after(() => srv.close());
  const nf = await request(srv.socketPath, 'GET', '/v1.41/containers/x/json');
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body.toString()), { message: 'No such container: x' });
  const c = await request(srv.socketPath, 'DELETE', '/containers/abc');
  assert.equal(c.status, 409);
  assert.match(JSON.parse(c.body.toString()).message, /You cannot remove a running container abc/);
  const nm = await request(srv.socketPath, 'POST', '/containers/abc/start');
  assert.equal(nm.status, 304);
  assert.equal(nm.body.length, 0);
  const boom = await request(srv.socketPath, 'POST', '/containers/abc/kill');
  assert.equal(boom.status, 500);
  assert.deepEqual(JSON.parse(boom.body.toString()), { message: 'runc exploded' });
});

test('container create: name and body reach the backend; bad bodies are 400 and the server carries on', async (t) => {
  const seen: { name: string | undefined; req: ContainerCreateRequest }[] = [];
  const srv = await startTestServer(fakeBackends({
    containers: { create: async (name, req) => { seen.push({ name, req }); return { Id: 'a'.repeat(64), Warnings: [] }; } },
  }));
  t.after(() => srv.close());
  const ok = await request(srv.socketPath, 'POST', '/v1.41/containers/create?name=web', JSON.stringify({ Image: 'busybox', Cmd: ['true'] }), { 'Content-Type': 'application/json' });
  assert.equal(ok.status, 201);
  assert.deepEqual(JSON.parse(ok.body.toString()), { Id: 'a'.repeat(64), Warnings: [] });
  assert.deepEqual(seen, [{ name: 'web', req: { Image: 'busybox', Cmd: ['true'] } }]);

  const bad = await request(srv.socketPath, 'POST', '/containers/create', '{"Image": "busybox",', { 'Content-Type': 'application/json' });
  assert.equal(bad.status, 400);
  assert.match(JSON.parse(bad.body.toString()).message, /^invalid JSON: /);
  const empty = await request(srv.socketPath, 'POST', '/containers/create', '');
  assert.equal(empty.status, 400);
  assert.equal(JSON.parse(empty.body.toString()).message, 'config cannot be empty in order to create a container');
  const notObject = await request(srv.socketPath, 'POST', '/containers/create', '[1,2]');
  assert.equal(notObject.status, 400);
  assert.equal(seen.length, 1);

  const after = await request(srv.socketPath, 'GET', '/_ping');
  assert.equal(after.status, 200);
});

test('query parameters reach the backend parsed', async (t) => {
  const calls: unknown[] = [];
  const srv = await startTestServer(fakeBackends({
    containers: {
      list: async (o) => { calls.push(['list', o]); return []; },
      stop: async (ref, tm, sig) => { calls.push(['stop', ref, tm, sig]); },
      remove: async (ref, o) => { calls.push(['remove', ref, o]); },
      resize: async (ref, size) => { calls.push(['resize', ref, size]); },
    },
  }));
  t.after(() => srv.close());
  const f = encodeURIComponent('{"status":{"exited":true}}');
  assert.equal((await request(srv.socketPath, 'GET', `/containers/json?all=1&limit=3&size=True&filters=${f}`)).status, 200);
  assert.equal((await request(srv.socketPath, 'POST', '/containers/web/stop?t=5&signal=SIGINT')).status, 204);
  assert.equal((await request(srv.socketPath, 'DELETE', '/containers/web?force=1&v=true')).status, 204);
  assert.equal((await request(srv.socketPath, 'POST', '/containers/web/resize?h=24&w=80')).status, 200);
  assert.equal((await request(srv.socketPath, 'POST', '/containers/web/resize?h=x&w=80')).status, 400);
  assert.equal((await request(srv.socketPath, 'GET', '/containers/json?filters=%7Bbad')).status, 400);
  assert.deepEqual(calls, [
    ['list', { all: true, limit: 3, size: true, filters: { status: ['exited'] } }],
    ['stop', 'web', 5, 'SIGINT'],
    ['remove', 'web', { force: true, volumes: true }],
    ['resize', 'web', { rows: 24, cols: 80 }],
  ]);
});

test('image names with registry ports, slashes and tags route whole', async (t) => {
  const calls: unknown[] = [];
  const srv = await startTestServer(fakeBackends({
    images: {
      inspect: async (ref) => {
        if (ref === 'nope') throw new NotFoundError('No such image: nope');
        calls.push(['inspect', ref]);
        return { Id: 'sha256:' + 'b'.repeat(64) } as never; },
      tag: async (ref, repo, tag) => { calls.push(['tag', ref, repo, tag]); },
      remove: async (ref, o) => { calls.push(['remove', ref, o]); return [{ Untagged: ref }]; },
      list: async (o) => { calls.push(['list', o]); return []; },
    },
  }));
  t.after(() => srv.close());
  const i = await request(srv.socketPath, 'GET', '/v1.41/images/127.0.0.1:5000/a/b:tag/json');
  assert.equal(i.status, 200);
  assert.equal((await request(srv.socketPath, 'GET', '/images/busybox/json')).status, 200);
  const tg = await request(srv.socketPath, 'POST', '/images/busybox:latest/tag?repo=127.0.0.1:5000/x/y&tag=v1');
  assert.equal(tg.status, 201);
  const rm = await request(srv.socketPath, 'DELETE', '/images/127.0.0.1:5000/x/y:v1?force=1');
  assert.equal(rm.status, 200);
  assert.deepEqual(JSON.parse(rm.body.toString()), [{ Untagged: '127.0.0.1:5000/x/y:v1' }]);
  assert.equal((await request(srv.socketPath, 'GET', '/images/json?all=1&digests=1')).status, 200);
  assert.deepEqual(calls, [
    ['inspect', '127.0.0.1:5000/a/b:tag'],
    ['inspect', 'busybox'],
    ['tag', 'busybox:latest', '127.0.0.1:5000/x/y', 'v1'],
    ['remove', '127.0.0.1:5000/x/y:v1', { force: true, noPrune: false }],
    ['list', { all: true, filters: {}, digests: true }],
  ]);
  const missing = await request(srv.socketPath, 'GET', '/images/nope/json');
  assert.equal(missing.status, 404);
  assert.deepEqual(JSON.parse(missing.body.toString()), { message: 'No such image: nope' });
});

test('garbage on the wire gets a 400 and the daemon keeps serving', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write('NOT HTTP AT ALL\r\n\r\n');
  await c.until((_b, ended) => ended);
  assert.match(c.received.toString(), /^HTTP\/1.1 400 Bad Request/);
  assert.equal((await request(srv.socketPath, 'GET', '/_ping')).status, 200);
});
