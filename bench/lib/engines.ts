/**
 * The engines under comparison, each started by the benchmark on temporary roots of its own:
 * berthd, Debian's dockerd (which starts its own containerd), and podman (daemonless). Each
 * knows its CLI, its daemon processes and its per-container monitors, and cleans up after
 * itself: its containers, the daemon it started (by pid), mounts and temporary dirs.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BenchBridge } from './bench-bridge';
import { Command, haveBinary, mustExec, exec, ping, processesMentioning, ProcInfo, sleep, stopPid, unmountUnder, hardLimit } from './proc';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
export const BERTH = path.join(ROOT, 'bin', 'berth');
export const BERTHD = path.join(ROOT, 'bin', 'berthd');
export const DOCKERD = '/usr/sbin/dockerd';

/** What base-images.sh gives the busybox image, so all engines run the same image. */
const BUSYBOX_CHANGES = ['ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'CMD ["sh"]'];
const changeArgs = (): string[] => BUSYBOX_CHANGES.flatMap((c) => ['-c', c]);

export abstract class Engine {
  readonly dir: string;
  private readonly preexisting: Set<string>;
  /**
   * @param hostPaths files and dirs the engine's tools write outside our roots whatever the
   *   flags (deepest first): removed at the end when they did not exist before we started
   *   (directories only when empty, so nobody else's state goes).
   */
  constructor(readonly name: string, private readonly hostPaths: string[] = []) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), `berth-bench-${name}-`));
    this.preexisting = new Set(hostPaths.filter((p) => existsSync(p)));
  }

  /** Starts the daemon (if any) and waits until it answers. */
  abstract start(): Promise<void>;
  /** The engine's own CLI with these arguments. */
  abstract cli(args: string[]): Command;
  /** Loads a rootfs tar as `busybox:latest` (CMD sh). */
  abstract loadBusybox(tar: string): Promise<void>;
  /** The long-lived daemon processes (berthd; dockerd and its containerd; none for podman). */
  abstract daemons(): ProcInfo[];
  /** The per-container monitor processes (conmon, containerd-shim) of this engine. */
  abstract monitors(): ProcInfo[];
  /** Stops the daemon it started; called after every container is removed. */
  protected abstract stopDaemon(): Promise<void>;

  /** Removes every container of this engine. */
  async removeAll(): Promise<void> {
    const ids = (await exec(this.cli(['ps', '-aq']))).stdout.split('\n').filter(Boolean);
    if (ids.length) await exec(this.cli(['rm', '-f', ...ids]), 300_000);
  }

  private destroyed = false;

  /** Containers, daemon, leftover processes that mention our dir, mounts, files. Once. */
  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    try {
      await this.removeAll().catch(() => undefined);
    } finally {
      await this.stopDaemon().catch(() => undefined);
      // only processes whose command line names our temporary dir: ours by construction
      for (const p of processesMentioning(this.dir)) {
        try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
      }
      unmountUnder(this.dir);
      rmSync(this.dir, { recursive: true, force: true });
      this.removeHostPaths();
    }
  }

  private removeHostPaths(): void {
    for (const p of this.hostPaths) {
      if (this.preexisting.has(p)) continue;
      try {
        if (statSync(p).isDirectory()) {
          if (readdirSync(p).length === 0) rmdirSync(p);
        } else unlinkSync(p);
      } catch { /* absent, or in use by someone else: leave it */ }
    }
  }

  protected logFd(): number {
    return openSync(path.join(this.dir, 'daemon.log'), 'a');
  }

  log(): string {
    try { return readFileSync(path.join(this.dir, 'daemon.log'), 'utf8'); } catch { return ''; }
  }

  protected async waitForSocket(sock: string, pid: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!pidAlive(pid)) throw new Error(`${this.name} exited during start:\n${tail(this.log())}`);
      if (await ping(sock)) return;
      await sleep(50);
    }
    throw new Error(`${this.name} did not answer on ${sock} within ${timeoutMs} ms:\n${tail(this.log())}`);
  }
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function tail(s: string, lines = 30): string {
  return s.split('\n').slice(-lines).join('\n');
}

