import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { ConflictError, InvalidParameterError, SystemError } from '../../util/errors';
import type {
  CgroupStats, ContainerIoSpec, ContainerRunSpec, ExecHandle, ExecSpec, ExitStatus, LogReadOptions, OciRuntime,
  RuntimeState, StdioStream, TerminalSize,
} from '../oci-runtime';
import { generateOciSpec, ociSpecToJson, readHostFacts, type OciSpec } from '../spec';
import { cgroupPids, readCgroupStats } from '../cgroups';
import { top as psTop } from '../top';
import { openAttachStream } from './attach-stream';
import { spawnConmon } from './conmon-process';
import { startExec } from './exec';
import { startThroughExecFifo } from './exec-fifo';
import { ExitWatcher } from './exit-watch';
import { readK8sLog } from './k8s-log';
import { ExecRootLayout } from './layout';
import { OciRuntimeError, runOci, runtimeErrorMessage } from './oci-cli';
import { writeResize } from './resize';
import { rfc3339NanoFixed } from '../../util/time';

export interface ConmonRuntimeOptions {
  execRoot: string;
  /** runtime name → binary, e.g. { runc: '/usr/sbin/runc', crun: '/usr/bin/crun' } */
  runtimes: Record<string, string>;
  defaultRuntime: string;
  conmonPath?: string;
  /** conmon's --log-level (error, warning, info, debug) */
  logLevel?: string;
  /** how a ContainerRunSpec becomes config.json; defaults to the spec generator with this host's facts */
  generateSpec?: (spec: ContainerRunSpec) => OciSpec;
}

/** What berth records in the bundle at create, for calls that only get an id (attach after a restart). */
interface BundleMeta { runtime: string; tty: boolean; stdin: boolean }

const RUNC_STATUSES = new Set(['created', 'running', 'paused', 'stopped']);

/** cgroupfs path the spec generator gives every container (generate.ts: linux.cgroupsPath). */
export function containerCgroupsPath(id: string): string {
  return `/berth/${id}`;
}

/**
 * The OciRuntime of berth: runc (or crun) under one conmon per container, as Podman runs them.
 * All state lives under the exec-root, so a new instance after a berthd restart picks up
 * every container where the last one left it.
 */
export class ConmonRuntime implements OciRuntime {
  readonly layout: ExecRootLayout;
  private readonly conmonPath: string;
  private readonly logLevel: string;
  private readonly exits: ExitWatcher;
  private readonly metaCache = new Map<string, BundleMeta>();

  constructor(private readonly opts: ConmonRuntimeOptions) {
    if (!opts.runtimes[opts.defaultRuntime]) throw new InvalidParameterError(`unknown or invalid runtime name: ${opts.defaultRuntime}`);
    this.layout = new ExecRootLayout(opts.execRoot);
    this.conmonPath = opts.conmonPath ?? '/usr/bin/conmon';
    this.logLevel = opts.logLevel ?? 'error';
    this.exits = new ExitWatcher(this.layout.exitsDir);
    fs.mkdirSync(this.layout.exitsDir, { recursive: true });
    fs.mkdirSync(this.layout.containersDir, { recursive: true });
  }

  async create(spec: ContainerRunSpec, io: ContainerIoSpec): Promise<void> {
    const name = spec.runtime || this.opts.defaultRuntime;
    const runtimePath = this.opts.runtimes[name];
    if (!runtimePath) throw new InvalidParameterError(`unknown or invalid runtime name: ${name}`);
    const id = spec.id;
    const bundle = this.layout.bundle(id);
    const config = this.opts.generateSpec ? this.opts.generateSpec(spec) : generateOciSpec(spec, readHostFacts());
    if (io.tty && io.consoleSize) config.process.consoleSize = { height: io.consoleSize.rows, width: io.consoleSize.cols };
    config.process.terminal = io.tty;

    await fsp.mkdir(bundle, { recursive: true });
    const meta: BundleMeta = { runtime: name, tty: io.tty, stdin: io.stdin };
    await Promise.all([
      writeAtomic(this.layout.config(id), ociSpecToJson(config)),
      writeAtomic(this.layout.meta(id), JSON.stringify(meta)),
      fsp.rm(this.layout.exitFile(id), { force: true }),
      fsp.rm(this.layout.oomFile(id), { force: true }),
    ]);
    this.metaCache.set(id, meta);

    const args = [
      '--api-version', '1', '-c', id, '-u', id, '-r', runtimePath, '-b', bundle,
      '-p', this.layout.pidfile(id), '--exit-dir', this.layout.exitsDir,
      '--full-attach', '--socket-dir-path', bundle,
      '-l', `k8s-file:${io.logPath}`, '--log-level', this.logLevel,
      '--conmon-pidfile', this.layout.conmonPidfile(id),
      `--runtime-arg=--root=${this.layout.runtimeRoot(name)}`,
      '--runtime-arg=--log-format=json', `--runtime-arg=--log=${this.layout.ociLog(id)}`,
    ];
    if (spec.name) args.push('-n', spec.name);
    if (io.tty) args.push('-t');
    if (io.stdin) args.push('-i');
    if (io.stdin && io.stdinOnce === false) args.push('--leave-stdin-open');

    // conmon works in the bundle: it drops its "oom" marker in its working directory
    const child = spawnConmon(this.conmonPath, args, bundle, false);
    child.start();
    const msg = await child.sync.next();
    if (msg && msg.data > 0) {
      child.release();
      return;
    }
    const detail = msg?.message?.trim() || await this.ociLogError(id) || (await child.stderr()).trim() || 'conmon exited without a status';
    child.release();
    await fsp.rm(bundle, { recursive: true, force: true });
    this.metaCache.delete(id);
    throw new OciRuntimeError('create', runtimeErrorMessage(detail));
  }

