import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSeccomp, kernelAtLeast, seccompFromDockerProfile } from './seccomp';
import { DEFAULT_CAPABILITIES } from './capabilities';
import type { OciSeccomp } from './oci-types';

const x86 = { arch: 'x86_64' as const, kernel: '6.1.0-13-amd64' };
const arm = { arch: 'aarch64' as const, kernel: '6.1.0' };

/** Names allowed unconditionally (no args) by a profile. */
function allowed(p: OciSeccomp): Set<string> {
  return new Set((p.syscalls ?? []).filter((s) => s.action === 'SCMP_ACT_ALLOW' && !s.args).flatMap((s) => s.names));
}
function rulesFor(p: OciSeccomp, name: string) {
  return (p.syscalls ?? []).filter((s) => s.names.includes(name));
}

test('default profile: EPERM by default, native and compat arches, base list allowed', () => {
  const p = defaultSeccomp([...DEFAULT_CAPABILITIES], x86);
  assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(p.defaultErrnoRet, 1);
  assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  const a = allowed(p);
  for (const n of ['read', 'write', 'execve', 'openat', 'clone_NOT'].slice(0, 4)) assert.ok(a.has(n), n);
  assert.ok(a.has('chroot'), 'CAP_SYS_CHROOT is a default cap, so chroot is allowed');
  assert.ok(a.has('arch_prctl'));
  assert.ok(a.has('ptrace'), 'ptrace is allowed on kernels >= 4.8');
});

test('without CAP_SYS_ADMIN: no mount/unshare/setns, clone only without namespace flags, clone3 ENOSYS', () => {
  const p = defaultSeccomp([...DEFAULT_CAPABILITIES], x86);
  const a = allowed(p);
  for (const n of ['mount', 'umount2', 'unshare', 'setns', 'sethostname', 'bpf', 'keyctl', 'add_key', 'kexec_load']) assert.ok(!a.has(n), n);
  const clone = rulesFor(p, 'clone');
  assert.equal(clone.length, 1);
  assert.deepEqual(clone[0].args, [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
  assert.deepEqual(rulesFor(p, 'clone3'), [{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
  assert.ok(!a.has('kcmp') && !a.has('open_by_handle_at') && !a.has('reboot') && !a.has('settimeofday'));
});

test('with CAP_SYS_ADMIN: namespace syscalls allowed and the clone restrictions disappear', () => {
  const p = defaultSeccomp([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'], x86);
  const a = allowed(p);
  for (const n of ['mount', 'unshare', 'setns', 'clone', 'clone3']) assert.ok(a.has(n), n);
  assert.ok(!rulesFor(p, 'clone').some((r) => r.args), 'no masked clone rule');
  assert.ok(!rulesFor(p, 'clone3').some((r) => r.action === 'SCMP_ACT_ERRNO'));
});

test('capability groups follow their caps', () => {
  const a = allowed(defaultSeccomp(['CAP_SYS_PTRACE', 'CAP_SYS_TIME', 'CAP_DAC_READ_SEARCH', 'CAP_SYS_NICE'], x86));
  for (const n of ['kcmp', 'process_vm_readv', 'settimeofday', 'clock_settime', 'open_by_handle_at', 'mbind']) assert.ok(a.has(n), n);
  assert.ok(!a.has('chroot'), 'no CAP_SYS_CHROOT, no chroot');
  assert.ok(!a.has('init_module'));
});

test('argument rules: personality values and socket without AF_VSOCK', () => {
  const p = defaultSeccomp([...DEFAULT_CAPABILITIES], x86);
  assert.deepEqual(rulesFor(p, 'personality').map((r) => r.args?.[0].value), [0, 8, 0x20000, 0x20008, 0xffffffff]);
  assert.ok(!allowed(p).has('socket'));
  assert.deepEqual(rulesFor(p, 'socket')[0].args, [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]);
});

test('architecture and kernel conditions', () => {
  const a = allowed(defaultSeccomp([...DEFAULT_CAPABILITIES], arm));
  assert.ok(a.has('cacheflush') && !a.has('arch_prctl') && !a.has('modify_ldt'));
  assert.deepEqual(defaultSeccomp([], arm).architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(!allowed(defaultSeccomp([], { arch: 'x86_64', kernel: '4.4.0' })).has('ptrace'));
  assert.ok(kernelAtLeast('4.8.0-1-amd64', '4.8') && kernelAtLeast('5.0', '4.8') && !kernelAtLeast('4.7.9', '4.8'));
});

const dockerProfile = JSON.stringify({
  defaultAction: 'SCMP_ACT_ERRNO',
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  ],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [] },
    { name: 'mkdir', action: 'SCMP_ACT_LOG' },
    { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }], excludes: { caps: ['CAP_SYS_ADMIN'] } },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
    { names: ['cacheflush'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38, excludes: { arches: ['amd64'] } },
    { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '99.0' } },
  ],
});

test('Docker-format profile: archMap, includes and excludes resolved for the container', () => {
  const p = seccompFromDockerProfile(dockerProfile, ['CAP_CHOWN'], x86);
  assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(p.syscalls?.map((s) => s.names.join(',')), ['read,write', 'mkdir', 'clone', 'arch_prctl']);
  assert.equal(p.syscalls?.[1].action, 'SCMP_ACT_LOG');
  assert.equal(p.syscalls?.[0].args, undefined);
  const admin = seccompFromDockerProfile(dockerProfile, ['CAP_SYS_ADMIN'], arm);
  assert.deepEqual(admin.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.deepEqual(admin.syscalls?.map((s) => s.names.join(',')), ['read,write', 'mkdir', 'mount', 'cacheflush', 'clone3']);
  assert.equal(admin.syscalls?.[4].errnoRet, 38);
});

test('Docker-format profile errors', () => {
  const bad = (json: string, re: RegExp): void =>
    assert.throws(() => seccompFromDockerProfile(json, [], x86), (e: Error & { status?: number }) => re.test(e.message) && e.status === 400, json);
  bad('{"defaultAction": "SCMP_ACT_ERRNO",', /^Decoding seccomp profile failed: /);
  bad('[]', /^Decoding seccomp profile failed: json: cannot unmarshal array into Go value of type seccomp.Seccomp$/);
  bad('{"defaultAction": 3}', /cannot unmarshal number into Go struct field Seccomp.defaultAction/);
  bad('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": "read"}', /cannot unmarshal string into Go struct field Seccomp.syscalls/);
  bad('{"defaultAction": "SCMP_ACT_ERRNO", "architectures": ["SCMP_ARCH_X86_64"], "archMap": [{"architecture": "SCMP_ARCH_X86_64"}]}',
    /'architectures' and 'archMap' were specified/);
  bad('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"name": "read", "names": ["write"], "action": "SCMP_ACT_ALLOW"}]}',
    /'name' and 'names' were specified/);
  bad('{"defaultAction": "SCMP_ACT_NOPE"}', /unknown seccomp action "SCMP_ACT_NOPE"/);
  bad('{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "LT"}]}]}',
    /unknown seccomp operator "LT"/);
});

test('an empty Docker profile filters nothing', () => {
  assert.deepEqual(seccompFromDockerProfile('{}', [], x86), { defaultAction: 'SCMP_ACT_ALLOW' });
});
