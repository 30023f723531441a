import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUlimit } from './ulimit';
import { parseRestartPolicy } from './restart';
import { parseFilters } from './filters';
import { parseSecurityOpts } from './security-opt';

test('ulimits', () => {
  assert.deepEqual(parseUlimit('nofile=1024:2048'), { Name: 'nofile', Soft: 1024, Hard: 2048 });
  assert.deepEqual(parseUlimit('nproc=512'), { Name: 'nproc', Soft: 512, Hard: 512 });
  assert.throws(() => parseUlimit('nofile'), /invalid ulimit argument/);
  assert.throws(() => parseUlimit('bogus=1'), /invalid ulimit type: bogus/);
  assert.throws(() => parseUlimit('nofile=10:5'), /soft limit must be less than or equal to hard limit/);
});

test('restart policies', () => {
  assert.deepEqual(parseRestartPolicy('on-failure:2'), { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.deepEqual(parseRestartPolicy('always'), { Name: 'always', MaximumRetryCount: 0 });
  assert.deepEqual(parseRestartPolicy(''), { Name: 'no', MaximumRetryCount: 0 });
  assert.throws(() => parseRestartPolicy('always:3'), /only be used with 'on-failure'/);
  assert.throws(() => parseRestartPolicy('on-failure:x'), /must be an integer/);
  assert.throws(() => parseRestartPolicy('sometimes'), /unknown policy/);
});

test('filters group repeated keys', () => {
  assert.deepEqual(parseFilters(['status=exited', 'label=a=b', 'status=created']), { status: ['exited', 'created'], label: ['a=b'] });
  assert.throws(() => parseFilters(['nope']), /bad format of filter/);
});

test('security opts inline seccomp profiles and recognise systempaths', () => {
  const r = parseSecurityOpts(['no-new-privileges', 'seccomp=/p.json', 'apparmor:unconfined', 'systempaths=unconfined', 'seccomp=unconfined'],
    () => '{ "defaultAction": "SCMP_ACT_ALLOW" }');
  assert.deepEqual(r.securityOpt, ['no-new-privileges', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}', 'apparmor=unconfined', 'seccomp=unconfined']);
  assert.equal(r.unmaskSystemPaths, true);
  assert.throws(() => parseSecurityOpts(['bogus'], () => ''), /Invalid --security-opt/);
});
