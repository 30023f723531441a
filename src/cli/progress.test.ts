import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ProgressRenderer, progressBar } from './progress';

function capture(tty: boolean): { r: ProgressRenderer; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (b: Buffer) => { text += b.toString(); });
  return { r: new ProgressRenderer(out, tty), text: () => text };
}

test('progressBar draws docker\'s 50-wide bar with go-units sizes', () => {
  assert.equal(progressBar(0, 2_000_000), `[>${' '.repeat(50)}]       0B/2MB`);
  assert.equal(progressBar(1_000_000, 2_000_000), `[${'='.repeat(25)}>${' '.repeat(25)}]      1MB/2MB`);
  assert.equal(progressBar(1_987_000, 1_987_000), `[${'='.repeat(50)}>]  1.987MB/1.987MB`);
});

test('on a terminal each id keeps one line, redrawn in place; elsewhere only plain lines', () => {
  const t = capture(true);
  t.r.write({ status: 'Loading layer', id: 'aaa', progressDetail: { current: 1, total: 2 } });
  t.r.write({ status: 'Loading layer', id: 'bbb', progressDetail: { current: 1, total: 2 } });
  t.r.write({ status: 'Loading layer', id: 'aaa', progressDetail: { current: 2, total: 2 } });
  t.r.write({ stream: 'Loaded image: x:1\n' });
  const lines = t.text();
  assert.match(lines, /\x1b\[2A\r\x1b\[2Kaaa: Loading layer \[={50}>\]       2B\/2B\x1b\[2B\r/);
  assert.ok(lines.endsWith('Loaded image: x:1\n'));
  const p = capture(false);
  p.r.write({ status: 'Loading layer', id: 'aaa', progressDetail: { current: 1, total: 2 } });
  p.r.write({ stream: 'Loaded image ID: sha256:ab\n' });
  assert.equal(p.text(), 'Loaded image ID: sha256:ab\n');
  assert.throws(() => p.r.write({ error: 'boom', errorDetail: { message: 'invalid diffID' } }), /invalid diffID/);
});
