import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { AttachOptions, AttachSession } from '../engine';
import { demuxStdcopy } from './stdcopy';
import { RawClient, fakeBackends, request, startTestServer } from './test-support';

interface FakeSession extends AttachSession {
  output: PassThrough;
  stdin: PassThrough | null;
  stdinText(): string;
  stdinEnded: Promise<void>;
  closed: number;
}

function fakeSession(tty: boolean, withStdin: boolean): FakeSession {
  const output = new PassThrough({ objectMode: true });
  const stdin = withStdin ? new PassThrough() : null;
  const got: Buffer[] = [];
  stdin?.on('data', (c: Buffer) => got.push(c));
  const stdinEnded = new Promise<void>((resolve) => stdin?.on('end', () => resolve()));
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => { ended = resolve; });
  output.on('end', () => ended());
  const s: FakeSession = {
    tty, output, input: stdin, stdin, stdinEnded, done, closed: 0,
    stdinText: () => Buffer.concat(got).toString(),
    close: () => { s.closed++; },
  };
  return s;
}

const upgradeHeaders = 'Connection: Upgrade\r\nUpgrade: tcp\r\n';

test('attach: 101 handshake, stdcopy output, stdin forwarded, half-close ends stdin while output flows', async (t) => {
  const session = fakeSession(false, true);
  let opts: AttachOptions | undefined;
  const srv = await startTestServer(fakeBackends({ containers: { attach: async (_ref, o) => { opts = o; return session; } } }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write(`POST /v1.41/containers/web/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-p,ctrl-q HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}Content-Length: 0\r\n\r\n`);
  const { head } = await c.head();
  const lines = head.split('\r\n');
  assert.equal(lines[0], 'HTTP/1.1 101 UPGRADED');
  assert.ok(lines.includes('Content-Type: application/vnd.docker.multiplexed-stream'));
  assert.ok(lines.includes('Connection: Upgrade'));
  assert.ok(lines.includes('Upgrade: tcp'));
  assert.ok(lines.includes('Api-Version: 1.41'));
  assert.deepEqual(opts, { stream: true, logs: false, stdin: true, stdout: true, stderr: true, detachKeys: 'ctrl-p,ctrl-q' });
  const start = c.received.indexOf('\r\n\r\n') + 4;

  c.socket.write('echo hi\n');
  await waitFor(() => session.stdinText() === 'echo hi\n');
  session.output.write({ stream: 'stdout', data: Buffer.from('hi\n') });
  session.output.write({ stream: 'stderr', data: Buffer.from('warn\n') });
  await c.until((b) => b.length >= start + 8 + 3 + 8 + 5);

  c.socket.end(); // the CLI closes its write side when its stdin ends
  await session.stdinEnded;
  session.output.write({ stream: 'stdout', data: Buffer.from('after') });
  await c.until((b) => b.length >= start + 8 + 3 + 8 + 5 + 8 + 5);
  session.output.end();
  await c.until((_b, ended) => ended);

  const frames = demuxStdcopy(c.received.subarray(start));
  assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'hi\n'], [2, 'warn\n'], [1, 'after']]);
  await waitFor(() => session.closed > 0);
});

