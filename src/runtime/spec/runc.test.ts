/**
 * Real containers from generated specs: runc runs each config.json against a busybox rootfs.
 * Needs root and runc (CI runs as root); it fails rather than skips when either is missing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ContainerRunSpec } from '../oci-runtime';
import { cgroupPids, cgroupPaths, readCgroupStats } from '../cgroups';
import { top } from '../top';
import { capsToMask } from './capabilities';
import { generateOciSpec } from './generate';
import { readHostFacts } from './host-facts';
import { ociSpecToJson } from './oci-types';
import { baseRunSpec } from './test-spec';

const MiB = 1024 * 1024;
let tmp = '';
let rootfs = '';
let runcRoot = '';
const made: string[] = [];

function runcBinary(): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin'])) {
    const p = path.join(dir, 'runc');
    if (fs.existsSync(p)) return p;
  }
  throw new Error('runc is not installed: these tests need it (apt-get install runc)');
}

before(() => {
  assert.equal(process.getuid?.(), 0, 'the runc tests must run as root');
  runcBinary();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-runc-'));
  rootfs = path.join(tmp, 'rootfs');
  runcRoot = path.join(tmp, 'runc');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/app']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(rootfs, 'bin/busybox'));
  fs.chmodSync(path.join(rootfs, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n').filter((a) => a && a !== 'busybox');
  for (const a of applets) fs.symlinkSync('busybox', path.join(rootfs, 'bin', a));
  fs.writeFileSync(path.join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n');
  fs.writeFileSync(path.join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\nstaff:x:50:app\n');
});

after(() => {
  for (const id of made) {
    try { execFileSync(runcBinary(), ['--root', runcRoot, 'delete', '--force', id], { stdio: 'ignore' }); } catch { /* already gone */ }
  }
  // runc removes each container's cgroup; the /berth parents go if nothing else uses them
  const host = readHostFacts();
  for (const dir of new Set(Object.values(cgroupPaths('/berth', host).controllers))) {
    try { fs.rmdirSync(dir); } catch { /* in use or absent */ }
  }
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

let seq = 0;
function bundleFor(over: Partial<ContainerRunSpec>, args: string[]): { id: string; bundle: string } {
  const id = `berth-spec-test-${process.pid}-${++seq}`;
  const spec = baseRunSpec({ id, rootfs, ...over, process: { ...baseRunSpec().process, ...over.process, args } });
  const bundle = path.join(tmp, 'bundles', id);
  fs.mkdirSync(bundle, { recursive: true });
  fs.writeFileSync(path.join(bundle, 'config.json'), ociSpecToJson(generateOciSpec(spec, readHostFacts())));
  made.push(id);
  return { id, bundle };
}

/** `runc run` in the foreground: the container's output and exit code. */
function run(over: Partial<ContainerRunSpec>, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { id, bundle } = bundleFor(over, args);
  return new Promise((resolve) => {
    execFile(runcBinary(), ['--root', runcRoot, 'run', '--bundle', bundle, id], { timeout: 30000 }, (e, out, err) => {
      const code = e ? (typeof (e as { code?: unknown }).code === 'number' ? (e as { code: number }).code : -1) : 0;
      resolve({ code, out: String(out), err: String(err) });
    });
  });
}

test('default caps give CapEff 00000000a80425fb', async () => {
  const r = await run({}, 'sh', '-c', 'grep CapEff /proc/self/status');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^CapEff:\s+00000000a80425fb$/m);
});

test('privileged gets exactly the daemon bounding set', async () => {
  const r = await run({ privileged: true }, 'sh', '-c', 'grep CapEff /proc/self/status');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, new RegExp(`CapEff:\\s+${capsToMask(readHostFacts().boundingCaps)}`));
});

test('cap-drop ALL with one cap added', async () => {
  const r = await run({ capDrop: ['ALL'], capAdd: ['net_bind_service'] }, 'sh', '-c', 'grep CapEff /proc/self/status');
  assert.match(r.out, /CapEff:\s+0000000000000400/);
});

test('seccomp: unshare is refused without CAP_SYS_ADMIN, allowed with it or unconfined', async () => {
  const blocked = await run({}, 'unshare', '-U', 'true');
  assert.notEqual(blocked.code, 0);
  assert.match(blocked.err + blocked.out, /Operation not permitted/);
  // user namespaces need no capability, so only the filter was in the way
  const unconfined = await run({ seccomp: { kind: 'unconfined' } }, 'unshare', '-U', 'true');
  assert.equal(unconfined.code, 0, unconfined.err);
  const admin = await run({ capAdd: ['SYS_ADMIN'] }, 'unshare', '-U', 'true');
  assert.equal(admin.code, 0, admin.err);
});

