import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { containerEnv, containerRlimits, DEFAULT_MASKED_PATHS, generateOciSpec } from './generate';
import { ociSpecToJson } from './oci-types';
import { cpuQuotaFromNanoCpus, ociResources } from './resources';
import { capsToMask } from './capabilities';
import { baseRunSpec, fakeHost } from './test-spec';

const MiB = 1024 * 1024;

test('default container: Docker caps, namespaces, cgroupsPath, devices, masked paths, seccomp', () => {
  const s = generateOciSpec(baseRunSpec(), fakeHost());
  const c = s.process.capabilities;
  assert.ok(c);
  assert.equal(capsToMask(c.effective), '00000000a80425fb');
  assert.deepEqual(c.bounding, c.effective);
  assert.deepEqual(c.permitted, c.effective);
  assert.deepEqual(c.inheritable, []);
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc']);
  assert.equal(s.linux.cgroupsPath, '/berth/c0ffee');
  assert.equal(s.hostname, 'c0ffee');
  assert.deepEqual(s.linux.devices, []);
  assert.deepEqual(s.linux.resources?.devices?.[0], { allow: false, access: 'rwm' });
  assert.ok(s.linux.resources?.devices?.some((d) => d.allow && d.major === 1 && d.minor === 3));
  assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS);
  assert.ok(s.linux.readonlyPaths?.includes('/proc/sys'));
  assert.equal(s.linux.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
  assert.deepEqual(s.mounts.map((m) => m.destination), ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm']);
  assert.ok(s.mounts[3].options?.includes('ro'));
  assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes(`size=${64 * MiB}`));
  assert.equal(s.process.cwd, '/');
});

test('cgroup v2 hosts get a private cgroup namespace, as Docker does', () => {
  const s = generateOciSpec(baseRunSpec(), fakeHost({ cgroupVersion: 2 }));
  assert.deepEqual(s.linux.namespaces.map((n) => n.type), ['mount', 'network', 'uts', 'pid', 'ipc', 'cgroup']);
});

test('namespace modes: host omits, path joins', () => {
  const s = generateOciSpec(baseRunSpec({
    namespaces: { network: { path: '/run/netns/x' }, pid: 'host', ipc: 'host', uts: 'host' },
  }), fakeHost());
  assert.deepEqual(s.linux.namespaces, [{ type: 'mount' }, { type: 'network', path: '/run/netns/x' }]);
  assert.equal(s.hostname, undefined, 'no hostname without a UTS namespace');
  const shm = s.mounts.find((m) => m.destination === '/dev/shm');
  assert.deepEqual(shm, { destination: '/dev/shm', type: 'bind', source: '/dev/shm', options: ['rbind', 'nosuid', 'noexec', 'nodev'] });
});

test('privileged: the bounding set, host devices, no masks, /sys rw, no seccomp', () => {
  const host = fakeHost({ boundingCaps: ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN'] });
  const s = generateOciSpec(baseRunSpec({ privileged: true, capDrop: ['ALL'] }), host);
  assert.deepEqual(s.process.capabilities?.effective, ['CAP_CHOWN', 'CAP_SYS_ADMIN', 'CAP_NET_ADMIN']);
  assert.deepEqual(s.linux.resources?.devices, [{ allow: true, access: 'rwm' }]);
  assert.ok((s.linux.devices ?? []).some((d) => d.path === '/dev/null' && d.type === 'c' && d.major === 1 && d.minor === 3));
  assert.deepEqual(s.linux.maskedPaths, []);
  assert.deepEqual(s.linux.readonlyPaths, []);
  assert.ok(s.mounts.find((m) => m.destination === '/sys')?.options?.includes('rw'));
  assert.equal(s.linux.seccomp, undefined);
});

test('seccomp kinds: unconfined, custom profile resolved against the caps', () => {
  assert.equal(generateOciSpec(baseRunSpec({ seccomp: { kind: 'unconfined' } }), fakeHost()).linux.seccomp, undefined);
  const json = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', excludes: { caps: ['CAP_SYS_ADMIN'] } }] });
  const s = generateOciSpec(baseRunSpec({ seccomp: { kind: 'profile', json } }), fakeHost());
  assert.deepEqual(s.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] });
  const admin = generateOciSpec(baseRunSpec({ capAdd: ['SYS_ADMIN'], seccomp: { kind: 'profile', json } }), fakeHost());
  assert.deepEqual(admin.linux.seccomp?.syscalls, []);
});

