/**
 * save and load, with both CLIs against one berthd: a two-image archive restores both
 * images with their IDs after rmi; load from stdin and compressed archives; skopeo reads
 * what berth saves and berth loads what skopeo writes; corrupt, mismatching and hostile
 * archives fail clearly and leave the image list as it was.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { eventually, run } from '../harness';
import { CLIS, assertDaemonUp, cliBinary, cliFor, describeResult, okRun } from './support/cli';
import type { Cli, CliName } from './support/cli';
import { useDaemon } from './support/daemon';
import { sha, tarOf } from './support/image-archive';
import { TmuxPty } from './support/tmux-pty';

const T = { timeout: 180000 };


/** A one-layer docker archive; `diffId` overrides the layer's real digest in the config. */
async function handMadeArchive(layer: Buffer, tag: string, diffId = sha(layer)): Promise<Buffer> {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [diffId] } }));
  return tarOf([
    { name: 'layer.tar', content: layer },
    { name: 'config.json', content: config },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: ['layer.tar'] }]) },
  ]);
}

async function imageIds(cli: Cli): Promise<string[]> {
  return (await okRun(cli, ['images', '-q', '--no-trunc'])).split('\n').filter(Boolean).sort();
}

async function idOf(cli: Cli, ref: string): Promise<string> {
  return (await okRun(cli, ['image', 'inspect', '-f', '{{.Id}}', ref])).trim();
}

