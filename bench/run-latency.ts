/**
 * Wall time of `run --rm --network none busybox true`, whole CLI command included, for berth,
 * and when installed Debian's dockerd and podman, run alternately in one session; a bare
 * `runc run` of the same rootfs is the floor. Prints medians and ratios measured in this run.
 *
 * usage: node dist/bench/run-latency.js [--runs N] [--warmup W] [--skip dockerd,podman] [--network none|bridge]
 *
 * --network bridge measures each engine's default bridge: berth's (berth0, netavark), podman's
 * (netavark), and dockerd's on a bridge the benchmark creates on a private /24 of its own
 * (`dockerd --bridge`, no iptables: see DockerdEngine), removed at the end.
 */
import { BerthEngine, Engine } from './lib/engines';
import { Command, exec, loadAverage } from './lib/proc';
import { RuncFloor } from './lib/runc-floor';
import { buildBusyboxTar, chooseEngines, intArg, isInterrupted, prepare, runcVersion, skipArg, startEngines, withCleanup } from './lib/session';
import { ratio, Summary, summarize, table } from './lib/stats';

let RUN = ['run', '--rm', '--network', 'none', 'busybox', 'true'];

interface Variant {
  label: string;
  note: string;
  cmd: () => Command;
  samples: number[];
  failures: number;
  firstError?: string;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = intArg(argv, '--runs', 30);
  const warmup = intArg(argv, '--warmup', 3);
  const i = argv.indexOf('--network');
  const network = i >= 0 ? argv[i + 1] : 'none';
  RUN = ['run', '--rm', '--network', network, 'busybox', 'true'];
  const skip = skipArg(argv);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const engines = chooseEngines(skip, { dockerdBridge: network === 'bridge' });
    const floor = new RuncFloor();
    onCleanup(() => floor.destroy());
    await startEngines(engines, onCleanup, (e) => prepare(e, img.tar));
    await floor.setup(img.tar);
    console.log(await runcVersion());

    const variants = buildVariants(engines, floor);
    const loadBefore = loadAverage();
    const t0 = Date.now();
    for (let round = 0; round < warmup + runs; round++) {
      // rotate the order each round so no engine always follows the same neighbour
      for (let k = 0; k < variants.length && !isInterrupted(); k++) {
        const v = variants[(round + k) % variants.length];
        const r = await exec(v.cmd(), 60_000);
        if (r.code !== 0) {
          v.failures++;
          v.firstError ??= `exit ${r.code}: ${(r.stderr || r.stdout).trim().slice(0, 400)}`;
        } else if (round >= warmup) v.samples.push(r.ms);
      }
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    console.log(`\n${runs} timed runs + ${warmup} warm-up per engine, alternating, ${seconds} s; load average before ${loadBefore}, after ${loadAverage()}\n`);
    report(variants);
  });
}

function buildVariants(engines: Engine[], floor: RuncFloor): Variant[] {
  const v = (label: string, note: string, cmd: () => Command): Variant => ({ label, note, cmd, samples: [], failures: 0 });
  const out: Variant[] = [];
  for (const e of engines) {
    if (e instanceof BerthEngine) {
      out.push(v('berth', 'berth CLI -> berthd', () => e.cli(RUN)));
      out.push(v('berth/docker-cli', 'docker CLI 28 -> berthd', () => e.dockerCli(RUN)));
    } else if (e.name === 'dockerd') {
      out.push(v('dockerd', 'docker CLI 28 -> dockerd 20.10 (+containerd)', () => e.cli(RUN)));
    } else {
      out.push(v(e.name, `${e.name} CLI`, () => e.cli(RUN)));
    }
  }
  out.push(v('runc run', 'floor: bare runc run of the same rootfs', () => floor.cli()));
  return out;
}

function fmt(ms: number): string {
  return Number.isFinite(ms) ? ms.toFixed(1) : '-';
}

function report(variants: Variant[]): void {
  const sums = new Map<string, Summary>(variants.map((v) => [v.label, summarize(v.samples)]));
  const med = (label: string): number => sums.get(label)?.median ?? NaN;
  const rows = variants.map((v) => {
    const s = sums.get(v.label) as Summary;
    return [v.label, fmt(s.median), fmt(s.p90), fmt(s.min), ratio(s.median, med('dockerd')), ratio(s.median, med('podman')),
      String(s.n) + (v.failures ? ` (${v.failures} failed)` : ''), v.note];
  });
  console.log(table(['engine', 'median ms', 'p90 ms', 'min ms', 'vs dockerd', 'vs podman', 'runs', 'what'], rows, [7]));
  console.log('');
  const berth = med('berth');
  console.log(`berth / dockerd median: ${ratio(berth, med('dockerd'))} (target <= 0.50x)`);
  console.log(`berth / podman  median: ${ratio(berth, med('podman'))}`);
  console.log(`berth CLI cost (berth - berth via docker CLI): ${fmt(berth - med('berth/docker-cli'))} ms`);
  console.log(`berth above the runc floor: ${fmt(berth - med('runc run'))} ms (via docker CLI: ${fmt(med('berth/docker-cli') - med('runc run'))} ms)`);
  for (const v of variants) if (v.firstError) console.log(`${v.label}: ${v.failures} failed; first: ${v.firstError}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack ?? e.message : String(e));
  process.exit(1);
});
