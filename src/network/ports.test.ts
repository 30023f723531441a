import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { PortAllocator, portFree } from './ports';

function listen(): Promise<net.Server & { port: number }> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => resolve(Object.assign(s, { port: (s.address() as net.AddressInfo).port })));
  });
}

test('a port held by a host process is neither free nor reservable', async () => {
  const s = await listen();
  try {
    assert.equal(await portFree('127.0.0.1', s.port, 'tcp'), false);
    const a = new PortAllocator();
    assert.equal(await a.reserve('127.0.0.1', s.port, 'tcp'), false);
    assert.equal(a.taken('127.0.0.1', s.port, 'tcp'), false, 'a failed reservation is not kept');
  } finally {
    s.close();
  }
});

test('reservations of the daemon clash on the same port, across the wildcard address, per protocol', async () => {
  const a = new PortAllocator();
  const port = await a.random('', 'tcp');
  assert.ok(port);
  assert.equal(await a.reserve('', port, 'tcp'), false);
  assert.equal(await a.reserve('127.0.0.1', port, 'tcp'), false, '0.0.0.0 covers every address');
  assert.equal(a.taken('', port, 'udp'), false);
  a.release('', port, 'tcp');
  assert.equal(a.taken('127.0.0.1', port, 'tcp'), false);
  a.adopt('127.0.0.1', port, 'tcp');
  assert.equal(a.taken('', port, 'tcp'), true, 'a specific address blocks the wildcard');
});