describe('save and load', () => {
  const daemon = useDaemon('save-load');
  const clis = Object.fromEntries(CLIS.map((n) => [n, cliFor(daemon, n)])) as Record<CliName, Cli>;
  let dir = '';
  before(() => { dir = mkdtempSync(path.join(os.tmpdir(), 'berth-save-load-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** runs a shell line with the CLI (for redirections) */
  const sh = (name: CliName, line: string): Promise<ReturnType<typeof run> extends Promise<infer R> ? R : never> =>
    run('sh', ['-c', line], { env: { ...daemon().env, CLI: cliBinary(name), D: dir }, timeoutMs: 120000 });

  for (const name of CLIS) {
    it(`[${name}] save -o f.tar a b, rmi a b, load -i f.tar restores both with their IDs, and they run`, T, async () => {
      const cli = clis[name];
      const bb = await idOf(cli, 'busybox');
      const hw = await idOf(cli, 'hello-world');
      const f = path.join(dir, `both-${name}.tar`);
      await okRun(cli, ['save', '-o', f, 'busybox', 'hello-world']);
      const listing = (await run('tar', ['-tf', f])).stdout.split('\n');
      for (const e of ['manifest.json', 'repositories', 'index.json', 'oci-layout', `blobs/sha256/${bb.slice(7)}`]) assert.ok(listing.includes(e), `${e} in ${listing.join(' ')}`);
      const manifest = JSON.parse((await run('tar', ['-xOf', f, 'manifest.json'])).stdout) as { Config: string; RepoTags: string[]; Layers: string[] }[];
      assert.deepEqual(manifest.map((m) => m.RepoTags).sort(), [['busybox:latest'], ['hello-world:latest']]);
      await okRun(cli, ['rmi', 'busybox', 'hello-world']);
      const left = await imageIds(cli);
      assert.ok(!left.includes(bb) && !left.includes(hw), `both removed: ${left.join(' ')}`);
      const out = await okRun(cli, ['load', '-i', f]);
      assert.match(out, /^Loaded image: busybox:latest$/m);
      assert.match(out, /^Loaded image: hello-world:latest$/m);
      assert.equal(await idOf(cli, 'busybox'), bb);
      assert.equal(await idOf(cli, 'hello-world'), hw);
      assert.equal((await okRun(cli, ['run', '--rm', 'busybox', 'echo', 'restored'])).trim(), 'restored');
      assert.match(await okRun(cli, ['run', '--rm', 'hello-world']), /Hello/);
    });

    it(`[${name}] save to stdout (refused on a terminal is the CLI's rule), load from stdin, image save/load`, T, async () => {
      const cli = clis[name];
      const bb = await idOf(cli, 'busybox');
      let r = await sh(name, `"$CLI" image save busybox > "$D/stdout-${name}.tar"`);
      assert.equal(r.code, 0, describeResult(r));
      assert.ok(statSync(path.join(dir, `stdout-${name}.tar`)).size > 100000);
      await okRun(cli, ['rmi', 'busybox']);
      r = await sh(name, `"$CLI" image load < "$D/stdout-${name}.tar"`);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, /^Loaded image: busybox:latest$/m);
      assert.equal(await idOf(cli, 'busybox'), bb);
      r = await sh(name, `"$CLI" load -q < "$D/stdout-${name}.tar"`);
      assert.equal(r.code, 0, describeResult(r));
      assert.match(r.stdout, /^Loaded image: busybox:latest$/m);
      // saved by ID: no tag travels with it, and load names it by ID
      r = await sh(name, `"$CLI" save ${bb.slice(7, 19)} | "$CLI" load`);
      assert.equal(r.code, 0, describeResult(r));
      assert.equal(r.stdout, `Loaded image ID: ${bb}\n`);
    });

    it(`[${name}] load reads gzip, xz and zstd compressed archives`, T, async () => {
      const cli = clis[name];
      const bb = await idOf(cli, 'busybox');
      const f = path.join(dir, `c-${name}.tar`);
      await okRun(cli, ['save', '-o', f, 'busybox']);
      for (const [tool, ext] of [['gzip', 'gz'], ['xz', 'xz'], ['zstd', 'zst']]) {
        const r = await sh(name, `${tool} -c "$D/c-${name}.tar" > "$D/c-${name}.tar.${ext}"`);
        assert.equal(r.code, 0, describeResult(r));
        await okRun(cli, ['rmi', 'busybox']);
        const out = await okRun(cli, ['load', '-i', `${f}.${ext}`]);
        assert.match(out, /^Loaded image: busybox:latest$/m, `${tool}: ${out}`);
        assert.equal(await idOf(cli, 'busybox'), bb);
      }
    });

    it(`[${name}] skopeo reads what berth saves; berth loads skopeo's docker-archive and oci-archive`, T, async () => {
      const cli = clis[name];
      const bb = await idOf(cli, 'busybox');
      const a = path.join(dir, `sk-${name}.tar`);
      await okRun(cli, ['save', '-o', a, 'busybox']);
      let r = await run('skopeo', ['inspect', `docker-archive:${a}`]);
      assert.equal(r.code, 0, describeResult(r));
      const info = JSON.parse(r.stdout) as { Layers: string[]; Os: string };
      assert.equal(info.Os, 'linux');
      assert.ok(info.Layers.length >= 1);
      // the same file is an OCI layout too
      r = await run('skopeo', ['inspect', `oci-archive:${a}`]);
      assert.equal(r.code, 0, describeResult(r));
      assert.deepEqual((JSON.parse(r.stdout) as { Layers: string[] }).Layers, info.Layers);
      r = await run('skopeo', ['inspect', '--config', `docker-archive:${a}`]);
      assert.equal(r.code, 0, describeResult(r));
      assert.deepEqual((JSON.parse(r.stdout) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids, JSON.parse(await okRun(cli, ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox'])));
      const b = path.join(dir, `sk-${name}-b.tar`);
      const c = path.join(dir, `sk-${name}-c.tar`);
      r = await run('skopeo', ['copy', '-q', `docker-archive:${a}`, `docker-archive:${b}:skopeo-${name}:docker`]);
      assert.equal(r.code, 0, describeResult(r));
      r = await run('skopeo', ['copy', '-q', `docker-archive:${a}`, `oci-archive:${c}:skopeo-${name}:oci`]);
      assert.equal(r.code, 0, describeResult(r));
      let out = await okRun(cli, ['load', '-i', b]);
      assert.match(out, new RegExp(`^Loaded image: skopeo-${name}:docker$`, 'm'));
      assert.equal(await idOf(cli, `skopeo-${name}:docker`), bb);
      out = await okRun(cli, ['load', '-i', c]);
      assert.match(out, new RegExp(`^Loaded image: skopeo-${name}:oci$`, 'm'));
      // skopeo rewrites the config for OCI (so a new ID); the layers are the same
      const layersOf = async (ref: string): Promise<string> => okRun(cli, ['image', 'inspect', '-f', '{{json .RootFS.Layers}}', ref]);
      assert.equal(await layersOf(`skopeo-${name}:oci`), await layersOf('busybox'));
      assert.equal((await okRun(cli, ['run', '--rm', `skopeo-${name}:oci`, 'echo', 'oci'])).trim(), 'oci');
      await okRun(cli, ['rmi', `skopeo-${name}:docker`, `skopeo-${name}:oci`]);
    });

    it(`[${name}] a truncated or corrupt archive fails clearly and changes nothing`, T, async () => {
      const cli = clis[name];
      const before = await imageIds(cli);
      const f = path.join(dir, `both-${name}.tar`);
      const whole = readFileSync(f);
      const cut = path.join(dir, `cut-${name}.tar`);
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
      await okRun(cli, ['rmi', 'hello-world']);
      const mid = await imageIds(cli);
      let r = await cli(['load', '-i', cut]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.match(r.stderr, /invalid image archive|unexpected end/i);
      assert.deepEqual(await imageIds(cli), mid);
      const gz = path.join(dir, `cut-${name}.tar.gz`);
      const g = await sh(name, `gzip -c "$D/both-${name}.tar" | head -c 300000 > "${gz}"`);
      assert.equal(g.code, 0);
      r = await cli(['load', '-i', gz]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.match(r.stderr, /invalid|unexpected end/i);
      assert.deepEqual(await imageIds(cli), mid);
      const junk = path.join(dir, `junk-${name}.tar`);
      writeFileSync(junk, Buffer.alloc(4096, 7));
      r = await cli(['load', '-i', junk]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.deepEqual(await imageIds(cli), mid);
      await okRun(cli, ['load', '-i', f]);
      assert.deepEqual(await imageIds(cli), before);
    });

    it(`[${name}] a layer whose digest does not match its diff ID is refused`, T, async () => {
      const cli = clis[name];
      const before = await imageIds(cli);
      const layer = await tarOf([{ name: 'hello.txt', content: 'hi\n' }]);
      const f = path.join(dir, `mismatch-${name}.tar`);
      writeFileSync(f, await handMadeArchive(layer, `mismatch-${name}:1`, `sha256:${'0'.repeat(64)}`));
      const r = await cli(['load', '-i', f]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.match(r.stderr, /invalid diffID for layer 0: expected "sha256:0{64}", got "sha256:[0-9a-f]{64}"/);
      assert.deepEqual(await imageIds(cli), before);
    });

    it(`[${name}] hostile layer entries (../, absolute symlink escapes) are refused through load`, T, async () => {
      const cli = clis[name];
      const before = await imageIds(cli);
      const victim = path.join(dir, `victim-${name}`);
      const cases = [
        await tarOf([{ name: `../../../../../../..${victim}`, content: 'pwned' }]),
        await tarOf([{ name: 'esc', type: 'symlink', linkname: dir }, { name: `esc/victim-${name}`, content: 'pwned' }]),
        await tarOf([{ name: 'h', type: 'link', linkname: `../../../../../..${victim}` }]),
      ];
      for (const [i, layer] of cases.entries()) {
        const f = path.join(dir, `hostile-${name}-${i}.tar`);
        writeFileSync(f, await handMadeArchive(layer, `hostile-${name}:${i}`));
        const r = await cli(['load', '-i', f]);
        assert.notEqual(r.code, 0, `case ${i}: ${describeResult(r)}`);
        assert.match(r.stderr, /escapes|symbolic link|invalid hardlink|invalid tar entry/, `case ${i}`);
        assert.ok(!existsSync(victim), `case ${i} wrote outside the layer`);
        assert.deepEqual(await imageIds(cli), before);
      }
    });
  }

  for (const name of CLIS) {
    it(`[${name}] on a terminal: a progress bar per layer, and save refuses to write a tar there`, T, async () => {
      const pty = new TmuxPty(daemon(), `sl-${name}`);
      try {
        await pty.start();
        const f = path.join(dir, `pty-${name}.tar`);
        await okRun(clis[name], ['save', '-o', f, 'hello-world']);
        await pty.type(`${cliBinary(name)} save hello-world; echo "exit=$?"`);
        await pty.waitFor(/cowardly refusing to save to a terminal\. Use the -o flag or redirect[\s\S]*exit=1/);
        await okRun(clis[name], ['rmi', 'hello-world']);
        await pty.type(`${cliBinary(name)} load -i ${f}`);
        await pty.waitFor(/^[0-9a-f]{12}: Loading layer \[=+>\] +[\d.]+[kMG]?B\/[\d.]+[kMG]?B *$/m);
        await pty.waitFor(/^Loaded image: hello-world:latest$/m);
      } finally {
        await pty.close();
      }
    });
  }

  it('kill -9 of berthd in the middle of a load leaves no image and no stray layer; the next load works', T, async () => {
    const d = daemon();
    const before = await imageIds(clis.berth);
    const work = path.join(dir, 'big');
    // one 200 MB layer: long enough to be killed while it registers
    const mk = await run('sh', ['-c', `set -e; mkdir -p "${work}/root"; cd "${work}"; head -c 200000000 /dev/urandom > root/big; tar -C root -cf layer.tar big;
      id=$(sha256sum layer.tar | cut -d' ' -f1);
      printf '{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' "$id" > config.json;
      printf '[{"Config":"config.json","RepoTags":["big:1"],"Layers":["layer.tar"]}]' > manifest.json;
      tar -cf big.tar manifest.json config.json layer.tar; rm -rf root layer.tar`], { timeoutMs: 120000 });
    assert.equal(mk.code, 0, describeResult(mk));
    const archive = path.join(work, 'big.tar');
    const loading = run('curl', ['-sS', '-N', '--unix-socket', d.sock, '-X', 'POST', '-H', 'Content-Type: application/x-tar', '--data-binary', `@${archive}`, 'http://berth/images/load?quiet=0'], { timeoutMs: 120000 });
    // registering: the layer store's temporary unpack directory is filling
    const tmpDir = path.join(d.dataRoot, 'layers', 'tmp');
    await eventually(async () => existsSync(tmpDir) && (await run('sh', ['-c', `ls "${tmpDir}"`])).stdout.includes('reg-'), 60000, 20);
    await d.kill9();
    await loading;
    await d.start();
    assert.deepEqual(await imageIds(clis.berth), before);
    assert.deepEqual((await run('ls', [tmpDir])).stdout.trim(), '');
    assert.deepEqual((await run('ls', [path.join(d.dataRoot, 'content', 'tmp')])).stdout.trim(), '');
    const layersBefore = (await run('ls', [path.join(d.dataRoot, 'layers')])).stdout;
    const out = await okRun(clis.berth, ['load', '-i', archive], { timeoutMs: 120000 });
    assert.match(out, /^Loaded image: big:1$/m);
    await okRun(clis.berth, ['rmi', 'big:1']);
    assert.equal((await run('ls', [path.join(d.dataRoot, 'layers')])).stdout, layersBefore);
    rmSync(work, { recursive: true, force: true });
  });

  it('save of a bare repository name takes every tag of it; an image named twice is written once', T, async () => {
    const cli = clis.berth;
    await okRun(cli, ['tag', 'busybox', 'busybox:second']);
    await okRun(cli, ['tag', 'busybox', 'other:x']);
    try {
      const f = path.join(dir, 'repo.tar');
      await okRun(cli, ['save', '-o', f, 'busybox', 'other:x', 'hello-world:latest']);
      const manifest = JSON.parse((await run('tar', ['-xOf', f, 'manifest.json'])).stdout) as { RepoTags: string[] }[];
      assert.deepEqual(manifest.map((m) => m.RepoTags.sort()).sort(), [['busybox:latest', 'busybox:second', 'other:x'], ['hello-world:latest']]);
      const repos = JSON.parse((await run('tar', ['-xOf', f, 'repositories'])).stdout) as Record<string, Record<string, string>>;
      assert.deepEqual(Object.keys(repos).sort(), ['busybox', 'hello-world', 'other']);
      assert.deepEqual(Object.keys(repos.busybox).sort(), ['latest', 'second']);
    } finally {
      await okRun(cli, ['rmi', 'busybox:second', 'other:x']);
    }
  });

  for (const name of CLIS) {
    it(`[${name}] a reader leaving in the middle of a save does not hurt the daemon`, T, async () => {
      for (let i = 0; i < 3; i++) {
        const r = await sh(name, `"$CLI" save busybox hello-world | head -c 1000 > /dev/null`);
        assert.equal(r.code, 0, describeResult(r));
      }
      await assertDaemonUp(clis[name]);
      const r = await sh(name, `"$CLI" save busybox | tar -t | grep -c blobs/sha256/`);
      assert.equal(r.code, 0, describeResult(r));
    });
  }

  it('save of an unknown name fails with No such image and writes no file', T, async () => {
    const r = await clis.berth(['save', '-o', path.join(dir, 'none.tar'), 'no-such-image']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /No such image: no-such-image/);
    assert.ok(!existsSync(path.join(dir, 'none.tar')));
    for (const name of CLIS) {
      const bad = await clis[name](['save', '-o', '/nonexistent-berth-dir/f.tar', 'busybox']);
      assert.notEqual(bad.code, 0);
      assert.match(bad.stderr, /^failed to save image: invalid output path: stat \/nonexistent-berth-dir: no such file or directory$/m, name);
    }
  });
});
