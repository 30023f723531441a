/** A minimal ContainerRunSpec for the spec generator's tests. */
import type { ContainerRunSpec } from '../oci-runtime';
import type { HostFacts } from './host-facts';

export function baseRunSpec(over: Partial<ContainerRunSpec> = {}): ContainerRunSpec {
  return {
    id: 'c0ffee', name: 'test', rootfs: '/nonexistent-rootfs', readonlyRootfs: false, hostname: 'c0ffee', domainname: '',
    process: { args: ['sh'], env: [], cwd: '/', user: '', groupAdd: [], terminal: false, noNewPrivileges: false, rlimits: [] },
    privileged: false, capAdd: [], capDrop: [], seccomp: { kind: 'default' },
    namespaces: { network: 'private', pid: 'private', ipc: 'private', uts: 'private' },
    mounts: [], resources: {}, sysctls: {}, shmSize: 0, init: false, annotations: {}, runtime: 'runc',
    ...over,
  };
}

/** A host like ours (CapBnd 000001fffeffffff): every cap 0..40 but CAP_SYS_RESOURCE, v1 cgroups with swap accounting. */
export function fakeHost(over: Partial<HostFacts> = {}): HostFacts {
  return {
    boundingCaps: ['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
      'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
      'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
      'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD',
      'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
      'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE'],
    rlimits: [
      { name: 'RLIMIT_NOFILE', soft: 20000, hard: 20000 },
      { name: 'RLIMIT_STACK', soft: 8388608, hard: Infinity },
      { name: 'RLIMIT_NPROC', soft: 96365, hard: 96365 },
    ],
    cgroupVersion: 1, memorySwapAccounting: true, initPath: '/usr/bin/tini-static',
    ...over,
  };
}
