import { test } from 'node:test';
import assert from 'node:assert/strict';
import { customFields, parsePsOutput, top } from './top';

const PS_EF = `UID          PID    PPID  C STIME TTY          TIME CMD
root           1       0  0 04:06 ?        00:00:05 /sbin/init splash
root         200       1  0 04:07 ?        00:00:00 sh -c sleep 100
root         201     200  0 04:07 ?        00:00:00 sleep 100
`;

test('keeps the rows of the given PIDs, the last column keeping its spaces', () => {
  const r = parsePsOutput(PS_EF, [200, 201], false);
  assert.deepEqual(r.titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(r.processes, [
    ['root', '200', '1', '0', '04:07', '?', '00:00:00', 'sh -c sleep 100'],
    ['root', '201', '200', '0', '04:07', '?', '00:00:00', 'sleep 100'],
  ]);
});

test('a prepended PID column is used and hidden; thread rows follow their process', () => {
  const out = '  PID COMMAND\n   10 a\n    - -\n   11 b\n    - -\n';
  assert.deepEqual(parsePsOutput(out, [10], true), { titles: ['COMMAND'], processes: [['a'], ['-']] });
});

test("Docker's errors for ps output without a PID column or with a bad PID", () => {
  assert.throws(() => parsePsOutput('COMMAND\nsh\n', [1], false), (e: Error & { status?: number }) =>
    e.message === "Couldn't find PID field in ps output" && e.status === 500);
  assert.throws(() => parsePsOutput('PID CMD\nxx sh\n', [1], false), /Unexpected pid 'xx'/);
});

test('custom-format detection as Docker does it', () => {
  assert.equal(customFields(['-ef']), false);
  assert.equal(customFields(['-o', 'pid,comm']), true);
  assert.equal(customFields(['aux']), false);
  assert.equal(customFields(['efocmd']), true);
  assert.equal(customFields(['-C', 'ocmd']), false);
  assert.equal(customFields(['--format=pid']), true);
  assert.equal(customFields(['--sort', 'ocmd']), false);
});

test('runs the real ps and keeps only the given PIDs', async () => {
  const r = await top([process.pid], '');
  assert.ok(r.titles.includes('PID'));
  assert.equal(r.processes.length, 1);
  assert.equal(r.processes[0][r.titles.indexOf('PID')], String(process.pid));
  const custom = await top([process.pid], '-o comm');
  assert.deepEqual(custom.titles, ['COMMAND']);
  assert.deepEqual(custom.processes, [['node']]);
  await assert.rejects(top([process.pid], '--no-such-option'), (e: Error) => /^ps: /.test(e.message));
});
