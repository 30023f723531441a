import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StdcopyDecoder, demultiplex, encodeFrame } from './stdcopy';

test('decodes frames split across arbitrary chunk boundaries', () => {
  const wire = Buffer.concat([encodeFrame(1, 'hello\n'), encodeFrame(2, 'oops'), encodeFrame(1, '')]);
  for (let cut = 0; cut <= wire.length; cut++) {
    const d = new StdcopyDecoder();
    const frames = [...d.push(wire.subarray(0, cut)), ...d.push(wire.subarray(cut))];
    assert.deepEqual(frames.map((f) => [f.stream, f.data.toString()]), [[1, 'hello\n'], [2, 'oops'], [1, '']]);
    assert.equal(d.leftover, 0);
  }
});

test('header is [stream,0,0,0,size BE]', () => {
  const f = encodeFrame(2, Buffer.alloc(300));
  assert.deepEqual([...f.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 1, 44]);
});

test('rejects an unknown stream byte', () => {
  assert.throws(() => new StdcopyDecoder().push(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0])), /Unrecognized input header/);
});

test('demultiplex routes stdout and stderr and surfaces systemerr', async () => {
  const out: string[] = [];
  const err: string[] = [];
  async function* src() { yield encodeFrame(1, 'a'); yield encodeFrame(2, 'b'); yield encodeFrame(1, 'c'); }
  await demultiplex(src(), { write: (b) => out.push(b.toString()) }, { write: (b) => err.push(b.toString()) });
  assert.deepEqual(out, ['a', 'c']);
  assert.deepEqual(err, ['b']);
  async function* bad() { yield encodeFrame(3, 'container gone'); }
  await assert.rejects(demultiplex(bad(), { write: () => 0 }, { write: () => 0 }), /container gone/);
});