test('attach with a TTY is raw; the client leaving closes the session', async (t) => {
  const session = fakeSession(true, true);
  const srv = await startTestServer(fakeBackends({ containers: { attach: async () => session } }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write(`POST /containers/web/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}\r\n`);
  const { head } = await c.head();
  assert.match(head, /Content-Type: application\/vnd.docker.raw-stream/);
  session.output.write({ stream: 'stdout', data: Buffer.from('$ ') });
  const { rest } = await c.until((b) => b.toString().endsWith('\r\n\r\n$ ')).then(() => c.head());
  assert.equal(rest.toString(), '$ ');
  c.socket.destroy();
  // a vanished client looks like a half-close until a write fails, as with dockerd
  await new Promise((r) => setTimeout(r, 50));
  session.output.write({ stream: 'stdout', data: Buffer.from('more') });
  await waitFor(() => session.closed > 0);
  await session.stdinEnded;
});

test('attach errors before the upgrade are ordinary HTTP errors on the raw socket', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write(`POST /v1.41/containers/nope/attach?stream=1&stdout=1 HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}\r\n`);
  await c.until((_b, ended) => ended);
  const text = c.received.toString();
  assert.match(text, /^HTTP\/1.1 404 Not Found\r\n/);
  assert.match(text, /Api-Version: 1.41/);
  assert.match(text, /\r\n\r\n\{"message":"No such container: nope"\}\n$/);
  // and the server is still there
  assert.equal((await request(srv.socketPath, 'GET', '/_ping')).status, 200);
});

test('upgrade requests to ordinary routes are answered as HTTP', async (t) => {
  const srv = await startTestServer(fakeBackends());
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  c.socket.write(`GET /v1.41/version HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}\r\n`);
  await c.until((_b, ended) => ended);
  assert.match(c.received.toString(), /^HTTP\/1.1 200 OK[\s\S]*"ApiVersion":"1.41"/);
});

test('exec start: JSON body then stdin on the same connection', async (t) => {
  const session = fakeSession(false, true);
  let startOpts: unknown;
  const srv = await startTestServer(fakeBackends({ execs: { start: async (_id, o) => { startOpts = o; return session; } } }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  const body = JSON.stringify({ Detach: false, Tty: false, ConsoleSize: [24, 80] });
  // body and the first stdin bytes in one write: the server must split them by Content-Length
  c.socket.write(`POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}input-1`);
  const { head } = await c.head();
  assert.match(head, /^HTTP\/1.1 101 UPGRADED/);
  assert.deepEqual(startOpts, { detach: false, tty: false, consoleSize: { rows: 24, cols: 80 } });
  await waitFor(() => session.stdinText() === 'input-1');
  c.socket.write('input-2');
  await waitFor(() => session.stdinText() === 'input-1input-2');
  c.socket.end();
  await session.stdinEnded;
  session.output.write({ stream: 'stdout', data: Buffer.from('done') });
  session.output.end();
  await c.until((_b, ended) => ended);
  const { rest } = await c.head();
  assert.deepEqual(demuxStdcopy(rest).map((f) => f.data.toString()), ['done']);
});

test('exec start: a chunked JSON body is decoded and what follows is stdin', async (t) => {
  const session = fakeSession(true, true);
  let startOpts: unknown;
  const srv = await startTestServer(fakeBackends({ execs: { start: async (_id, o) => { startOpts = o; return session; } } }));
  t.after(() => srv.close());
  const c = new RawClient(srv.socketPath);
  const body = '{"Detach":false,"Tty":true}';
  const chunked = `5\r\n${body.slice(0, 5)}\r\n${(body.length - 5).toString(16)}\r\n${body.slice(5)}\r\n0\r\n\r\n`;
  c.socket.write(`POST /exec/e1/start HTTP/1.1\r\nHost: x\r\n${upgradeHeaders}Transfer-Encoding: chunked\r\n\r\n${chunked}ls\n`);
  const { head } = await c.head();
  assert.match(head, /^HTTP\/1.1 101 UPGRADED/);
  assert.match(head, /Content-Type: application\/vnd.docker.raw-stream/);
  assert.deepEqual(startOpts, { detach: false, tty: true, consoleSize: undefined });
  await waitFor(() => session.stdinText() === 'ls\n');
  session.output.end();
  await c.until((_b, ended) => ended);
});

test('exec start detached answers 200 with no body; a missing exec is 404', async (t) => {
  const srv = await startTestServer(fakeBackends({
    execs: { start: async (id, o) => { if (id !== 'e1') throw new (await import('../util/errors')).NotFoundError(`No such exec instance: ${id}`); return o.detach ? null : fakeSession(false, false); } },
  }));
  t.after(() => srv.close());
  const r = await request(srv.socketPath, 'POST', '/exec/e1/start', JSON.stringify({ Detach: true }), { 'Content-Type': 'application/json' });
  assert.equal(r.status, 200);
  assert.equal(r.body.length, 0);
  const nf = await request(srv.socketPath, 'POST', '/exec/zz/start', '{}', { 'Content-Type': 'application/json' });
  assert.equal(nf.status, 404);
  assert.deepEqual(JSON.parse(nf.body.toString()), { message: 'No such exec instance: zz' });
});

test('attach without the upgrade headers streams on a 200', async (t) => {
  const session = fakeSession(false, false);
  const srv = await startTestServer(fakeBackends({ containers: { attach: async () => session } }));
  t.after(() => srv.close());
  const pending = request(srv.socketPath, 'POST', '/containers/web/attach?stream=1&stdout=1');
  await waitFor(() => session.output.listenerCount('data') > 0);
  session.output.write({ stream: 'stdout', data: Buffer.from('x') });
  session.output.end();
  const r = await pending;
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'application/vnd.docker.multiplexed-stream');
  assert.deepEqual(r.body, Buffer.from([1, 0, 0, 0, 0, 0, 0, 1, 0x78]));
});

async function waitFor(pred: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
