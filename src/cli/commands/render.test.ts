import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContainerStats, ContainerSummary } from '../../api-types';
import { renderPs } from './container/ls';
import { cpuPercent, memUsage, statsRow } from './container/stats';
import { eventLine } from './system/events';
import { parseDetachKeys } from './container/streams';
import { runExitCode } from '../errors';

const now = 1_800_000_000_000;
const c: ContainerSummary = {
  Id: 'a'.repeat(64), Names: ['/web'], Image: 'busybox', ImageID: 'sha256:x', Command: "sh -c 'while true; do sleep 1; done'",
  Created: now / 1000 - 200, Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }],
  Labels: {}, State: 'running', Status: 'Up 3 minutes', HostConfig: { NetworkMode: 'default' }, NetworkSettings: { Networks: {} }, Mounts: [],
};

test('ps table matches docker 28 byte for byte', () => {
  const out = renderPs([c], { all: false, quiet: false, noTrunc: false, size: false, last: -1, filters: {} }, now);
  assert.equal(out,
    'CONTAINER ID   IMAGE     COMMAND                  CREATED         STATUS         PORTS                          NAMES\n' +
    'aaaaaaaaaaaa   busybox   "sh -c \'while true; …"   3 minutes ago   Up 3 minutes   53/udp, 0.0.0.0:8080->80/tcp   web\n');
  assert.equal(renderPs([c], { all: false, quiet: true, noTrunc: true, size: false, last: -1, filters: {} }, now), `${'a'.repeat(64)}\n`);
});

test('stats CPU % and memory follow docker arithmetic', () => {
  const s = {
    id: 'b'.repeat(64), name: '/web', pids_stats: { current: 3 },
    cpu_stats: { cpu_usage: { total_usage: 2_000_000_000 }, system_cpu_usage: 20_000_000_000, online_cpus: 4 },
    precpu_stats: { cpu_usage: { total_usage: 1_000_000_000 }, system_cpu_usage: 10_000_000_000 },
    memory_stats: { usage: 10 * 1024 * 1024, limit: 100 * 1024 * 1024, stats: { total_inactive_file: 2 * 1024 * 1024 } },
    networks: { eth0: { rx_bytes: 1000, tx_bytes: 2000 } },
    blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 0 }] },
  } as unknown as ContainerStats;
  assert.equal(cpuPercent(s), 40);
  assert.equal(memUsage(s), 8 * 1024 * 1024);
  assert.deepEqual(statsRow(s, 'web', true), {
    Container: 'web', ID: 'bbbbbbbbbbbb', Name: 'web', CPUPerc: '40.00%', MemUsage: '8MiB / 100MiB', MemPerc: '8.00%',
    NetIO: '1kB / 2kB', BlockIO: '4.1kB / 0B', PIDs: '3',
  });
});

test('event line format', () => {
  const tz = process.env.TZ;
  process.env.TZ = 'UTC';
  assert.equal(eventLine({ Type: 'container', Action: 'start', Actor: { ID: 'abc', Attributes: { name: 'web', image: 'busybox' } }, scope: 'local', time: 1795406400, timeNano: 1795406400123456789 }),
    '2026-11-23T04:00:00.123456800Z container start abc (image=busybox, name=web)');
  process.env.TZ = tz;
});

test('detach keys and exit-code mapping', () => {
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17]);
  assert.deepEqual(parseDetachKeys('a,ctrl-@'), [97, 0]);
  assert.equal(runExitCode('exec: "nope": executable file not found in $PATH'), 127);
  assert.equal(runExitCode('exec /etc: permission denied'), 126);
  assert.equal(runExitCode('something else'), 125);
});
