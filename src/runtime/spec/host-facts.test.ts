import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLimits, readHostFacts } from './host-facts';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max stack size            8388608              unlimited            bytes
Max core file size        0                    unlimited            bytes
Max processes             96365                96365                processes
Max open files            20000                20000                files
Max nice priority         0                    0
Max realtime timeout      unlimited            unlimited            us
`;

test('limits parse to RLIMIT_* names with Infinity for unlimited', () => {
  assert.deepEqual(parseLimits(LIMITS), [
    { name: 'RLIMIT_CPU', soft: Infinity, hard: Infinity },
    { name: 'RLIMIT_STACK', soft: 8388608, hard: Infinity },
    { name: 'RLIMIT_CORE', soft: 0, hard: Infinity },
    { name: 'RLIMIT_NPROC', soft: 96365, hard: 96365 },
    { name: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
    { name: 'RLIMIT_NICE', soft: 0, hard: 0 },
    { name: 'RLIMIT_RTTIME', soft: Infinity, hard: Infinity },
  ]);
});

test('readHostFacts reads this host and caches', () => {
  const h = readHostFacts();
  assert.equal(readHostFacts(), h);
  assert.ok(h.boundingCaps.includes('CAP_CHOWN'));
  assert.ok(h.rlimits.some((r) => r.name === 'RLIMIT_NOFILE'));
  assert.ok(h.cgroupVersion === 1 || h.cgroupVersion === 2);
});
