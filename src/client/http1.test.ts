import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { http1Request, type Http1Request, type Http1Response } from './http1';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'http1-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let n = 0;

/** A raw server: reads the request head, then writes `reply` in the given pieces, a tick apart. */
async function rawServer(reply: (string | Buffer)[], o: { end?: boolean } = {}): Promise<{ sock: string; heads: string[]; close(): Promise<void> }> {
  const sock = path.join(tmp, `raw-${n++}.sock`);
  const heads: string[] = [];
  const server = net.createServer((c) => {
    let buf = '';
    c.on('data', (d) => {
      buf += d.toString('latin1');
      if (!buf.includes('\r\n\r\n') || heads.length > 0) return;
      heads.push(buf.slice(0, buf.indexOf('\r\n\r\n')));
      void (async () => {
        for (const piece of reply) {
          c.write(piece);
          await new Promise((r) => setTimeout(r, 2));
        }
        if (o.end !== false) c.end();
      })();
    });
    c.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return { sock, heads, close: () => new Promise((r) => server.close(() => r())) };
}

function send(sock: string, req: Partial<Http1Request> = {}): Promise<{ res?: Http1Response; upgraded?: { socket: net.Socket; head: Buffer } }> {
  return new Promise((resolve, reject) => {
    http1Request(net.connect(sock), { method: 'GET', path: '/x', host: 'localhost', headers: {}, ...req }, {
      response: (res) => resolve({ res }),
      upgrade: (socket, head) => resolve({ upgraded: { socket, head } }),
      error: reject,
    });
  });
}

async function body(res: Http1Response): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

test('chunked bodies are decoded across any split, trailers and extensions included', async () => {
  const wire = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n';
  // every split point of the reply, including inside the size lines and the CRLFs
  for (const at of [1, 30, 70, 78, 79, 80, 84, 90, 95, wire.length - 3]) {
    const s = await rawServer([wire.slice(0, at), wire.slice(at)], { end: false });
    try {
      const { res } = await send(s.sock);
      assert.equal(res?.statusCode, 200);
      assert.equal(res?.headers['content-type'], 'application/json');
      assert.equal(await body(res as Http1Response), 'hello, world', `split at ${at}`);
    } finally {
      await s.close();
    }
  }
});

test('Content-Length bodies end at their length; without one the body lasts until the connection ends', async () => {
  const s1 = await rawServer(['HTTP/1.1 201 Created\r\nContent-Length: 6\r\n\r\nab', 'cdef'], { end: false });
  const s2 = await rawServer(['HTTP/1.1 200 OK\r\n\r\nuntil', ' close']);
  try {
    const r1 = (await send(s1.sock)).res as Http1Response;
    assert.deepEqual([r1.statusCode, r1.statusMessage, await body(r1)], [201, 'Created', 'abcdef']);
    assert.equal(await body((await send(s2.sock)).res as Http1Response), 'until close');
  } finally {
    await s1.close();
    await s2.close();
  }
});

test('no body for 204 and HEAD; an interim 100 is skipped', async () => {
  const s1 = await rawServer(['HTTP/1.1 204 No Content\r\n\r\n'], { end: false });
  const s2 = await rawServer(['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok']);
  const s3 = await rawServer(['HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n'], { end: false });
  try {
    assert.equal(await body((await send(s1.sock)).res as Http1Response), '');
    assert.equal(await body((await send(s2.sock)).res as Http1Response), 'ok');
    const head = (await send(s3.sock, { method: 'HEAD' })).res as Http1Response;
    assert.deepEqual([head.headers['content-length'], await body(head)], ['99', '']);
  } finally {
    await Promise.all([s1.close(), s2.close(), s3.close()]);
  }
});

test('a body cut short fails the response stream; a connection refused fails the request with its code', async () => {
  const s = await rawServer(['HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc']);
  try {
    const res = (await send(s.sock)).res as Http1Response;
    await assert.rejects(body(res), /aborted/);
  } finally {
    await s.close();
  }
  await assert.rejects(send(path.join(tmp, 'nobody.sock')), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
});

test('101 hands over the socket with the bytes read past the headers; a non-101 answer to an upgrade is a response', async () => {
  const s = await rawServer(['HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly', ' later'], { end: false });
  try {
    const { upgraded } = await send(s.sock, { method: 'POST', upgrade: true });
    assert.ok(upgraded);
    assert.equal(upgraded.head.toString(), 'early');
    const more = await new Promise<string>((r) => { upgraded.socket.once('data', (d) => r(d.toString())); upgraded.socket.resume(); });
    assert.equal(more, ' later');
    upgraded.socket.destroy();
    assert.match(s.heads[0], /\r\nConnection: Upgrade\r\nUpgrade: tcp$/);
  } finally {
    await s.close();
  }
  const s2 = await rawServer(['HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\nnope']);
  try {
    const { res } = await send(s2.sock, { method: 'POST', upgrade: true });
    assert.deepEqual([res?.statusCode, await body(res as Http1Response)], [404, 'nope']);
  } finally {
    await s2.close();
  }
});

test('request bodies: a Buffer with Content-Length, a stream chunked; Node\'s server reads both', async () => {
  const sock = path.join(tmp, `node-${n++}.sock`);
  const got: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.end('done');
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  try {
    const r1 = (await send(sock, { method: 'POST', path: '/a?x=1', body: Buffer.from('whole'), headers: { 'Content-Type': 'application/x-tar' } })).res as Http1Response;
    assert.equal(await body(r1), 'done');
    const big = 'x'.repeat(300_000);
    const r2 = (await send(sock, { method: 'POST', path: '/b', body: Readable.from([Buffer.from('part1-'), Buffer.from(big), Buffer.from('-end')]) })).res as Http1Response;
    assert.equal(await body(r2), 'done');
    const r3 = (await send(sock, { method: 'POST', path: '/c' })).res as Http1Response;
    await body(r3);
    assert.deepEqual([got[0].method, got[0].url, got[0].headers['content-length'], got[0].headers['content-type'], got[0].body], ['POST', '/a?x=1', '5', 'application/x-tar', 'whole']);
    assert.deepEqual([got[1].headers['transfer-encoding'], got[1].body.length], ['chunked', 'part1-'.length + big.length + '-end'.length]);
    assert.equal(got[2].headers['content-length'], '0');
    assert.ok(got.every((g) => g.headers.connection === 'close' && g.headers.host === 'localhost'));
  } finally {
    await new Promise((r) => server.close(r));
  }
});
