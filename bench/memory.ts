/**
 * Memory: the daemon's idle RSS after start and image load, and what each running container
 * adds, for berth and, when installed, dockerd (+containerd, +one shim per container) and
 * podman (no daemon, one conmon per container). One engine at a time, each on its own roots.
 *
 *   added per container = (daemon RSS with N running - daemon RSS idle + sum of monitor RSS) / N
 *
 * The containers' own processes (`sleep`) are shown apart, for reference: they are the same
 * busybox binary under every engine.
 *
 * usage: node dist/bench/memory.js [--containers N] [--skip dockerd,podman]
 */
import { Engine } from './lib/engines';
import { anonKiB, childrenOf, exec, loadAverage, ProcInfo, pssKiB, rssKiB, sleep } from './lib/proc';
import { buildBusyboxTar, chooseEngines, engineVersion, hostLine, intArg, isInterrupted, skipArg, withCleanup } from './lib/session';
import { median, table } from './lib/stats';

const MB = 1024;

interface Result {
  engine: string;
  freshKiB: number;
  idleKiB: number;
  idleParts: string;
  loadedKiB: number;
  afterRmKiB: number;
  monitors: number;
  monitorRssKiB: number;
  monitorPssKiB: number;
  containerRssKiB: number;
  started: number;
  runMs: number;
}

function mb(kib: number): string {
  return (kib / MB).toFixed(1);
}

const sumRss = (ps: ProcInfo[]): number => ps.reduce((a, p) => a + rssKiB(p.pid), 0);
/** Each daemon process: RSS, and of it the anonymous part and PSS (file pages such as node's or dockerd's own binary are shared with every process running it). */
const parts = (ps: ProcInfo[]): string => ps
  .map((p) => `${p.comm} ${mb(rssKiB(p.pid))} MB (anon ${mb(anonKiB(p.pid))} MB, PSS ${mb(pssKiB(p.pid))} MB)`)
  .join(' + ') || 'no daemon';

async function measure(e: Engine, tar: string, n: number): Promise<Result> {
  const t0 = Date.now();
  await e.start();
  await sleep(1000);
  const freshKiB = sumRss(e.daemons());
  await e.loadBusybox(tar);
  console.log(`${e.name}: started and loaded busybox in ${Date.now() - t0 - 1000} ms`);
  await sleep(2000); // let start-up garbage settle before reading the idle size
  const idle = e.daemons();
  const idleKiB = sumRss(idle);
  const idleParts = parts(idle);
  const ids: string[] = [];
  const times: number[] = [];
  for (let i = 0; i < n && !isInterrupted(); i++) {
    const r = await exec(e.cli(['run', '-d', '--network', 'none', 'busybox', 'sleep', '300']), 60_000);
    if (r.code !== 0) throw new Error(`${e.name} run -d failed (exit ${r.code}): ${r.stderr.trim()}`);
    ids.push(r.stdout.trim().split('\n').pop() ?? '');
    times.push(r.ms);
  }
  await sleep(1000);
  const loadedKiB = sumRss(e.daemons());
  const mons = e.monitors();
  const monitorRssKiB = sumRss(mons);
  const monitorPssKiB = mons.reduce((a, p) => a + pssKiB(p.pid), 0);
  const ctrs = childrenOf(mons.map((p) => p.pid)).filter((p) => p.comm !== 'conmon' && !p.comm.startsWith('containerd-shim'));
  const containerRssKiB = sumRss(ctrs);
  await e.removeAll();
  await sleep(1000);
  const afterRmKiB = sumRss(e.daemons());
  return {
    engine: e.name, freshKiB, idleKiB, idleParts, loadedKiB, afterRmKiB, monitors: mons.length, monitorRssKiB, monitorPssKiB,
    containerRssKiB, started: ids.length, runMs: median(times),
  };
}

function report(results: Result[], n: number): void {
  const rows = results.map((r) => {
    const added = (r.loadedKiB - r.idleKiB + r.monitorRssKiB) / n;
    return [
      r.engine, mb(r.freshKiB), mb(r.idleKiB), mb(r.loadedKiB - r.idleKiB), `${mb(r.monitorRssKiB)} (${r.monitors})`,
      mb(added), mb(r.monitorPssKiB / n), mb(r.containerRssKiB / n), mb(r.afterRmKiB - r.idleKiB), r.runMs.toFixed(0),
    ];
  });
  console.log(table(
    ['engine', 'daemon fresh MB', 'daemon idle MB', `daemon +${n} ctrs MB`, 'monitors MB (count)', 'added/ctr MB', 'monitor PSS/ctr MB', 'ctr procs/ctr MB', 'daemon after rm +MB', 'run -d median ms'],
    rows,
  ));
  console.log('');
  for (const r of results) console.log(`${r.engine} daemon idle: ${r.idleParts}`);
  const berth = results.find((r) => r.engine === 'berth');
  if (berth) {
    console.log(`berthd idle RSS: ${mb(berth.idleKiB)} MB (target < 60 MB)`);
    console.log(`berth memory added per running container: ${mb((berth.loadedKiB - berth.idleKiB + berth.monitorRssKiB) / n)} MB (target < 2 MB)`);
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const n = intArg(argv, '--containers', 20);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const engines = chooseEngines(skipArg(argv));
    for (const e of engines) onCleanup(() => e.destroy());
    const loadBefore = loadAverage();
    const results: Result[] = [];
    const versions: string[] = [];
    for (const e of engines) {
      results.push(await measure(e, img.tar, n));
      versions.push(await engineVersion(e));
      await e.destroy();
    }
    console.log([hostLine(), ...versions].join('\n'));
    console.log(`\n${n} containers per engine (run -d --network none busybox sleep 300), one engine at a time; load average before ${loadBefore}, after ${loadAverage()}`);
    console.log('RSS from VmRSS in /proc/<pid>/status; PSS from /proc/<pid>/smaps_rollup (shared pages split among their users)\n');
    report(results, n);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
