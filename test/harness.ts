/**
 * Test harness: a berthd of the test's own (temporary data-root, exec-root and socket), the
 * berth CLI and the real docker CLI pointed at it, and a thorough cleanup.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { claimNetSlot } from './net-slot';
import type { NetSlot } from './net-slot';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BERTH = path.join(ROOT, 'bin', 'berth');
export const BERTHD = path.join(ROOT, 'bin', 'berthd');

export interface RunResult { code: number; stdout: string; stderr: string }

export interface RunOptions { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }

export function run(cmd: string, args: string[], opts: RunOptions & { envBase?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...(opts.envBase ?? process.env), ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${opts.timeoutMs ?? 60000} ms\nstdout: ${Buffer.concat(out)}\nstderr: ${Buffer.concat(err)}`));
    }, opts.timeoutMs ?? 60000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : -1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    if (opts.input !== undefined) child.stdin.end(opts.input);
    else child.stdin.end();
  });
}

/**
 * Test daemons never reach out: names of docker.io go to a loopback port nobody listens on
 * (refused at once) instead of registry-1.docker.io, which would cost a DNS query.
 */
export const NO_DOCKER_HUB = ['--default-registry', 'http://127.0.0.1:1'];

export class TestDaemon {
  readonly dir: string;
  readonly dataRoot: string;
  readonly execRoot: string;
  readonly sock: string;
  readonly host: string;
  private proc: ChildProcess | null = null;
  log = '';
  /** this daemon's own bridge name and 10.<k>.0.0/16 (see net-slot.ts) */
  readonly net: NetSlot = claimNetSlot();

  /** extra berthd flags (e.g. --registry-certs-dir), read at each start */
  extraArgs: () => string[] = () => [];

  constructor(name: string) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), `berth-${name}-`));
    this.dataRoot = path.join(this.dir, 'data');
    this.execRoot = path.join(this.dir, 'exec');
    this.sock = path.join(this.dir, 'berth.sock');
    this.host = `unix://${this.sock}`;
  }

  get env(): NodeJS.ProcessEnv {
    return { ...process.env, BERTH_HOST: this.host, DOCKER_HOST: this.host, DOCKER_CONFIG: path.join(this.dir, 'docker-config') };
  }

  get pid(): number {
    return this.proc?.pid ?? 0;
  }

  async start(): Promise<void> {
    const args = [
      '--data-root', this.dataRoot, '--exec-root', this.execRoot, '-H', this.host,
      '--bridge-name', this.net.bridgeName, '--bip', this.net.bip, '--default-address-pool', this.net.pool,
      ...NO_DOCKER_HUB, ...this.extraArgs(),
    ];
    const opts: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'], env: process.env };
    const proc = spawn(BERTHD, args, opts);
    this.proc = proc;
    proc.stderr?.on('data', (b: Buffer) => { this.log += b.toString(); });
    proc.stdout?.on('data', (b: Buffer) => { this.log += b.toString(); });
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`berthd exited (${proc.exitCode}):\n${this.log}`);
      const r = await this.berth(['version', '--format', '{{.Server.Version}}']).catch(() => null);
      if (r && r.code === 0) return;
      await new Promise((res) => setTimeout(res, 50));
    }
    throw new Error(`berthd did not answer on ${this.sock}:\n${this.log}`);
  }

  /** Loads the offline busybox and hello-world images. */
  async loadBaseImages(): Promise<void> {
    const r = await run('bash', [path.join(ROOT, 'scripts', 'base-images.sh')], { env: this.env, timeoutMs: 120000 });
    if (r.code !== 0) throw new Error(`base-images.sh failed: ${r.stdout}\n${r.stderr}`);
  }

  berth(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run(BERTH, args, { ...opts, envBase: this.env });
  }

  docker(args: string[], opts: RunOptions = {}): Promise<RunResult> {
    return run('docker', args, { ...opts, envBase: this.env });
  }

  /** kill -9 of the daemon: containers must survive it. */
  async kill9(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((res) => p.once('exit', res));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }

  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((res) => p.once('exit', res));
    p.kill('SIGTERM');
    await Promise.race([exited, new Promise((res) => setTimeout(res, 10000))]);
    if (p.exitCode === null) p.kill('SIGKILL');
    this.proc = null;
  }

  /** Removes every container, stops the daemon, and leaves no mount, conmon or file behind. */
  async destroy(): Promise<void> {
    try {
      if (!this.proc) await this.start().catch(() => undefined);
      const ids = await this.berth(['ps', '-aq', '--no-trunc']).catch(() => null);
      for (const id of (ids?.stdout ?? '').split('\n').filter(Boolean)) {
        await this.berth(['rm', '-f', id]).catch(() => undefined);
      }
    } finally {
      await this.stop();
      this.killLeftoverConmons();
      this.unmountAll();
      rmSync(this.dir, { recursive: true, force: true });
      this.net.release();
    }
  }

  /** conmon processes of this daemon only: their command line names our exec-root. */
  private killLeftoverConmons(): void {
    for (const pid of readdirNumeric('/proc')) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        continue;
      }
      // aardvark-dns by its own name only: netavark's argv names it too, and a netavark killed mid-way leaves rules behind
      if (cmd.startsWith('conmon\0') || cmd.includes('/conmon\0') || cmd.split('\0')[0].endsWith('/aardvark-dns')) {
        if (cmd.includes(this.execRoot)) {
          try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
        }
      }
    }
  }

  private unmountAll(): void {
    const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && m.startsWith(this.dir));
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m]);
  }

  mountsLeft(): string[] {
    return readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1]).filter((m) => m && m.startsWith(this.dir));
  }

  exists(p: string): boolean {
    return existsSync(p);
  }
}

function readdirNumeric(dir: string): number[] {
  return readdirSync(dir).filter((n) => /^\d+$/.test(n)).map(Number);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 10000, stepMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(stepMs);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}
