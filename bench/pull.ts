/**
 * Pull from a local registry, berth vs dockerd: Debian's docker-registry on 127.0.0.1 (plain
 * http, temporary storage) holds an image of busybox plus N data layers (>= 300 MB in all,
 * half random bytes, half compressible text), pushed once by skopeo. Each engine pulls it in
 * turn (alternating), the image removed between pulls so every pull downloads and unpacks
 * everything; prints medians and the berth/dockerd ratio.
 *
 * usage: node dist/bench/pull.js [--runs N] [--layers N] [--layer-mb N] [--skip dockerd]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { exec, loadAverage, mustExec, sleep, stopPid } from './lib/proc';
import { buildBusyboxTar, chooseEngines, intArg, isInterrupted, skipArg, startEngines, withCleanup, workDir } from './lib/session';
import { ratio, summarize, table } from './lib/stats';

/** A docker archive: busybox, then `layers` layers of `layerMb` MB each (files of 1 MB). */
async function buildArchive(dir: string, busyboxTar: string, layers: number, layerMb: number): Promise<{ archive: string; bytes: number }> {
  const words = Buffer.from('the quick brown fox jumps over the lazy dog while berth pulls layers from a registry\n'.repeat(12_000));
  const root = path.join(dir, 'rootfs');
  const layerDirs: string[] = [];
  for (let l = 0; l < layers; l++) {
    const d = path.join(root, `l${l}`, 'data', `layer${l}`);
    mkdirSync(d, { recursive: true });
    for (let f = 0; f < layerMb; f++) writeFileSync(path.join(d, `f${f}`), f % 2 ? randomBytes(1 << 20) : words.subarray(0, 1 << 20));
    layerDirs.push(path.join(root, `l${l}`));
  }
  const out = path.join(dir, 'archive');
  mkdirSync(out);
  const tars = [busyboxTar];
  for (let l = 0; l < layers; l++) {
    const t = path.join(out, `l${l}.tar`);
    await mustExec({ file: 'tar', args: ['-C', layerDirs[l], '--sort=name', '--mtime=2024-01-01', '-cf', t, 'data'] }, 'tar of a layer');
    tars.push(t);
  }
  rmSync(root, { recursive: true, force: true });
  await mustExec({ file: 'cp', args: [busyboxTar, path.join(out, 'busybox.tar')] }, 'cp busybox');
  const names = ['busybox.tar', ...tars.slice(1).map((t) => path.basename(t))];
  const diffIds: string[] = [];
  for (const n of names) diffIds.push(`sha256:${(await mustExec({ file: 'sha256sum', args: [path.join(out, n)] }, 'sha256sum')).stdout.split(' ')[0]}`);
  const created = '2024-01-01T00:00:00Z';
  writeFileSync(path.join(out, 'config.json'), JSON.stringify({
    architecture: 'amd64', os: 'linux', created, config: { Cmd: ['sh'] },
    rootfs: { type: 'layers', diff_ids: diffIds }, history: names.map((n) => ({ created, created_by: n })),
  }));
  writeFileSync(path.join(out, 'manifest.json'), JSON.stringify([{ Config: 'config.json', RepoTags: ['bench/big:1'], Layers: names }]));
  const archive = path.join(dir, 'big.tar');
  await mustExec({ file: 'tar', args: ['-C', out, '-cf', archive, '.'] }, 'tar of the archive');
  rmSync(out, { recursive: true, force: true });
  return { archive, bytes: statSync(archive).size };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** docker-registry serve on 127.0.0.1 with its storage under `dir`; never its default config. */
async function startRegistry(dir: string): Promise<{ host: string; pid: number }> {
  const port = await freePort();
  const config = path.join(dir, 'registry.yml');
  writeFileSync(config, [
    'version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${path.join(dir, 'registry')}`,
    'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const child = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  child.on('error', () => undefined);
  if (!child.pid) throw new Error('cannot start docker-registry (apt-get install docker-registry)');
  for (let i = 0; i < 200; i++) {
    const up = await new Promise<boolean>((resolve) => {
      http.get(`http://127.0.0.1:${port}/v2/`, (r) => { r.resume(); resolve(true); }).on('error', () => resolve(false));
    });
    if (up) return { host: `127.0.0.1:${port}`, pid: child.pid };
    await sleep(50);
  }
  throw new Error('docker-registry did not answer');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runs = intArg(argv, '--runs', 3);
  const layers = intArg(argv, '--layers', 11);
  const layerMb = intArg(argv, '--layer-mb', 28);
  const skip = skipArg(argv);
  await withCleanup(async (onCleanup) => {
    const img = await buildBusyboxTar();
    onCleanup(img.cleanup);
    const work = workDir('pull', onCleanup);
    const t0 = Date.now();
    const { archive, bytes } = await buildArchive(work, img.tar, layers, layerMb);
    console.log(`image: ${layers + 1} layers, ${(bytes / 1e6).toFixed(0)} MB uncompressed, built in ${Date.now() - t0} ms`);
    const reg = await startRegistry(work);
    onCleanup(() => stopPid(reg.pid, 5000));
    const ref = `${reg.host}/bench/big:1`;
    const t1 = Date.now();
    await mustExec({ file: 'skopeo', args: ['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${ref}`] }, 'skopeo copy to the registry', 600_000);
    const du = (await exec({ file: 'du', args: ['-sb', path.join(work, 'registry')] })).stdout.split('\t')[0];
    console.log(`pushed by skopeo in ${Date.now() - t1} ms; ${(Number(du) / 1e6).toFixed(0)} MB compressed in the registry`);
    rmSync(archive);

    const engines = chooseEngines(skip, { podman: false });
    await startEngines(engines, onCleanup);
    const rows = engines.map((engine) => ({ engine, pull: [] as number[] }));
    for (let round = 0; round < runs && !isInterrupted(); round++) {
      for (let k = 0; k < rows.length; k++) {
        const row = rows[(round + k) % rows.length];
        await exec({ file: 'sync', args: [] });
        const r = await exec(row.engine.cli(['pull', '-q', ref]), 600_000);
        if (r.code !== 0) throw new Error(`${row.engine.name} pull failed (exit ${r.code}): ${(r.stderr || r.stdout).slice(0, 400)}`);
        row.pull.push(r.ms);
        console.log(`round ${round + 1}: ${row.engine.name} ${r.ms.toFixed(0)} ms`);
        // the store emptied: the next pull downloads and unpacks every layer again
        await mustExec(row.engine.cli(['rmi', ref]), 'rmi');
      }
    }
    console.log(`\n${runs} rounds per engine, alternating; load average ${loadAverage()}\n`);
    const med = (s: number[]): number => summarize(s).median;
    const dockerd = rows.find((r) => r.engine.name === 'dockerd');
    console.log(table(['engine', 'pull ms (median)', 'pull min', 'vs dockerd'], rows.map((r) => [
      r.engine.name, med(r.pull).toFixed(0), Math.min(...r.pull).toFixed(0), dockerd ? ratio(med(r.pull), med(dockerd.pull)) : 'n/a',
    ])));
    if (dockerd) console.log(`\nberth/dockerd: pull ${ratio(med(rows[0].pull), med(dockerd.pull))} (target: at most 0.70x)`);
  });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
