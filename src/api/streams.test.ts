import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Readable } from 'node:stream';
import type { ContainerWaitResponse, EventMessage, ProgressMessage } from '../api-types';
import type { Filters, LogEntry, LogsOptions } from '../engine';
import { InvalidParameterError, NotFoundError } from '../util/errors';
import { formatLogTimestamp } from './routes/container-io';
import { RawClient, fakeBackends, request, startTestServer } from './test-support';

const entry = (stream: 'stdout' | 'stderr', text: string, timeNano = 1700000000123456789n, partial = false): LogEntry =>
  ({ stream, data: Buffer.from(text), time: '2023-11-14T22:13:20.123456789Z', timeNano, partial });

test('log timestamps are RFC3339Nano with a fixed 9-digit fraction', () => {
  assert.equal(formatLogTimestamp({ time: 'x', timeNano: 1700000000123456789n }), '2023-11-14T22:13:20.123456789Z');
  assert.equal(formatLogTimestamp({ time: 'x', timeNano: 1700000000000000100n }), '2023-11-14T22:13:20.000000100Z');
  assert.equal(formatLogTimestamp({ time: '2023-01-01T00:00:00Z', timeNano: 0n }), '2023-01-01T00:00:00Z');
});

test('logs without a TTY: stdcopy frames, byte for byte; options parsed', async (t) => {
  let seen: LogsOptions | undefined;
  const srv = await startTestServer(fakeBackends({
    containers: {
      logs: async (_ref, opts) => {
        seen = opts;
        return { tty: false, entries: Readable.from([entry('stdout', 'hello\n'), entry('stderr', 'oops'), entry('stdout', 'par', 1n, true)]) };
      },
    },
  }));
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'GET', '/v1.41/containers/web/logs?stdout=1&stderr=1&tail=2&since=1700000000.5&follow=0');
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  assert.deepEqual(r.body, Buffer.concat([
    Buffer.from([1, 0, 0, 0, 0, 0, 0, 6]), Buffer.from('hello\n'),
    Buffer.from([2, 0, 0, 0, 0, 0, 0, 5]), Buffer.from('oops\n'),
    Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('par'),
  ]));
  assert.deepEqual(seen, { follow: false, stdout: true, stderr: true, since: 1700000000.5, until: 0, timestamps: false, tail: 2 });
});

test('logs with a TTY are raw; timestamps prefix each line', async (t) => {
  const srv = await startTestServer(fakeBackends({
    containers: { logs: async () => ({ tty: true, entries: Readable.from([entry('stdout', 'a\n'), entry('stdout', 'b\n', 1700000001000000000n)]) }) },
  }));
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'GET', '/containers/web/logs?stdout=1&timestamps=1');
  assert.equal(r.headers['content-type'], 'application/vnd.docker.raw-stream');
  assert.equal(r.body.toString(), '2023-11-14T22:13:20.123456789Z a\n2023-11-14T22:13:21.000000000Z b\n');
  const none = await request(srv.socketPath, 'GET', '/containers/web/logs');
  assert.equal(none.status, 400);
  assert.equal(JSON.parse(none.body.toString()).message, 'Bad parameters: you must choose at least one stream');
});

