/**
 * What the benchmarks share: arguments, the busybox rootfs tar, choosing and starting the
 * engines that are installed, and tearing everything down even on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BerthEngine, DockerdEngine, Engine, PodmanEngine, ROOT } from './engines';
import { exec, loadAverage, mustExec } from './proc';

/** `--name value` from argv, as a positive integer, or the default. */
export function intArg(argv: string[], name: string, dflt: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return dflt;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} needs a positive integer, got ${argv[i + 1]}`);
  return v;
}

/** `--skip dockerd,podman` */
export function skipArg(argv: string[]): Set<string> {
  const i = argv.indexOf('--skip');
  return new Set(i < 0 ? [] : (argv[i + 1] ?? '').split(',').filter(Boolean));
}

/** Builds the offline busybox rootfs tar with scripts/base-images.sh --build-only. */
export async function buildBusyboxTar(): Promise<{ tar: string; cleanup: () => void }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-img-'));
  await mustExec({ file: 'bash', args: [path.join(ROOT, 'scripts', 'base-images.sh'), '--build-only', dir] }, 'base-images.sh --build-only');
  return { tar: path.join(dir, 'busybox.tar'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * berth always; dockerd (and podman, unless `podman` is false) when installed and not skipped.
 * Prints why one is left out. dockerd runs without a network (`--bridge=none`) unless
 * `dockerdBridge`: then on a bridge the benchmark creates and removes.
 */
export function chooseEngines(skip: Set<string>, opts: { dockerdBridge?: boolean; podman?: boolean } = {}): [BerthEngine, ...Engine[]] {
  const engines: [BerthEngine, ...Engine[]] = [new BerthEngine()];
  const dockerd = DockerdEngine.available();
  if (skip.has('dockerd')) console.log('dockerd: skipped (--skip)');
  else if (dockerd) console.log(`dockerd: not measured: ${dockerd}`);
  else engines.push(new DockerdEngine({ bridge: opts.dockerdBridge }));
  if (opts.podman === false) return engines;
  const podman = PodmanEngine.available();
  if (skip.has('podman')) console.log('podman: skipped (--skip)');
  else if (podman) console.log(`podman: not measured: ${podman}`);
  else engines.push(new PodmanEngine());
  return engines;
}

/**
 * Starts every engine (with `start`, by default a bare start) after registering its teardown,
 * then prints the host line and each engine's version.
 */
export async function startEngines(engines: Engine[], onCleanup: OnCleanup, start: (e: Engine) => Promise<void> = (e) => e.start()): Promise<void> {
  for (const e of engines) onCleanup(() => e.destroy());
  for (const e of engines) await start(e);
  console.log(hostLine());
  for (const e of engines) console.log(await engineVersion(e));
}

/** A temporary directory of the benchmark's, removed at cleanup. */
export function workDir(name: string, onCleanup: OnCleanup): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `berth-bench-${name}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Starts an engine and loads busybox; prints how long that took. */
export async function prepare(e: Engine, tar: string): Promise<void> {
  const t0 = Date.now();
  await e.start();
  await e.loadBusybox(tar);
  console.log(`${e.name}: started and loaded busybox in ${Date.now() - t0} ms`);
}

let interrupted = false;

/** True once SIGINT/SIGTERM arrived: loops stop starting containers while cleanup runs. */
export function isInterrupted(): boolean {
  return interrupted;
}

/**
 * Runs `body`, then every cleanup in reverse order of registration, also on SIGINT/SIGTERM.
 * Cleanups must be idempotent: a signal may arrive while they already run.
 */
/** Registers teardown work, run in reverse order at the end or on a signal. */
export type OnCleanup = (fn: () => Promise<void> | void) => void;

export async function withCleanup(body: (onCleanup: OnCleanup) => Promise<void>): Promise<void> {
  const fns: Array<() => Promise<void> | void> = [];
  let running: Promise<void> | null = null;
  const cleanup = (): Promise<void> => {
    running ??= (async () => {
      for (const fn of fns.reverse()) {
        try { await fn(); } catch (e) { console.error(`cleanup: ${e instanceof Error ? e.message : String(e)}`); }
      }
    })();
    return running;
  };
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupted = true;
    console.error(`\n${sig}: cleaning up`);
    void cleanup().then(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await body((fn) => fns.push(fn));
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Cores, node and load average: the context every number needs. */
export function hostLine(): string {
  return `host: ${os.cpus().length} cores, node ${process.version}, load average ${loadAverage()}`;
}

/** `<engine>: <client> / server <server>` for a started engine. */
export async function engineVersion(e: Engine): Promise<string> {
  const v = e.name === 'podman'
    ? await exec(e.cli(['version', '--format', '{{.Client.Version}}']))
    : await exec(e.cli(['version', '--format', '{{.Client.Version}} / server {{.Server.Version}}']));
  return `${e.name}: ${v.stdout.trim() || v.stderr.trim()}`;
}

export async function runcVersion(): Promise<string> {
  const runc = await exec({ file: 'runc', args: ['--version'] });
  return `runc: ${runc.stdout.split('\n')[0]}`;
}