/** A daemon process we spawned, detached from our stdio, logging to a file. */
function spawnDaemon(file: string, args: string[], logFd: number, env?: NodeJS.ProcessEnv): number {
  const child = spawn(file, args, { stdio: ['ignore', logFd, logFd], env: { ...process.env, ...(env ?? {}) } });
  closeSync(logFd);
  child.on('error', () => undefined);
  if (!child.pid) throw new Error(`cannot start ${file}`);
  return child.pid;
}

export class BerthEngine extends Engine {
  readonly sock = path.join(this.dir, 'berth.sock');
  private pid = 0;
  constructor() { super('berth'); }

  async start(): Promise<void> {
    this.pid = spawnDaemon(BERTHD, ['--data-root', path.join(this.dir, 'data'), '--exec-root', path.join(this.dir, 'exec'), '-H', `unix://${this.sock}`], this.logFd());
    await this.waitForSocket(this.sock, this.pid, 30_000);
  }

  cli(args: string[]): Command {
    return { file: BERTH, args, env: { BERTH_HOST: `unix://${this.sock}` } };
  }

  /** The real docker CLI pointed at berthd. */
  dockerCli(args: string[]): Command {
    return { file: 'docker', args, env: { DOCKER_HOST: `unix://${this.sock}`, DOCKER_CONFIG: path.join(this.dir, 'docker-config') } };
  }

  async loadBusybox(tar: string): Promise<void> {
    await mustExec(this.cli(['import', ...changeArgs(), tar, 'busybox:latest']), 'berth import');
  }

  daemons(): ProcInfo[] {
    return processesMentioning(this.dir).filter((p) => p.pid === this.pid);
  }

  monitors(): ProcInfo[] {
    return processesMentioning(this.dir, /^conmon$/);
  }

  protected async stopDaemon(): Promise<void> {
    if (this.pid) await stopPid(this.pid);
  }
}

/** What dockerd 20.10 and its containerd write outside their roots. */
const DOCKERD_HOST_PATHS = ['/etc/docker/key.json', '/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'];

export class DockerdEngine extends Engine {
  readonly sock = path.join(this.dir, 'docker.sock');
  private pid = 0;
  /** dockerd's default network: none (`--bridge=none`), or a bridge the benchmark creates */
  private readonly bridge: BenchBridge | null;
  constructor(opts: { bridge?: boolean } = {}) {
    super('dockerd', DOCKERD_HOST_PATHS);
    this.bridge = opts.bridge ? new BenchBridge() : null;
  }

  static available(): string | null {
    if (!existsSync(DOCKERD)) return `${DOCKERD} not installed (bash bench/install-competitors.sh)`;
    if (!haveBinary('docker')) return 'no docker CLI on PATH';
    return null;
  }

  async start(): Promise<void> {
    const execRoot = path.join(this.dir, 'exec');
    // With a bridge: the benchmark's own (never docker0), and still no iptables: for a
    // container without published ports dockerd's per-container work is the veth and the
    // namespace either way (its NAT rules are per network, made once at daemon start), so
    // leaving them out changes no run's time and keeps the host's firewall untouched (with
    // --iptables dockerd would also set the FORWARD policy to DROP on this shared machine).
    this.bridge?.create();
    this.pid = spawnDaemon(DOCKERD, [
      '--data-root', path.join(this.dir, 'data'), '--exec-root', execRoot, '--pidfile', path.join(this.dir, 'docker.pid'),
      '-H', `unix://${this.sock}`, `--bridge=${this.bridge?.name ?? 'none'}`, '--iptables=false', '--ip-masq=false', '--ip-forward=false',
    ], this.logFd());
    await this.waitForSocket(this.sock, this.pid, 60_000);
    // dockerd started its own containerd under the exec-root: it must have booted and answer
    if (!/containerd successfully booted/.test(this.log())) throw new Error(`dockerd's containerd did not report booting:\n${tail(this.log())}`);
    const ctrSock = path.join(execRoot, 'containerd', 'containerd.sock');
    if (haveBinary('ctr')) await mustExec({ file: 'ctr', args: ['--address', ctrSock, 'version'] }, "dockerd's containerd (ctr version)");
  }