  async start(id: string): Promise<{ pid: number }> {
    const meta = await this.meta(id);
    const name = meta?.runtime ?? this.opts.defaultRuntime;
    if (path.basename(this.opts.runtimes[name] ?? '') === 'runc') {
      const wait = this.exits.waitFor(id, 2 ** 31 - 1);
      try {
        if (await startThroughExecFifo(`${this.layout.runtimeRoot(name)}/${id}/exec.fifo`, wait.exited)) {
          return { pid: await this.readPid(id) };
        }
      } catch (e) {
        throw new OciRuntimeError('start', (e as Error).message);
      } finally {
        wait.cancel();
      }
    }
    await this.oci(id, ['start', id]);
    return { pid: await this.readPid(id) };
  }

  async state(id: string): Promise<RuntimeState | null> {
    const meta = await this.meta(id);
    const name = meta?.runtime ?? this.opts.defaultRuntime;
    // runc and crun keep <root>/<id>/: without it there is nothing to ask (and no process to spawn)
    if (!fs.existsSync(`${this.layout.runtimeRoot(name)}/${id}`)) return null;
    let out: string;
    try {
      out = await this.oci(id, ['state', id]);
    } catch (e) {
      if (e instanceof OciRuntimeError && e.notFound) return null;
      throw e;
    }
    const st = JSON.parse(out) as { status?: string; pid?: number };
    const status = RUNC_STATUSES.has(st.status ?? '') ? (st.status as RuntimeState['status']) : 'stopped';
    return { status, pid: status === 'stopped' ? 0 : st.pid ?? 0 };
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.oci(id, ['kill', ...(all ? ['--all'] : []), id, String(signal)]);
  }

  async pause(id: string): Promise<void> {
    await this.oci(id, ['pause', id]);
  }

  async resume(id: string): Promise<void> {
    await this.oci(id, ['resume', id]);
  }

  async delete(id: string, force = false): Promise<void> {
    const meta = await this.meta(id);
    const name = meta?.runtime ?? this.opts.defaultRuntime;
    // no `runtime state` first: the runtime's own state dir says whether it knows the container
    if (fs.existsSync(`${this.layout.runtimeRoot(name)}/${id}`)) {
      // conmon writes the exit file once it reaps the process the runtime kills: wait for it,
      // so it is not written after the bundle and exit file were removed
      const wait = (await this.conmonAlive(id)) ? this.exits.waitFor(id, 5000) : null;
      try {
        await this.oci(id, ['delete', ...(force ? ['--force'] : []), id]);
      } catch (e) {
        wait?.cancel();
        if (!(e instanceof OciRuntimeError && e.notFound)) throw e;
      }
      await wait?.exited;
    }
    this.metaCache.delete(id);
    await Promise.all([
      fsp.rm(this.layout.bundle(id), { recursive: true, force: true }),
      fsp.rm(this.layout.exitFile(id), { force: true }),
    ]);
  }

  async list(): Promise<string[]> {
    const ids = new Set<string>();
    for (const dir of [this.layout.containersDir, this.layout.exitsDir]) {
      for (const e of await fsp.readdir(dir).catch(() => [] as string[])) if (/^[0-9a-f]{64}$/.test(e)) ids.add(e);
    }
    return [...ids];
  }

