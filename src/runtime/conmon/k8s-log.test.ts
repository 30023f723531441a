import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LogEntry } from '../oci-runtime';
import { K8sLogParser, readK8sLog } from './k8s-log';
import { parseRfc3339Nano, rfc3339NanoFixed, secondsToNs } from '../../util/time';

const T0 = '2024-03-01T10:00:00.000000100+00:00';
const T1 = '2024-03-01T11:00:01.500000000+01:00'; // 10:00:01.5Z
const T2 = '2024-03-01T10:00:02.000000000Z';

async function all(stream: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

function tmpLog(text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-k8slog-'));
  const file = path.join(dir, 'ctr.log');
  fs.writeFileSync(file, text);
  return file;
}

test('times: conmon local offsets become UTC RFC3339Nano with 9 digits', () => {
  assert.equal(parseRfc3339Nano(T1), 1709287201500000000n);
  assert.equal(rfc3339NanoFixed(parseRfc3339Nano(T0)!), '2024-03-01T10:00:00.000000100Z');
  assert.equal(parseRfc3339Nano('yesterday'), null);
  assert.equal(secondsToNs(1709287201.5), 1709287201500000000n);
  assert.equal(secondsToNs(0), 0n);
});

test('parser joins P chunks with the following F line of the same stream, keeps F newlines', () => {
  const p = new K8sLogParser();
  const text = `${T0} stdout P par\n${T0} stderr F err\n${T1} stdout P ti\n${T2} stdout F al\n`;
  // fed in awkward pieces: lines split across chunks must still parse
  const buf = Buffer.from(text);
  const got: LogEntry[] = [];
  for (let i = 0; i < buf.length; i += 7) got.push(...p.push(buf.subarray(i, i + 7)));
  assert.deepEqual(got.map((e) => [e.stream, e.data.toString(), e.partial]), [
    ['stderr', 'err\n', false],
    ['stdout', 'partial\n', false],
  ]);
  assert.equal(got[1].time, '2024-03-01T10:00:00.000000100Z', 'a joined entry carries its first chunk\'s time');
  assert.deepEqual(p.flush(), []);
});

test('parser: a trailing P chunk comes out on flush as a partial entry; junk lines are skipped', () => {
  const p = new K8sLogParser();
  assert.deepEqual(p.push(Buffer.from(`garbage\n${T0} stdout P no newline\n`)), []);
  const rest = p.flush();
  assert.equal(rest.length, 1);
  assert.equal(rest[0].data.toString(), 'no newline');
  assert.equal(rest[0].partial, true);
});

test('reader: tail, since and until', async () => {
  const file = tmpLog(`${T0} stdout F a\n${T1} stdout F b\n${T2} stderr F c\n`);
  try {
    const base = { follow: false, since: 0, until: 0, tail: -1 };
    assert.deepEqual((await all(readK8sLog(file, base))).map((e) => e.data.toString()), ['a\n', 'b\n', 'c\n']);
    assert.deepEqual((await all(readK8sLog(file, { ...base, tail: 2 }))).map((e) => e.data.toString()), ['b\n', 'c\n']);
    assert.deepEqual(await all(readK8sLog(file, { ...base, tail: 0 })), []);
    assert.deepEqual((await all(readK8sLog(file, { ...base, since: 1709287201.5 }))).map((e) => e.data.toString()), ['b\n', 'c\n']);
    assert.deepEqual((await all(readK8sLog(file, { ...base, until: 1709287201.9 }))).map((e) => e.data.toString()), ['a\n', 'b\n']);
    assert.deepEqual(await all(readK8sLog(`${file}.missing`, base)), []);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('reader: follow picks up appended lines and ends when stop resolves', async () => {
  const file = tmpLog(`${T0} stdout F old\n`);
  try {
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    const stream = readK8sLog(file, { follow: true, since: 0, until: 0, tail: -1, stop: stopped });
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of stream as AsyncIterable<LogEntry>) {
        seen.push(e.data.toString());
        if (seen.length === 1) fs.appendFileSync(file, `${T1} stdout F new\n${T2} stdout P tail-without-newline\n`);
        if (seen.length === 2) stop();
      }
    })();
    await done;
    assert.deepEqual(seen, ['old\n', 'new\n', 'tail-without-newline']);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});
