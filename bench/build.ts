/**
 * Builds against dockerd: a 20-step Dockerfile (RUN, COPY, ENV, WORKDIR on busybox) built cold
 * (--no-cache) and fully cached, with `berth build`, with the docker CLI's classic builder
 * (DOCKER_BUILDKIT=0) against berthd, and with the same docker CLI against dockerd 20.10.
 * The three alternate, one of each per round with the order rotated; prints medians and
 * ratios (targets: cached at most 0.50x dockerd, cold at most 1.00x).
 *
 * usage: node dist/bench/build.js [--runs N] [--warmup N] [--skip dockerd]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { exec, loadAverage, mustExec, type Command } from './lib/proc';
import { buildBusyboxTar, chooseEngines, intArg, isInterrupted, prepare, skipArg, startEngines, withCleanup, workDir } from './lib/session';
import { ratio, summarize, table } from './lib/stats';

/** 20 instructions; RUN steps do a little real work each, COPY steps copy files of the context. */
const DOCKERFILE = [
  'FROM busybox',
  'ENV APP=/app MODE=bench',
  'WORKDIR /app',
  'COPY config.txt /app/',
  'RUN echo "first run" > /app/first && cat /app/config.txt >> /app/first',
  'COPY src/ /app/src/',
  'RUN mkdir -p /data && cp -r /app/src /data/src && ls /data/src | wc -l > /data/count',
  'ENV LEVEL=1',
  'WORKDIR /app/sub',
  'RUN echo "$LEVEL $MODE" > level',
  'COPY notes.txt .',
  'RUN cat /app/config.txt notes.txt > combined && wc -c combined',
  'ENV LEVEL=2 EXTRA=yes',
  'RUN for i in 1 2 3 4 5; do echo "line $i" >> /app/lines; done',
  'COPY script.sh /usr/local/bin/script.sh',
  'WORKDIR /',
  'RUN /usr/local/bin/script.sh > /app/script.out',
  'ENV DONE=1',
  'RUN find /app -type f | sort > /app/manifest',
  'CMD ["cat", "/app/manifest"]',
  '',
].join('\n');

function writeContext(dir: string): void {
  mkdirSync(path.join(dir, 'src', 'lib'), { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(path.join(dir, 'config.txt'), 'name=bench\nsize=20\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'a 20-step Dockerfile\n');
  writeFileSync(path.join(dir, 'script.sh'), '#!/bin/sh\necho "script ran in $(pwd) with LEVEL=$LEVEL"\n', { mode: 0o755 });
  for (let i = 0; i < 50; i++) writeFileSync(path.join(dir, 'src', i % 2 ? 'lib' : '', `f${i}.txt`), `file ${i}\n`.repeat(20));
}

interface Variant { name: string; cmd: (args: string[]) => Command; cold: number[]; cached: number[]; version: number[] }

/** docker's CLI with the classic builder */
function classic(c: Command): Command {
  return { ...c, env: { ...(c.env ?? {}), DOCKER_BUILDKIT: '0' } };
}

async function timedBuild(v: Variant, args: string[]): Promise<number> {
  const r = await exec(v.cmd(['build', ...args]), 300_000);
  if (r.code !== 0) throw new Error(`${v.name} build ${args.join(' ')} failed (exit ${r.code}):\n${(r.stdout + r.stderr).slice(-1500)}`);
  return r.ms;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = intArg(argv, '--runs', 5);
  const warmup = intArg(argv, '--warmup', 1);
  const skip = skipArg(argv);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const ctx = workDir('build', onCleanup);
    writeContext(ctx);

    const engines = chooseEngines(skip, { podman: false });
    const berth = engines[0];
    await startEngines(engines, onCleanup, (e) => prepare(e, img.tar));

    const variants: Variant[] = [
      { name: 'berth', cmd: (a) => berth.cli(a), cold: [], cached: [], version: [] },
      { name: 'berth/docker-cli', cmd: (a) => classic(berth.dockerCli(a)), cold: [], cached: [], version: [] },
    ];
    const dockerd = engines.find((e) => e.name === 'dockerd');
    if (dockerd) variants.push({ name: 'dockerd', cmd: (a) => classic(dockerd.cli(a)), cold: [], cached: [], version: [] });

    // RUN steps use no network (dockerd runs with --bridge=none, as in the other benchmarks)
    const common = ['--network', 'none'];
    for (const v of variants) {
      // prime each engine's cache; these builds are not counted
      for (let i = 0; i < warmup; i++) await timedBuild(v, [...common, '-t', 'bench:build', ctx]);
    }
    for (let round = 0; round < runs && !isInterrupted(); round++) {
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(round + k) % variants.length];
        await exec({ file: 'sync', args: [] });
        v.cold.push(await timedBuild(v, [...common, '--no-cache', '-t', 'bench:cold', ctx]));
        v.cached.push(await timedBuild(v, [...common, '-t', 'bench:build', ctx]));
        // the floor of any command of this CLI against this daemon: start-up and one round trip
        v.version.push((await mustExec(v.cmd(['version']), 'version')).ms);
      }
    }
    // the cached builds must really have been answered from cache
    const check = await mustExec(variants[0].cmd(['build', ...common, ctx]), 'cached check build');
    const hits = (check.stdout.match(/ ---> Using cache/g) ?? []).length;

    console.log(`\n${runs} rounds per variant, alternating; a 20-step Dockerfile; load average ${loadAverage()}`);
    console.log(`berth's cached build used the cache for ${hits} of 19 steps\n`);
    const med = (s: number[]): number => summarize(s).median;
    const ref = variants.find((v) => v.name === 'dockerd');
    console.log(table(['variant', 'cold ms (median)', 'cold min', 'cached ms (median)', 'cached min', 'version ms', 'cold vs dockerd', 'cached vs dockerd'], variants.map((v) => [
      v.name, med(v.cold).toFixed(0), Math.min(...v.cold).toFixed(0), med(v.cached).toFixed(0), Math.min(...v.cached).toFixed(0), med(v.version).toFixed(0),
      ref ? ratio(med(v.cold), med(ref.cold)) : 'n/a', ref ? ratio(med(v.cached), med(ref.cached)) : 'n/a',
    ])));
    if (ref) {
      const b = variants[0];
      console.log(`\nberth/dockerd: cold ${ratio(med(b.cold), med(ref.cold))} (target: at most 1.00x), cached ${ratio(med(b.cached), med(ref.cached))} (target: at most 0.50x)`);
    }
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
