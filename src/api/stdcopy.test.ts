import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { OutputEncoder, StdStreamId, demuxStdcopy, encodeChunk, stdcopyFrame } from './stdcopy';

test('a stdcopy frame is [stream,0,0,0,size BE] + payload', () => {
  assert.deepEqual(stdcopyFrame(StdStreamId.Stdout, Buffer.from('hi\n')), Buffer.from([1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a]));
  const big = Buffer.alloc(0x010203, 0x61);
  const f = stdcopyFrame(StdStreamId.Stderr, big);
  assert.deepEqual(f.subarray(0, 8), Buffer.from([2, 0, 0, 0, 0, 0x01, 0x02, 0x03]));
  assert.equal(f.length, 8 + big.length);
});

test('TTY output goes raw, non-TTY framed by stream', () => {
  assert.deepEqual(encodeChunk({ stream: 'stderr', data: Buffer.from('x') }, true), Buffer.from('x'));
  assert.deepEqual(encodeChunk({ stream: 'stderr', data: Buffer.from('x') }, false), Buffer.from([2, 0, 0, 0, 0, 0, 0, 1, 0x78]));
});

test('the encoder stream frames chunks and drops empty ones; demux reverses it', async () => {
  const src = Readable.from([
    { stream: 'stdout', data: Buffer.from('out') },
    { stream: 'stdout', data: Buffer.alloc(0) },
    { stream: 'stderr', data: Buffer.from('err') },
  ]);
  const parts: Buffer[] = [];
  for await (const b of src.pipe(new OutputEncoder(false))) parts.push(b as Buffer);
  const frames = demuxStdcopy(Buffer.concat(parts));
  assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'out'], [2, 'err']]);
  assert.throws(() => demuxStdcopy(Buffer.from([1, 0, 0, 0, 0, 0, 0, 9, 0x61])), /truncated/);
});