test('masked and read-only paths can be overridden', () => {
  const s = generateOciSpec(baseRunSpec({ maskedPaths: ['/proc/x'], readonlyPaths: [] }), fakeHost());
  assert.deepEqual(s.linux.maskedPaths, ['/proc/x']);
  assert.deepEqual(s.linux.readonlyPaths, []);
});

test('user mounts follow the defaults, parents first, and replace defaults they cover', () => {
  const s = generateOciSpec(baseRunSpec({
    mounts: [
      { destination: '/data/sub', type: 'bind', source: '/tmp/b', options: ['rbind'] },
      { destination: '/data', type: 'bind', source: '/tmp/a', options: ['rbind'] },
      { destination: '/dev/shm/', type: 'tmpfs', source: 'tmpfs', options: ['size=1k'] },
      { destination: '/etc/hosts', type: 'bind', source: '/tmp/hosts', options: ['rbind', 'ro'] },
    ],
  }), fakeHost());
  assert.deepEqual(s.mounts.map((m) => m.destination),
    ['/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/data', '/data/sub', '/dev/shm', '/etc/hosts']);
  assert.deepEqual(s.mounts.find((m) => m.destination === '/dev/shm')?.options, ['size=1k']);
});

test('shm size, readonly rootfs, init, sysctls, oom score, annotations', () => {
  const s = generateOciSpec(baseRunSpec({
    shmSize: 2 * MiB, readonlyRootfs: true, init: true, sysctls: { 'net.ipv4.ip_forward': '1' },
    process: { ...baseRunSpec().process, args: ['sleep', '1'], oomScoreAdj: 500 }, annotations: { a: 'b' },
  }), fakeHost());
  assert.ok(s.mounts.find((m) => m.destination === '/dev/shm')?.options?.includes(`size=${2 * MiB}`));
  assert.equal(s.root.readonly, true);
  assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sleep', '1']);
  assert.deepEqual(s.mounts.at(-1), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini-static', options: ['bind', 'ro'] });
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ip_forward': '1' });
  assert.equal(s.process.oomScoreAdj, 500);
  assert.deepEqual(s.annotations, { a: 'b' });
  assert.throws(() => generateOciSpec(baseRunSpec({ init: true }), fakeHost({ initPath: null })), /init/);
  assert.throws(() => generateOciSpec(baseRunSpec({ sysctls: { 'net.core.somaxconn': '1' }, namespaces: { ...baseRunSpec().namespaces, network: 'host' } }), fakeHost()),
    /not allowed in host network namespace/);
  assert.throws(() => generateOciSpec(baseRunSpec({ sysctls: { 'vm.swappiness': '1' } }), fakeHost()), /not in a separate kernel namespace/);
});

test("env: Docker's PATH, HOSTNAME, TERM, replacements, removal and HOME", () => {
  assert.deepEqual(containerEnv(['A=1'], 'h', true, '/root'),
    ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOSTNAME=h', 'TERM=xterm', 'A=1', 'HOME=/root']);
  assert.deepEqual(containerEnv(['PATH=/x', 'HOME=/h', 'HOSTNAME=mine', 'A=1', 'A=2', 'B=3', 'B'], 'h', false, '/root'),
    ['PATH=/x', 'HOSTNAME=mine', 'HOME=/h', 'A=2']);
});

test('user and HOME come from the rootfs passwd', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-gen-'));
  try {
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/sh\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'web:x:33:\nlog:x:4:web\n');
    const s = generateOciSpec(baseRunSpec({ rootfs: root, process: { ...baseRunSpec().process, user: 'web', groupAdd: ['7'] } }), fakeHost());
    assert.deepEqual(s.process.user, { uid: 33, gid: 33, additionalGids: [4, 7] });
    assert.ok(s.process.env.includes('HOME=/var/www'));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test("rlimits: the daemon's finite ones, the user's over them, unlimited written exactly", () => {
  const host = fakeHost().rlimits;
  assert.deepEqual(containerRlimits(host, []), [
    { type: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 }, { type: 'RLIMIT_NPROC', soft: 96365, hard: 96365 }]);
  const r = containerRlimits(host, [{ name: 'nofile', soft: 1024, hard: 2048 }, { name: 'core', soft: -1, hard: -1 }]);
  assert.deepEqual(r[0], { type: 'RLIMIT_NOFILE', soft: 1024, hard: 2048 });
  assert.deepEqual(r[2], { type: 'RLIMIT_CORE', soft: Infinity, hard: Infinity });
  assert.throws(() => containerRlimits(host, [{ name: 'bogus', soft: 1, hard: 1 }]), /invalid ulimit type: bogus/);
  assert.throws(() => containerRlimits(host, [{ name: 'nofile', soft: 10, hard: 5 }]), /soft limit must be less than or equal to hard limit/);
  const spec = generateOciSpec(baseRunSpec({ process: { ...baseRunSpec().process, rlimits: [{ name: 'core', soft: -1, hard: -1 }] } }), fakeHost());
  const text = ociSpecToJson(spec);
  assert.match(text, /"type": "RLIMIT_CORE",\s*"soft": 18446744073709551615,\s*"hard": 18446744073709551615/);
  assert.ok(!text.includes('null'));
});

test('memory: swap defaults to twice the memory only with swap accounting', () => {
  assert.deepEqual(ociResources({ memory: 32 * MiB }, true, 2).memory, { limit: 32 * MiB, swap: 64 * MiB });
  assert.deepEqual(ociResources({ memory: 32 * MiB }, false, 2).memory, { limit: 32 * MiB });
  assert.deepEqual(ociResources({ memory: 32 * MiB, memorySwap: -1 }, true, 2).memory, { limit: 32 * MiB, swap: -1 });
  assert.deepEqual(ociResources({ memory: 32 * MiB, memorySwap: 100 * MiB, memoryReservation: 16 * MiB }, true, 2).memory,
    { limit: 32 * MiB, reservation: 16 * MiB, swap: 100 * MiB });
  assert.equal(ociResources({}, true, 2).memory, undefined);
  assert.throws(() => ociResources({ memory: 1 * MiB }, true, 2), /Minimum memory limit allowed is 6MB/);
  assert.throws(() => ociResources({ memorySwap: 64 * MiB }, true, 2), /always set the Memory limit/);
  assert.throws(() => ociResources({ memory: 64 * MiB, memorySwap: 32 * MiB }, true, 2), /memoryswap limit should be larger/);
});

test('cpus: NanoCpus become quota over a 100ms period; others pass through', () => {
  assert.deepEqual(cpuQuotaFromNanoCpus(1.5e9), { quota: 150000, period: 100000 });
  assert.deepEqual(ociResources({ nanoCpus: 5e8, cpuShares: 512, cpusetCpus: '0' }, true, 2).cpu,
    { shares: 512, quota: 50000, period: 100000, cpus: '0' });
  assert.deepEqual(ociResources({ cpuQuota: 20000, cpuPeriod: 50000 }, true, 2).cpu, { quota: 20000, period: 50000 });
  assert.throws(() => ociResources({ nanoCpus: 3e9 }, true, 2), /Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available/);
  assert.throws(() => ociResources({ nanoCpus: 1e9, cpuQuota: 1000 }, true, 2), /Nano CPUs and CPU Quota cannot both be set/);
  assert.deepEqual(ociResources({ pidsLimit: 50, blkioWeight: 300 }, true, 2), { pids: { limit: 50 }, blockIO: { weight: 300 } });
  assert.equal(ociResources({ pidsLimit: -1 }, true, 2).pids, undefined);
});