  async exitStatus(id: string): Promise<ExitStatus | null> {
    let text: string;
    let st: fs.BigIntStats;
    try {
      [text, st] = await Promise.all([
        fsp.readFile(this.layout.exitFile(id), 'utf8'),
        fsp.stat(this.layout.exitFile(id), { bigint: true }),
      ]);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const exitCode = Number.parseInt(text.trim(), 10);
    if (!Number.isInteger(exitCode)) return null;
    return { exitCode, exitedAt: rfc3339NanoFixed(st.mtimeNs), oomKilled: await this.oomKilled(id) };
  }

  watchExits(onExit: (id: string) => void): () => void {
    return this.exits.subscribe(onExit);
  }

  async attach(id: string): Promise<StdioStream> {
    const meta = await this.meta(id);
    if (!meta) throw new SystemError(`container ${id} is not created in the runtime`);
    try {
      return openAttachStream(this.layout.attachSocket(id), meta.stdin);
    } catch (e) {
      throw new SystemError(`cannot attach to container ${id}: ${(e as Error).message}`);
    }
  }

  async resize(id: string, size: TerminalSize): Promise<void> {
    // conmon keeps its fifo open for a moment after writing the exit file
    if (fs.existsSync(this.layout.exitFile(id))) throw new ConflictError(`Container ${id} is not running`);
    try {
      await writeResize(this.layout.ctlFifo(id), size);
    } catch (e) {
      // no fifo (never created, deleted) or no conmon reading it (exited)
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENXIO') throw new ConflictError(`Container ${id} is not running`);
      throw e;
    }
  }

  async exec(id: string, proc: ExecSpec): Promise<ExecHandle> {
    const meta = await this.meta(id);
    const name = meta?.runtime ?? this.opts.defaultRuntime;
    return startExec({
      conmonPath: this.conmonPath,
      runtimePath: this.opts.runtimes[name],
      runtimeRoot: this.layout.runtimeRoot(name),
      logLevel: this.logLevel,
      layout: this.layout,
      boundingCaps: () => readHostFacts().boundingCaps,
    }, id, proc);
  }

  async top(id: string, psArgs = '-ef'): Promise<{ titles: string[]; processes: string[][] }> {
    return psTop(await cgroupPids(containerCgroupsPath(id)), psArgs);
  }

  stats(id: string): Promise<CgroupStats> {
    return readCgroupStats(containerCgroupsPath(id));
  }

  logs(logPath: string, opts: LogReadOptions): Readable {
    return readK8sLog(logPath, opts);
  }

  /** The pid conmon's runtime wrote for the container's process 1. */
  async readPid(id: string): Promise<number> {
    const pid = Number.parseInt(await fsp.readFile(this.layout.pidfile(id), 'utf8'), 10);
    if (!Number.isInteger(pid) || pid <= 0) throw new SystemError(`no pid recorded for container ${id}`);
    return pid;
  }

  /** conmon's pid for the container, or null when it has none recorded. */
  async conmonPid(id: string): Promise<number | null> {
    try {
      const pid = Number.parseInt(await fsp.readFile(this.layout.conmonPidfile(id), 'utf8'), 10);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  }

  private async conmonAlive(id: string): Promise<boolean> {
    const pid = await this.conmonPid(id);
    if (pid === null) return false;
    try {
      const cmd = await fsp.readFile(`/proc/${pid}/cmdline`, 'utf8');
      return cmd.includes(id);
    } catch {
      return false;
    }
  }

  private async oci(id: string, args: string[]): Promise<string> {
    const meta = await this.meta(id);
    const name = meta?.runtime ?? this.opts.defaultRuntime;
    const binary = this.opts.runtimes[name];
    if (!binary) throw new InvalidParameterError(`unknown or invalid runtime name: ${name}`);
    return runOci(binary, this.layout.runtimeRoot(name), args);
  }

  private async meta(id: string): Promise<BundleMeta | null> {
    const cached = this.metaCache.get(id);
    if (cached) return cached;
    try {
      const meta = JSON.parse(await fsp.readFile(this.layout.meta(id), 'utf8')) as BundleMeta;
      this.metaCache.set(id, meta);
      return meta;
    } catch {
      return null;
    }
  }

  private async ociLogError(id: string): Promise<string> {
    try {
      return runtimeErrorMessage(await fsp.readFile(this.layout.ociLog(id), 'utf8'));
    } catch {
      return '';
    }
  }

  /** conmon's marker, else the memory cgroup's own counter (v1 oom_control, v2 memory.events). */
  private async oomKilled(id: string): Promise<boolean> {
    if (fs.existsSync(this.layout.oomFile(id))) return true;
    const cg = containerCgroupsPath(id);
    for (const [file, key] of [[`/sys/fs/cgroup/memory${cg}/memory.oom_control`, 'oom_kill'], [`/sys/fs/cgroup${cg}/memory.events`, 'oom_kill']]) {
      try {
        const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(await fsp.readFile(file, 'utf8'));
        if (m) return Number(m[1]) > 0;
      } catch { /* no such cgroup */ }
    }
    return false;
  }
}

/**
 * Temp name, then rename: a reader (or a berthd restarted after kill -9) never sees half a
 * file. No fsync: the exec-root is runtime state (tmpfs /run), gone at reboot anyway, and
 * create is on the hot path of `run`.
 */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fsp.writeFile(tmp, text, { mode: 0o600 });
  await fsp.rename(tmp, file);
}