test('ps inside shows the command as PID 1; hostname, env and rlimits as Docker sets them', async () => {
  const r = await run({ hostname: 'boxy' }, 'sh', '-c', 'ps -o pid,comm | sed -n 2p; hostname; echo "$HOME $PATH"; ulimit -n');
  assert.equal(r.code, 0, r.err);
  const [ps, hostname, env, nofile] = r.out.trim().split('\n');
  assert.match(ps, /^\s*1\s+sh$/);
  assert.equal(hostname, 'boxy');
  assert.equal(env, '/root /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
  const own = readHostFacts().rlimits.find((l) => l.name === 'RLIMIT_NOFILE');
  assert.equal(nofile, String(own?.soft));
});

test('user from the rootfs passwd and group', async () => {
  const r = await run({ process: { ...baseRunSpec().process, user: 'app' } }, 'sh', '-c', 'id; echo $HOME');
  assert.equal(r.code, 0, r.err);
  // memberships from /etc/group are the supplementary groups (the primary gid is not repeated, as runc gets it from Docker)
  assert.match(r.out, /uid=1000\(app\) gid=1000\(app\) groups=50\(staff\)$/m);
  assert.match(r.out, /^\/home\/app$/m);
});

test('masked paths, read-only /sys and /proc/sys', async () => {
  const r = await run({}, 'sh', '-c', 'cat /proc/kcore | wc -c; touch /sys/x 2>&1; echo 1 > /proc/sys/kernel/domainname 2>&1; true');
  assert.match(r.out, /^0$/m);
  assert.match(r.out, /Read-only file system/);
});

test('-m 32m is enforced in the cgroup; stats, pids and top see the running container', async (t) => {
  const host = readHostFacts();
  const { id, bundle } = bundleFor({ resources: { memory: 32 * MiB, pidsLimit: 20 } }, ['sh', '-c', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null; sleep 30']);
  const child = spawn(runcBinary(), ['--root', runcRoot, 'run', '--bundle', bundle, id], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => { child.kill('SIGKILL'); });
  let out = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  const cgroup = `/berth/${id}`;
  const limitFile = host.cgroupVersion === 1
    ? path.join(cgroupPaths(cgroup, host).controllers.memory, 'memory.limit_in_bytes')
    : path.join(cgroupPaths(cgroup, host).procsDir, 'memory.max');
  let pids: number[] = [];
  for (let i = 0; i < 100 && pids.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    pids = await cgroupPids(cgroup);
  }
  assert.ok(pids.length > 0, 'the container shows up in its cgroup');
  assert.equal(fs.readFileSync(limitFile, 'utf8').trim(), String(32 * MiB));
  const stats = await readCgroupStats(cgroup);
  assert.equal(stats.memory.limit, 32 * MiB);
  assert.ok(stats.memory.usage > 0);
  assert.equal(stats.pids.limit, 20);
  assert.ok(stats.pids.current >= 1);
  assert.ok(stats.cpu.totalNs > 0 && stats.systemCpuNs > 0 && stats.onlineCpus >= 1);
  const procs = await top(pids, '');
  assert.ok(procs.processes.some((p) => p.at(-1)?.includes('sleep 30') || p.at(-1)?.includes('sh -c')), JSON.stringify(procs));
  if (host.cgroupVersion === 1) {
    for (let i = 0; i < 50 && !out.includes('\n'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(out.trim(), String(32 * MiB), 'the container sees its own limit');
  }
  execFileSync(runcBinary(), ['--root', runcRoot, 'kill', id, 'KILL']);
  await new Promise((r) => child.on('close', r));
  execFileSync(runcBinary(), ['--root', runcRoot, 'delete', '--force', id]);
  assert.equal(fs.existsSync(path.dirname(limitFile)), false, 'runc removed the cgroup');
});

test('--init runs tini as PID 1 with the command under it', async () => {
  const host = readHostFacts();
  assert.ok(host.initPath, 'tini-static must be installed (apt-get install tini) for --init');
  const r = await run({ init: true }, 'sh', '-c', 'ps -o pid,args');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\s*1\s+\/sbin\/docker-init -- sh -c/m);
});

test('host namespaces and a read-only rootfs start under runc', async () => {
  const r = await run({
    readonlyRootfs: true,
    namespaces: { network: 'host', pid: 'host', ipc: 'host', uts: 'host' },
  }, 'sh', '-c', 'hostname; ls /sys/class/net | grep -c .; touch /x 2>&1; test -d /dev/shm && echo shm');
  assert.equal(r.code, 0, r.err);
  const lines = r.out.trim().split('\n');
  assert.equal(lines[0], os.hostname(), 'the host UTS namespace keeps the host name');
  assert.ok(Number(lines[1]) >= 1, 'the host network interfaces are visible');
  assert.match(r.out, /Read-only file system/);
  assert.match(r.out, /^shm$/m);
});
