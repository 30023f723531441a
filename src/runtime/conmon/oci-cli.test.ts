import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OciRuntimeError, runtimeErrorMessage } from './oci-cli';
import { mergeEnv, processToJson } from './exec';

test('runtime error text: runc json log lines, logrus text, plain text', () => {
  const json = '{"level":"warning","msg":"x"}\n{"level":"error","msg":"runc create failed: unable to start container process: exec: \\"foo\\": executable file not found in $PATH","time":"t"}\n';
  assert.equal(runtimeErrorMessage(json), 'runc create failed: unable to start container process: exec: "foo": executable file not found in $PATH');
  assert.equal(runtimeErrorMessage('time="t" level=error msg="container \\"x\\" does not exist"\n'), 'container "x" does not exist');
  assert.equal(runtimeErrorMessage('crun: cannot find container\n'), 'crun: cannot find container');
  const e = new OciRuntimeError('create', 'exec: "foo": executable file not found in $PATH');
  assert.equal(e.message, 'exec: "foo": executable file not found in $PATH');
  assert.equal(e.dockerMessage, 'OCI runtime create failed: exec: "foo": executable file not found in $PATH: unknown');
  assert.equal(e.status, 500);
  assert.equal(e.notFound, false);
  assert.equal(new OciRuntimeError('state', 'container does not exist').notFound, true);
});

test('exec env: exec values replace the container\'s, a bare name unsets', () => {
  assert.deepEqual(mergeEnv(['PATH=/bin', 'A=1', 'B=2'], ['A=9', 'C=3', 'B']), ['PATH=/bin', 'A=9', 'C=3']);
});

test('exec process.json keeps RLIM_INFINITY exact', () => {
  const text = processToJson({ user: { uid: 0, gid: 0 }, args: ['sh'], env: [], cwd: '/', rlimits: [{ type: 'RLIMIT_CORE', soft: 18446744073709551615, hard: 5 }] });
  assert.match(text, /"soft":18446744073709551615,"hard":5/);
});