test('logs -f: headers flushed before any output; client leaving stops the reader', async (t) => {
  const entries = new PassThrough({ objectMode: true });
  let abort: AbortSignal | undefined;
  const srv = await startTestServer(fakeBackends({
    containers: { logs: async (_r, _o, signal) => { abort = signal; return { tty: false, entries }; } },
  }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write('GET /v1.41/containers/web/logs?stdout=1&follow=1 HTTP/1.1\r\nHost: x\r\n\r\n');
  const { head } = await c.head();
  assert.match(head, /^HTTP\/1.1 200 OK/);
  entries.write(entry('stdout', 'late\n'));
  await c.until((b) => b.includes('late\n'));
  c.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(abort?.aborted, true);
  assert.equal(entries.destroyed, true);
});

test('events stream as JSON lines, flushed per message; both filter forms decode', async (t) => {
  const feed = new PassThrough({ objectMode: true });
  let seen: { since?: number; until?: number; filters: Filters } | undefined;
  let abortSignal: AbortSignal | undefined;
  const srv = await startTestServer(fakeBackends({
    system: {
      events: (opts, abort) => { seen = opts; abortSignal = abort; return feed; },
    },
  }));
  t.after(() => srv.close());
  const ev = (action: string): EventMessage => ({ Type: 'container', Action: action, Actor: { ID: 'c1', Attributes: { name: 'web' } }, scope: 'local', time: 1, timeNano: 1e9 });
  const c = new RawClient(srv.socketPath);
  const filters = encodeURIComponent('{"type":{"container":true},"event":["start"]}');
  c.socket.write(`GET /v1.41/events?since=1700000000&filters=${filters} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const { head } = await c.head();
  assert.match(head, /^HTTP\/1.1 200 OK/);
  assert.match(head, /Content-Type: application\/json/);
  assert.deepEqual(seen, { since: 1700000000, until: undefined, filters: { type: ['container'], event: ['start'] } });
  feed.write(ev('start'));
  await c.until((b) => b.includes('"Action":"start"'));
  feed.write(ev('die'));
  await c.until((b) => b.includes('"Action":"die"'));
  c.socket.destroy();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(abortSignal?.aborted, true);
});

test('events: a filter the engine rejects up front is a 400', async (t) => {
  const srv = await startTestServer(fakeBackends({
    system: {
      events: async function* () { throw new InvalidParameterError('invalid filter \'bogus\''); },
    },
  }));
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'GET', '/events?filters=%7B%22bogus%22%3A%5B%22x%22%5D%7D');
  assert.equal(r.status, 400);
  assert.deepEqual(JSON.parse(r.body.toString()), { message: 'invalid filter \'bogus\'' });
});

test('wait: 200 and headers flushed at once, body when the container exits', async (t) => {
  let exit: ((r: ContainerWaitResponse) => void) | undefined;
  let condition = '';
  const srv = await startTestServer(fakeBackends({
    containers: {
      wait: (_ref, cond) => { condition = cond; return new Promise((resolve) => { exit = resolve; }); },
    },
  }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write('POST /v1.41/containers/web/wait?condition=next-exit HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n');
  const { head, rest } = await c.head();
  assert.match(head, /^HTTP\/1.1 200 OK/);
  assert.match(head, /Api-Version: 1.41/);
  assert.equal(rest.length, 0);
  assert.equal(condition, 'next-exit');
  exit?.({ StatusCode: 3, Error: null });
  await c.until((b) => b.includes('"StatusCode":3'));
  assert.match(c.received.toString(), /\{"StatusCode":3,"Error":null\}/);
});

test('wait on a missing container is a real 404', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'POST', '/containers/nope/wait');
  assert.equal(r.status, 404);
  assert.deepEqual(JSON.parse(r.body.toString()), { message: 'No such container: nope' });
});

test('stats: one-shot object or a stream of lines', async (t) => {
  const streams: boolean[] = [];
  const srv = await startTestServer(fakeBackends({
    containers: {
      stats: async function* (ref, stream) {
        if (ref === 'x') throw new NotFoundError('No such container: x');
        streams.push(stream);
        yield { id: 'c1', name: '/web', read: 'r1' } as never;
        if (stream) yield { id: 'c1', name: '/web', read: 'r2' } as never;
      },
    },
  }));
  t.after(() => srv.close());
  const one = await request(srv.socketPath, 'GET', '/containers/web/stats?stream=false&one-shot=true');
  assert.equal(one.status, 200);
  assert.equal(JSON.parse(one.body.toString()).read, 'r1');
  const many = await request(srv.socketPath, 'GET', '/containers/web/stats');
  assert.deepEqual(many.body.toString().trim().split('\n').map((l) => JSON.parse(l).read), ['r1', 'r2']);
  assert.deepEqual(streams, [false, true]);
  const missing = await request(srv.socketPath, 'GET', '/containers/x/stats?stream=0');
  assert.equal(missing.status, 404);
});

test('image import: body is the tarball, progress streams, late errors become error lines; pull is a clear 500', async (t) => {
  let got: { body: string; opts: unknown } | undefined;
  const srv = await startTestServer(fakeBackends({
    images: {
      import: (source, opts) => {
        const out = new PassThrough({ objectMode: true });
        void (async () => {
          const parts: Buffer[] = [];
          for await (const c of source as Readable) parts.push(c as Buffer);
          got = { body: Buffer.concat(parts).toString(), opts };
          out.write({ status: 'sha256:abc' } satisfies ProgressMessage);
          setTimeout(() => out.destroy(new Error('disk full')), 20);
        })();
        return out;
      },
    },
  }));
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'POST', '/v1.41/images/create?fromSrc=-&repo=mine&tag=v1&changes=CMD%20%5B%22sh%22%5D&changes=ENV%20A%3D1&message=hi', 'TARBYTES');
  assert.equal(r.status, 200);
  assert.deepEqual(got, { body: 'TARBYTES', opts: { repo: 'mine', tag: 'v1', changes: ['CMD ["sh"]', 'ENV A=1'], message: 'hi', platform: undefined } });
  const lines = r.body.toString().trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines, [{ status: 'sha256:abc' }, { errorDetail: { message: 'disk full' }, error: 'disk full' }]);
  const pull = await request(srv.socketPath, 'POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pull.status, 500);
  assert.match(JSON.parse(pull.body.toString()).message, /busybox:latest/);
});