  cli(args: string[]): Command {
    return { file: 'docker', args, env: { DOCKER_HOST: `unix://${this.sock}`, DOCKER_CONFIG: path.join(this.dir, 'docker-config') } };
  }

  async loadBusybox(tar: string): Promise<void> {
    await mustExec(this.cli(['import', ...changeArgs(), tar, 'busybox:latest']), 'docker import');
  }

  daemons(): ProcInfo[] {
    return processesMentioning(this.dir).filter((p) => p.pid === this.pid || p.comm === 'containerd');
  }

  monitors(): ProcInfo[] {
    return processesMentioning(this.dir, /^containerd-shim/);
  }

  protected async stopDaemon(): Promise<void> {
    if (this.pid) await stopPid(this.pid, 20_000);
    // dockerd stops its containerd on exit; a containerd left over names our exec-root
    for (const p of processesMentioning(this.dir, /^containerd$/)) await stopPid(p.pid, 5000);
    this.bridge?.destroy();
  }
}

/** What podman 4.3 writes outside --root/--runroot/--tmpdir: the image blob-info cache, runc's default state root. */
const PODMAN_HOST_PATHS = [
  '/var/lib/containers/cache/blob-info-cache-v1.boltdb', '/var/lib/containers/cache', '/var/lib/containers',
  '/run/containers/networks', '/run/containers', '/run/runc',
];

export class PodmanEngine extends Engine {
  private readonly conf = path.join(this.dir, 'containers.conf');
  constructor() { super('podman', PODMAN_HOST_PATHS); }

  static available(): string | null {
    return haveBinary('podman') ? null : 'podman not installed (bash bench/install-competitors.sh)';
  }

  async start(): Promise<void> {
    // This host has hybrid cgroups and no systemd: runc (crun refuses hybrid mode), cgroupfs,
    // file events. Podman's default rlimits exceed the hard limits here (nofile 1048576; it
    // runs with nproc 32768 itself), so the container gets limits it may actually set.
    const nofile = hardLimit('Max open files') ?? 1024;
    const nproc = Math.min(hardLimit('Max processes') ?? 32768, 32768);
    mkdirSync(path.join(this.dir, 'networks'), { recursive: true });
    writeFileSync(this.conf, [
      '[containers]',
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=${nproc}:${nproc}"]`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '[network]',
      `network_config_dir = "${path.join(this.dir, 'networks')}"`,
      '',
    ].join('\n'));
    await mustExec(this.cli(['info', '--format', '{{.Host.OCIRuntime.Name}}']), 'podman info');
  }

  cli(args: string[]): Command {
    return {
      file: 'podman',
      args: ['--root', path.join(this.dir, 'root'), '--runroot', path.join(this.dir, 'run'), '--tmpdir', path.join(this.dir, 'tmp'), ...args],
      env: { CONTAINERS_CONF: this.conf },
    };
  }

  async loadBusybox(tar: string): Promise<void> {
    await mustExec(this.cli(['import', ...changeArgs(), tar, 'busybox:latest']), 'podman import');
  }

  daemons(): ProcInfo[] {
    return [];
  }

  monitors(): ProcInfo[] {
    return processesMentioning(this.dir, /^conmon$/);
  }

  override async removeAll(): Promise<void> {
    await exec(this.cli(['rm', '-af', '-t', '0']), 300_000);
  }

  protected async stopDaemon(): Promise<void> {
    // no daemon; drop the image so containers/storage unmounts its layers itself
    await exec(this.cli(['rmi', '-af']));
  }
}
