import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cgroupPaths } from './paths';
import { cgroupPids, parseProcStat, readCgroupStats } from './stats';

const PROC_STAT = `cpu  100 5 50 1000 10 1 2 7 0 0
cpu0 50 2 25 500 5 0 1 3 0 0
cpu1 50 3 25 500 5 1 1 4 0 0
intr 12345
ctxt 999
`;

let tmp = '';
const write = (file: string, content: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
};

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cgstats-'));
  write(path.join(tmp, 'proc-stat'), PROC_STAT);
  // v1: one directory per controller
  const v1 = (ctrl: string, file: string, content: string): void => write(path.join(tmp, 'v1', ctrl, 'berth/abc', file), content);
  v1('cpuacct', 'cpuacct.usage', '123456789\n');
  v1('cpuacct', 'cpuacct.usage_percpu', '100000000 23456789 \n');
  v1('cpuacct', 'cpuacct.stat', 'user 7\nsystem 3\n');
  v1('cpu', 'cpu.stat', 'nr_periods 10\nnr_throttled 2\nthrottled_time 5000\n');
  v1('memory', 'memory.usage_in_bytes', '4194304\n');
  v1('memory', 'memory.max_usage_in_bytes', '8388608\n');
  v1('memory', 'memory.limit_in_bytes', '33554432\n');
  v1('memory', 'memory.stat', 'cache 4096\nrss 8192\ntotal_inactive_file 1024\n');
  v1('pids', 'pids.current', '3\n');
  v1('pids', 'pids.max', 'max\n');
  v1('pids', 'cgroup.procs', '101\n102\n');
  v1('pids', 'sub/cgroup.procs', '103\n');
  v1('blkio', 'blkio.io_service_bytes_recursive', '');
  v1('blkio', 'blkio.throttle.io_service_bytes_recursive', '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Total 12288\nTotal 12288\n');
  // v2: one directory
  const v2 = (file: string, content: string): void => write(path.join(tmp, 'v2/berth/abc', file), content);
  v2('cpu.stat', 'usage_usec 2500\nuser_usec 2000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\nthrottled_usec 70\n');
  v2('memory.current', '1048576\n');
  v2('memory.max', 'max\n');
  v2('memory.stat', 'anon 4096\nfile 8192\n');
  v2('pids.current', '2\n');
  v2('pids.max', '100\n');
  v2('io.stat', '8:0 rbytes=1000 wbytes=2000 rios=1 wios=2 dbytes=0 dios=0\n253:1 rbytes=5 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n');
  v2('cgroup.procs', '7\n8\n');
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('/proc/stat gives system CPU time as Docker sums it, and online CPUs', () => {
  // user+nice+system+idle+iowait+irq+softirq = 1168 ticks of 10 ms; steal is not counted
  assert.deepEqual(parseProcStat(PROC_STAT), { systemCpuNs: 1168 * 1e7, onlineCpus: 2 });
});

test('cgroup paths: v1 per controller, v2 one directory', () => {
  const v1 = cgroupPaths('/berth/abc', { cgroupVersion: 1 }, { root: '/r' });
  assert.equal(v1.controllers.memory, '/r/memory/berth/abc');
  assert.equal(v1.controllers.cpuacct, '/r/cpuacct/berth/abc');
  assert.equal(v1.procsDir, '/r/pids/berth/abc');
  const v2 = cgroupPaths('berth/abc', { cgroupVersion: 2 }, { root: '/r' });
  assert.equal(v2.controllers.memory, '/r/berth/abc');
  assert.equal(v2.procsDir, '/r/berth/abc');
});

test('v1 stats', async () => {
  const s = await readCgroupStats('/berth/abc', { root: path.join(tmp, 'v1'), version: 1, procStat: path.join(tmp, 'proc-stat'), machineMemory: 1 << 30 });
  assert.deepEqual(s.cpu, {
    totalNs: 123456789, userNs: 7e7, systemNs: 3e7, perCpuNs: [100000000, 23456789],
    throttling: { periods: 10, throttledPeriods: 2, throttledTimeNs: 5000 },
  });
  assert.deepEqual(s.memory, { usage: 4194304, maxUsage: 8388608, limit: 33554432, stats: { cache: 4096, rss: 8192, total_inactive_file: 1024 } });
  assert.deepEqual(s.pids, { current: 3, limit: 0 });
  assert.deepEqual(s.blkio.slice(0, 2), [{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 8192 }]);
  assert.equal(s.blkio.length, 5, 'the bare "Total" line is not a device');
  assert.equal(s.systemCpuNs, 1168 * 1e7);
  assert.equal(s.onlineCpus, 2);
});

test('v2 stats, with an unlimited memory limit reported as the machine memory', async () => {
  const s = await readCgroupStats('/berth/abc', { root: path.join(tmp, 'v2'), version: 2, procStat: path.join(tmp, 'proc-stat'), machineMemory: 1 << 30 });
  assert.deepEqual(s.cpu, { totalNs: 2500000, userNs: 2000000, systemNs: 500000, perCpuNs: [], throttling: { periods: 4, throttledPeriods: 1, throttledTimeNs: 70000 } });
  assert.deepEqual(s.memory, { usage: 1048576, maxUsage: 0, limit: 1 << 30, stats: { anon: 4096, file: 8192 } });
  assert.deepEqual(s.pids, { current: 2, limit: 100 });
  assert.deepEqual(s.blkio, [
    { major: 8, minor: 0, op: 'read', value: 1000 }, { major: 8, minor: 0, op: 'write', value: 2000 },
    { major: 253, minor: 1, op: 'read', value: 5 }, { major: 253, minor: 1, op: 'write', value: 0 },
  ]);
});

test('pids of the cgroup and the ones below it', async () => {
  assert.deepEqual((await cgroupPids('/berth/abc', { root: path.join(tmp, 'v1'), version: 1 })).sort(), [101, 102, 103]);
  assert.deepEqual(await cgroupPids('/berth/abc', { root: path.join(tmp, 'v2'), version: 2 }), [7, 8]);
  assert.deepEqual(await cgroupPids('/berth/none', { root: path.join(tmp, 'v2'), version: 2 }), []);
});
