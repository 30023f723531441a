/**
 * Image I/O against dockerd: `load` of a large image (a busybox layer plus a layer of a few
 * thousand random files and some big ones, >= 300 MB, built offline as a Docker archive) and
 * `commit` of a container that changed 10,000 files. Each engine runs alternately, the image
 * or committed image removed between rounds; prints medians and berth/dockerd ratios.
 *
 * usage: node dist/bench/image-io.js [--runs N] [--skip dockerd] [--files N] [--big-mb N]
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Engine } from './lib/engines';
import { exec, loadAverage, mustExec } from './lib/proc';
import { buildBusyboxTar, chooseEngines, intArg, isInterrupted, skipArg, startEngines, withCleanup, workDir } from './lib/session';
import { ratio, summarize, table } from './lib/stats';

const COMMIT_FILES = 10_000;

function sha256File(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * A Docker archive (legacy layout, which every engine loads) of busybox plus a data layer:
 * `files` small random files (1-16 KiB) in 100 directories and four big random files.
 */
async function buildBigArchive(dir: string, busyboxTar: string, files: number, bigMb: number): Promise<{ archive: string; bytes: number }> {
  const root = path.join(dir, 'data-root');
  for (let d = 0; d < 100; d++) mkdirSync(path.join(root, 'data', `d${d}`), { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(path.join(root, 'data', `d${i % 100}`, `f${i}`), randomBytes(1024 + ((i * 7919) % 15360)));
  for (let b = 0; b < 4; b++) {
    const chunks: Buffer[] = [];
    for (let m = 0; m < bigMb / 4; m++) chunks.push(randomBytes(1 << 20));
    writeFileSync(path.join(root, 'data', `big${b}.bin`), Buffer.concat(chunks));
  }
  const out = path.join(dir, 'archive');
  mkdirSync(out);
  const dataTar = path.join(dir, 'data.tar');
  await mustExec({ file: 'tar', args: ['-C', root, '--sort=name', '-cf', dataTar, 'data'] }, 'tar of the data layer');
  rmSync(root, { recursive: true, force: true });
  const layers = [busyboxTar, dataTar].map((t) => ({ tar: t, hex: sha256File(t) }));
  for (const l of layers) {
    mkdirSync(path.join(out, l.hex));
    await mustExec({ file: 'cp', args: [l.tar, path.join(out, l.hex, 'layer.tar')] }, 'cp layer');
  }
  rmSync(dataTar);
  const created = new Date().toISOString();
  const config = JSON.stringify({
    architecture: 'amd64', os: 'linux', created,
    config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.hex}`) },
    history: [{ created, created_by: 'busybox' }, { created, created_by: 'data' }],
  });
  const configHex = createHash('sha256').update(config).digest('hex');
  writeFileSync(path.join(out, `${configHex}.json`), config);
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify([{ Config: `${configHex}.json`, RepoTags: ['big:1'], Layers: layers.map((l) => `${l.hex}/layer.tar`) }]));
  const archive = path.join(dir, 'big.tar');
  await mustExec({ file: 'tar', args: ['-C', out, '-cf', archive, '.'] }, 'tar of the archive');
  rmSync(out, { recursive: true, force: true });
  return { archive, bytes: statSync(archive).size };
}

interface Row { engine: Engine; load: number[]; commit: number[] }

async function timed(e: Engine, args: string[], what: string): Promise<number> {
  const r = await exec(e.cli(args), 600_000);
  if (r.code !== 0) throw new Error(`${e.name} ${what} failed (exit ${r.code}): ${(r.stderr || r.stdout).slice(0, 400)}`);
  return r.ms;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = intArg(argv, '--runs', 3);
  const files = intArg(argv, '--files', 4000);
  const bigMb = intArg(argv, '--big-mb', 280);
  const skip = skipArg(argv);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const work = workDir('imgio', onCleanup);
    const t0 = Date.now();
    const { archive, bytes } = await buildBigArchive(work, img.tar, files, bigMb);
    console.log(`archive: ${(bytes / 1e6).toFixed(0)} MB, ${files} small files + 4 big ones + busybox, built in ${Date.now() - t0} ms`);
    const engines = chooseEngines(skip, { podman: false });
    await startEngines(engines, onCleanup);
    const rows: Row[] = engines.map((engine) => ({ engine, load: [], commit: [] }));

    // load: alternate engines; the image (and its layers) removed after each round
    for (let round = 0; round < runs && !isInterrupted(); round++) {
      for (let k = 0; k < rows.length; k++) {
        const row = rows[(round + k) % rows.length];
        await exec({ file: 'sync', args: [] });
        row.load.push(await timed(row.engine, ['load', '-q', '-i', archive], 'load'));
        if (round < runs - 1) await mustExec(row.engine.cli(['rmi', 'big:1']), 'rmi big:1');
      }
    }
    // commit: one container per engine that changed 10,000 files; committed, the image removed
    const script = `mkdir /c && cd /c && seq 1 ${COMMIT_FILES} | xargs -n 1000 sh -c 'for i; do echo "file $i" > f$i; done' _`;
    for (const r of rows) await mustExec(r.engine.cli(['run', '--name', 'changed', '--network', 'none', 'big:1', 'sh', '-c', script]), 'run the changing container', 300_000);
    for (let round = 0; round < runs && !isInterrupted(); round++) {
      for (let k = 0; k < rows.length; k++) {
        const row = rows[(round + k) % rows.length];
        await exec({ file: 'sync', args: [] });
        row.commit.push(await timed(row.engine, ['commit', 'changed', `committed:${round}`], 'commit'));
        await mustExec(row.engine.cli(['rmi', `committed:${round}`]), 'rmi committed');
      }
    }
    console.log(`\n${runs} rounds per engine, alternating; load average ${loadAverage()}\n`);
    const med = (s: number[]): number => summarize(s).median;
    const dockerd = rows.find((r) => r.engine.name === 'dockerd');
    console.log(table(['engine', 'load ms (median)', 'load min', 'commit ms (median)', 'commit min', 'load vs dockerd', 'commit vs dockerd'], rows.map((r) => [
      r.engine.name, med(r.load).toFixed(0), Math.min(...r.load).toFixed(0), med(r.commit).toFixed(0), Math.min(...r.commit).toFixed(0),
      dockerd ? ratio(med(r.load), med(dockerd.load)) : 'n/a', dockerd ? ratio(med(r.commit), med(dockerd.commit)) : 'n/a',
    ])));
    // every sample, in round order: on a shared machine one slow round moves a median of 3
    for (const r of rows) console.log(`${r.engine.name} samples: load ${r.load.map((x) => x.toFixed(0)).join(' ')}; commit ${r.commit.map((x) => x.toFixed(0)).join(' ')}`);
    if (dockerd) {
      const berth = rows[0];
      console.log(`\nberth/dockerd: load ${ratio(med(berth.load), med(dockerd.load))}, commit ${ratio(med(berth.commit), med(dockerd.commit))} (target: at most 1.00x)`);
    }
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
