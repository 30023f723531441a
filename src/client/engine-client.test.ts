import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Socket } from 'node:net';
import { EngineClient } from './engine-client';
import { ApiError, DaemonUnreachableError } from './errors';
import { parseHost } from './endpoint';
import { encodeFrame, demultiplex } from './stdcopy';

interface Seen { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

async function fakeDaemon(handler: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void,
  onUpgrade?: (req: http.IncomingMessage, sock: Socket) => void) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-client-'));
  const sock = path.join(dir, 's.sock');
  const seen: Seen[] = [];
  const srv = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { seen.push({ method: req.method!, url: req.url!, headers: req.headers, body }); handler(req, body, res); });
  });
  if (onUpgrade) srv.on('upgrade', (req, s: Socket) => { seen.push({ method: req.method!, url: req.url!, headers: req.headers, body: '' }); onUpgrade(req, s); });
  await new Promise<void>((r) => srv.listen(sock, r));
  const client = new EngineClient(parseHost(`unix://${sock}`));
  return {
    client, seen, sock,
    async close() { client.close(); srv.closeAllConnections(); await new Promise((r) => srv.close(r)); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}

const json = (res: http.ServerResponse, status: number, o: unknown) => { res.writeHead(status, { 'Content-Type': 'application/json' }); res.end(JSON.stringify(o)); };

test('requests carry the /v1.41 prefix, query and JSON body', async () => {
  const f = await fakeDaemon((_req, _b, res) => json(res, 201, { Id: 'abc', Warnings: [] }));
  try {
    const r = await f.client.containerCreate({ Image: 'busybox', Cmd: ['true'] }, 'web');
    assert.equal(r.Id, 'abc');
    assert.equal(f.seen[0].method, 'POST');
    assert.equal(f.seen[0].url, '/v1.41/containers/create?name=web');
    assert.equal(f.seen[0].headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(f.seen[0].body), { Image: 'busybox', Cmd: ['true'] });
  } finally { await f.close(); }
});

test('filters go out in docker map form; booleans as 1', async () => {
  const f = await fakeDaemon((_req, _b, res) => json(res, 200, []));
  try {
    await f.client.containerList({ all: true, filters: { status: ['exited'], label: ['a=b'] } });
    const u = new URL(f.seen[0].url, 'http://x');
    assert.equal(u.pathname, '/v1.41/containers/json');
    assert.equal(u.searchParams.get('all'), '1');
    assert.deepEqual(JSON.parse(u.searchParams.get('filters')!), { status: { exited: true }, label: { 'a=b': true } });
  } finally { await f.close(); }
});

test('error statuses become ApiError with the daemon message; 304 is success', async () => {
  const f = await fakeDaemon((req, _b, res) => {
    if (req.url!.includes('/start')) { res.writeHead(304); res.end(); return; }
    json(res, 404, { message: 'No such container: nope' });
  });
  try {
    await f.client.containerStart('x');
    await assert.rejects(f.client.containerStop('nope', 3), (e: unknown) => e instanceof ApiError && e.status === 404 && e.message === 'No such container: nope');
    assert.equal(f.seen[1].url, '/v1.41/containers/nope/stop?t=3');
  } finally { await f.close(); }
});

test('a missing socket is DaemonUnreachableError with berth wording', async () => {
  const c = new EngineClient(parseHost('unix:///nonexistent/berth.sock'));
  await assert.rejects(c.version(), (e: unknown) => e instanceof DaemonUnreachableError &&
    e.message === 'Cannot connect to the Berth daemon at unix:///nonexistent/berth.sock. Is the berth daemon running?');
});

test('event stream is an async iterable of objects', async () => {
  const f = await fakeDaemon((_req, _b, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write('{"Type":"container","Action":"start","Actor":{"ID":"a","Attributes":{}},"time":1}\n{"Type":"container",');
    setTimeout(() => res.end('"Action":"die","Actor":{"ID":"a","Attributes":{}},"time":2}\n'), 10);
  });
  try {
    const got: string[] = [];
    for await (const e of f.client.events({ since: '0', filters: { type: ['container'] } })) got.push(e.Action);
    assert.deepEqual(got, ['start', 'die']);
    assert.match(f.seen[0].url, /^\/v1\.41\/events\?since=0&filters=/);
  } finally { await f.close(); }
});

test('wait resolves after headers, result after body', async () => {
  let finish: (() => void) | undefined;
  const f = await fakeDaemon((_req, _b, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    finish = () => res.end('{"StatusCode":3}\n');
  });
  try {
    const w = await f.client.containerWait('c1', 'next-exit');
    assert.equal(f.seen[0].url, '/v1.41/containers/c1/wait?condition=next-exit');
    finish!();
    assert.equal((await w.result).StatusCode, 3);
  } finally { await f.close(); }
});

test('attach hijacks with Upgrade: tcp and carries stdcopy frames both ways', async () => {
  const f = await fakeDaemon(() => undefined, (_req, s) => {
    s.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    s.write(encodeFrame(1, 'out1'));
    let input = '';
    s.on('data', (d) => { input += d; });
    s.on('end', () => { s.write(encodeFrame(2, `got:${input}`)); s.end(); });
  });
  try {
    const conn = await f.client.containerAttach('c1', { stdin: true, stdout: true, stderr: true });
    assert.equal(f.seen[0].headers.upgrade, 'tcp');
    assert.equal(f.seen[0].headers.connection, 'Upgrade');
    assert.equal(f.seen[0].url, '/v1.41/containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1');
    conn.stream.write('hi');
    conn.closeWrite();
    const out: string[] = [];
    const err: string[] = [];
    await demultiplex(conn.stream, { write: (b) => out.push(b.toString()) }, { write: (b) => err.push(b.toString()) });
    assert.deepEqual(out, ['out1']);
    assert.deepEqual(err, ['got:hi']);
  } finally { await f.close(); }
});

test('image import streams the body and repeats changes', async () => {
  const f = await fakeDaemon((_req, _b, res) => json(res, 200, { status: 'sha256:abc' }));
  try {
    const { Readable } = await import('node:stream');
    const msgs = [];
    for await (const m of f.client.imageImport(Readable.from([Buffer.from('tar')]), { repo: 'img', tag: 'v1', changes: ['CMD ["sh"]', 'ENV A=1'] })) msgs.push(m);
    assert.deepEqual(msgs, [{ status: 'sha256:abc' }]);
    const u = new URL(f.seen[0].url, 'http://x');
    assert.equal(u.searchParams.get('fromSrc'), '-');
    assert.deepEqual(u.searchParams.getAll('changes'), ['CMD ["sh"]', 'ENV A=1']);
    assert.equal(f.seen[0].body, 'tar');
  } finally { await f.close(); }
});
