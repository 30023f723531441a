/* Helpers for this folder's root-only tests: a busybox rootfs and a ContainerRunSpec for it. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { ContainerRunSpec } from '../oci-runtime';
import { ConmonRuntime } from './conmon-runtime';

export const canRunContainers = process.getuid?.() === 0 && fs.existsSync('/bin/busybox') && fs.existsSync('/usr/bin/conmon');

/** A rootfs with /bin/busybox and its applets, /etc/passwd and /etc/group; built once per process. */
let sharedRootfs: string | null = null;
export function busyboxRootfs(): string {
  if (sharedRootfs) return sharedRootfs;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-rootfs-'));
  for (const d of ['bin', 'sbin', 'usr/bin', 'usr/sbin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root']) {
    fs.mkdirSync(path.join(root, d), { recursive: true });
  }
  fs.copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  fs.chmodSync(path.join(root, 'bin/busybox'), 0o755);
  const applets = execFileSync('/bin/busybox', ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  for (const a of applets) {
    const p = path.join(root, a);
    if (!fs.existsSync(p)) fs.symlinkSync('/bin/busybox', p);
  }
  fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
  fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  sharedRootfs = root;
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function runSpec(args: string[], over: Partial<ContainerRunSpec['process']> = {}, id = newId()): ContainerRunSpec {
  return {
    id,
    name: `test-${id.slice(0, 8)}`,
    rootfs: busyboxRootfs(),
    readonlyRootfs: false,
    hostname: id.slice(0, 12),
    domainname: '',
    process: {
      args, env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], cwd: '/', user: '', groupAdd: [],
      terminal: false, noNewPrivileges: false, rlimits: [], ...over,
    },
    privileged: false,
    capAdd: [],
    capDrop: [],
    seccomp: { kind: 'default' },
    namespaces: { network: 'host', pid: 'private', ipc: 'private', uts: 'private' },
    mounts: [],
    resources: {},
    sysctls: {},
    shmSize: 0,
    init: false,
    annotations: {},
    runtime: 'runc',
  };
}

/** A temporary exec-root and log dir; cleanup() kills what is left (by the pids recorded there) and removes it. */
export class Sandbox {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-conmon-'));
  readonly execRoot = path.join(this.dir, 'run');
  readonly ids = new Set<string>();

  runtime(): ConmonRuntime {
    return new ConmonRuntime({ execRoot: this.execRoot, runtimes: { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' }, defaultRuntime: 'runc' });
  }

  logPath(id: string): string {
    return path.join(this.dir, `${id}.log`);
  }

  async cleanup(): Promise<void> {
    const rt = this.runtime();
    for (const id of this.ids) {
      const conmon = await rt.conmonPid(id);
      await rt.delete(id, true).catch(() => undefined);
      if (conmon) {
        try { process.kill(conmon, 'SIGKILL'); } catch { /* already gone */ }
      }
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Collects an attach/exec output stream into stdout/stderr text. */
export async function collect(output: NodeJS.ReadableStream): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  for await (const c of output as AsyncIterable<{ stream: string; data: Buffer }>) {
    if (c.stream === 'stderr') stderr += c.data.toString();
    else stdout += c.data.toString();
  }
  return { stdout, stderr };
}
