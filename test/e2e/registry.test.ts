/**
 * Registries, against Debian's docker-registry on 127.0.0.1 (temporary storage): the
 * acceptance flow with both CLIs (login, tag, push, rmi, run with implicit pull), the
 * progress display on a terminal, a many-layer round trip with skopeo reading it back, a
 * multi-platform index, basic auth over TLS with a test CA, bearer tokens, search, and the
 * failures: a connection cut mid-download (resumed), a registry gone for good (the next
 * pull resumes), a corrupt blob, another platform only, a wrong password, no registry.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../harness';
import { CLIS, cliBinary, cliFor, describeResult, okRun } from './support/cli';
import type { Cli, CliName } from './support/cli';
import { useDaemon } from './support/daemon';
import { layeredArchive } from './support/image-archive';
import { FaultProxy, TestRegistry, TokenService, freePort, makeTestCa } from './support/registry';
import { TmuxPty } from './support/tmux-pty';

const T = { timeout: 120000 };
const USER = { user: 'pepito', password: 's3cret' };

function putManifest(url: string, mediaType: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'PUT', headers: { 'Content-Type': mediaType, 'Content-Length': body.length } }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.end(body);
  });
}

describe('registries', () => {
  const certsDir = mkdtempSync(path.join(os.tmpdir(), 'berth-certs-'));
  const plain = new TestRegistry();
  // the plain registry doubles as berthd's docker.io mirror: its port is needed at daemon start
  before(async () => { plain.port = await freePort(); });
  const daemon = useDaemon('registry', { args: () => ['--registry-certs-dir', certsDir, '--registry-mirror', `http://${plain.host}`] });
  const clis = Object.fromEntries(CLIS.map((n) => [n, cliFor(daemon, n)])) as Record<CliName, Cli>;
  const berth = clis.berth;
  const basic = new TestRegistry({ htpasswd: USER });
  let dir = '';
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'berth-registry-test-'));
    await Promise.all([plain.start(), basic.start()]);
  });
  after(async () => {
    await Promise.all([plain.destroy(), basic.destroy()]);
    rmSync(dir, { recursive: true, force: true });
    rmSync(certsDir, { recursive: true, force: true });
  });

  const load = async (tag: string, opts: Parameters<typeof layeredArchive>[1]): Promise<string> => {
    const f = path.join(dir, `${tag.replace(/[/:]/g, '_')}.tar`);
    writeFileSync(f, await layeredArchive(tag, opts));
    await okRun(berth, ['load', '-i', f]);
    return f;
  };
  const idOf = async (ref: string): Promise<string> => (await okRun(berth, ['image', 'inspect', '-f', '{{.Id}}', ref])).trim();
  const imageIds = async (): Promise<string> => (await okRun(berth, ['images', '-a', '-q', '--no-trunc'])).split('\n').sort().join(' ');
  const layerDirs = (): string[] => readdirSync(path.join(daemon().dataRoot, 'layers')).filter((e) => e !== 'l' && e !== 'tmp').sort();

  for (const name of CLIS) {
    it(`[${name}] acceptance: login, tag busybox, push, rmi, run with the implicit pull`, T, async () => {
      const cli = clis[name];
      const ref = `${basic.host}/pepito/mi_app:${name}`;
      await okRun(cli, ['tag', 'busybox', ref]);
      if (name === 'berth') {
        await okRun(cli, ['logout', basic.host]);
        const denied = await cli(['push', ref]);
        assert.notEqual(denied.code, 0, describeResult(denied));
        assert.match(denied.stderr + denied.stdout, /no basic auth credentials/);
      }
      const login = await okRun(cli, ['login', basic.host, '-u', USER.user, '-p', USER.password]);
      assert.match(login, /Login Succeeded/);
      const push = await okRun(cli, ['push', ref]);
      assert.match(push, new RegExp(`The push refers to repository \\[${basic.host}/pepito/mi_app\\]`));
      assert.match(push, /: (Pushed|Layer already exists|Mounted from \S+)$/m);
      assert.match(push, new RegExp(`^${name}: digest: sha256:[0-9a-f]{64} size: \\d+$`, 'm'));
      await okRun(cli, ['rmi', ref]);
      const r = await cli(['run', '--rm', ref, 'echo', 'ok']);
      assert.equal(r.code, 0, describeResult(r));
      assert.equal(r.stdout, 'ok\n');
      assert.match(r.stderr, new RegExp(`Unable to find image '${ref}' locally`));
      assert.match(r.stderr, new RegExp(`${name}: Pulling from pepito/mi_app`));
      assert.match(r.stderr, /[0-9a-f]{12}: Already exists/);
      assert.match(r.stderr, /Digest: sha256:[0-9a-f]{64}/);
      assert.match(r.stderr, new RegExp(`Status: Downloaded newer image for ${ref}`));
      const digests = await okRun(cli, ['image', 'inspect', '-f', '{{json .RepoDigests}}', ref]);
      assert.match(digests, new RegExp(`${basic.host}/pepito/mi_app@sha256:[0-9a-f]{64}`));
      assert.match(await okRun(cli, ['images', '--digests', `${basic.host}/pepito/mi_app`]), /sha256:[0-9a-f]{64}/);
      await okRun(cli, ['rmi', ref]);
      assert.match(await okRun(cli, ['logout', basic.host]), new RegExp(`Removing login credentials for ${basic.host}`));
    });
  }

  it('progress display on a terminal: one line per layer, redrawn in place (both CLIs)', T, async () => {
    await load('progress:1', { layers: 3, randomBytes: 3 << 20 });
    const ref = `${plain.host}/progress/img:1`;
    await okRun(berth, ['tag', 'progress:1', ref]);
    await okRun(berth, ['push', ref]);
    await okRun(berth, ['rmi', 'progress:1']);
    for (const name of CLIS) {
      await okRun(berth, ['rmi', ref]).catch(() => undefined);
      const pty = new TmuxPty(daemon(), `progress-${name}`);
      await pty.start();
      try {
        await pty.untilHostPrompt(() => pty.type(`${cliBinary(name)} pull ${ref}`), 60000);
        const screen = await pty.screen();
        const complete = screen.split('\n').filter((l) => /^[0-9a-f]{12}: Pull complete\s*$/.test(l));
        assert.equal(complete.length, 3, `[${name}] one "Pull complete" line per layer:\n${screen}`);
        assert.equal(screen.split('\n').filter((l) => /Downloading|Extracting|Waiting|Verifying/.test(l)).length, 0, `[${name}] progress lines were redrawn:\n${screen}`);
        assert.match(screen, /Status: Downloaded newer image for/);
      } finally {
        await pty.close();
      }
    }
  });

  it('a 12-layer image round trips (same ID, runs); a second push skips every layer, another repository mounts them; skopeo reads it', T, async () => {
    await load('many:1', { layers: 12 });
    const id = await idOf('many:1');
    const ref = `${plain.host}/many/img:1`;
    await okRun(berth, ['tag', 'many:1', ref]);
    const push = await okRun(berth, ['push', ref]);
    assert.equal(push.match(/: Pushed$/gm)?.length, 12, push);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push)?.[1];
    await okRun(berth, ['rmi', 'many:1', ref]);
    const pull = await okRun(berth, ['pull', ref]);
    assert.equal(pull.match(/: Pull complete$/gm)?.length, 12, pull);
    assert.match(pull, new RegExp(`Digest: ${digest}`));
    assert.equal(await idOf(ref), id);
    assert.equal(await okRun(berth, ['run', '--rm', '--network', 'none', ref, 'cat', '/layers/0', '/layers/11']), 'layer 0 of many:1\nlayer 11 of many:1\n');
    const again = await okRun(berth, ['push', ref]);
    assert.equal(again.match(/: Layer already exists$/gm)?.length, 12, again);
    await okRun(berth, ['tag', ref, `${plain.host}/other/img:1`]);
    const mounted = await okRun(berth, ['push', `${plain.host}/other/img:1`]);
    assert.equal(mounted.match(/: Mounted from many\/img$/gm)?.length, 12, mounted);
    const sk = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${ref}`]);
    assert.equal(sk.code, 0, describeResult(sk));
    const info = JSON.parse(sk.stdout) as { Digest: string; Layers: string[]; Architecture: string };
    assert.equal(info.Digest, digest);
    assert.equal(info.Layers.length, 12);
  });

  it('docker.io names are pulled from --registry-mirror', T, async () => {
    await okRun(berth, ['tag', 'hello-world', `${plain.host}/library/mirrored:1`]);
    await okRun(berth, ['push', `${plain.host}/library/mirrored:1`]);
    const pull = await okRun(berth, ['pull', 'mirrored:1']);
    assert.match(pull, /Status: (Downloaded newer image|Image is up to date) for mirrored:1/);
    assert.match(pull, /^docker\.io\/library\/mirrored:1$/m);
    assert.equal(await idOf('mirrored:1'), await idOf('hello-world'));
    await okRun(berth, ['rmi', 'mirrored:1', `${plain.host}/library/mirrored:1`]);
  });

  for (const name of CLIS) {
    it(`[${name}] build FROM an image only the registry has pulls it; one nowhere fails in the registry's words`, T, async () => {
      const cli = clis[name];
      const ref = `${plain.host}/base/bb:${name}`;
      await okRun(berth, ['tag', 'busybox', ref]);
      await okRun(berth, ['push', ref]);
      await okRun(berth, ['rmi', ref]);
      const ctx = mkdtempSync(path.join(dir, 'ctx-'));
      writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${ref}\nRUN echo built > /built\n`);
      const env = name === 'docker' ? { DOCKER_BUILDKIT: '0' } : undefined;
      await okRun(cli, ['build', '--network', 'none', '-t', `from-registry:${name}`, ctx], env ? { env } : undefined);
      assert.equal(await okRun(berth, ['run', '--rm', '--network', 'none', `from-registry:${name}`, 'cat', '/built']), 'built\n');
      assert.equal(await idOf(ref), await idOf('busybox'));
      writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${plain.host}/base/absent:1\n`);
      const missing = await cli(['build', ctx], env ? { env } : undefined);
      assert.equal(missing.code, 1, describeResult(missing));
      assert.match(missing.stderr + missing.stdout, /manifest unknown|not found/);
      await okRun(berth, ['rmi', ref, `from-registry:${name}`]);
    });
  }

  it('an image pushed by skopeo is pulled by berth and runs', T, async () => {
    const f = path.join(dir, 'skopeo-src.tar');
    writeFileSync(f, await layeredArchive('skopeo:1', { layers: 2 }));
    const ref = `${plain.host}/skopeo/img:1`;
    const sk = await run('skopeo', ['copy', '--dest-tls-verify=false', `docker-archive:${f}`, `docker://${ref}`], { timeoutMs: 60000 });
    assert.equal(sk.code, 0, describeResult(sk));
    const pull = await okRun(berth, ['pull', ref]);
    assert.match(pull, /Status: Downloaded newer image/);
    assert.equal(await okRun(berth, ['run', '--rm', '--network', 'none', ref, 'cat', '/layers/1']), 'layer 1 of skopeo:1\n');
  });

  it('a multi-platform index resolves for the host, --platform picks another; an index without the host platform is refused', T, async () => {
    await load('multi:amd64', { layers: 1, architecture: 'amd64', label: 'amd64' });
    await load('multi:arm64', { layers: 1, architecture: 'arm64', label: 'arm64' });
    const ids: Record<string, string> = {};
    const descs: Record<string, { mediaType: string; digest: string; size: number; platform: { os: string; architecture: string } }> = {};
    for (const arch of ['amd64', 'arm64']) {
      ids[arch] = await idOf(`multi:${arch}`);
      const ref = `${plain.host}/multi/img:${arch}`;
      await okRun(berth, ['tag', `multi:${arch}`, ref]);
      await okRun(berth, ['push', ref]);
      const m = await plain.manifest('multi/img', arch);
      descs[arch] = { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest: `sha256:${m.digest}`, size: m.size, platform: { os: 'linux', architecture: arch } };
      await okRun(berth, ['rmi', `multi:${arch}`, ref]);
    }
    const index = (entries: typeof descs[string][]): Buffer => Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: entries }));
    assert.equal(await putManifest(`${plain.url}/v2/multi/img/manifests/all`, 'application/vnd.oci.image.index.v1+json', index([descs.amd64, descs.arm64])), 201);
    assert.equal(await putManifest(`${plain.url}/v2/multi/img/manifests/armonly`, 'application/vnd.oci.image.index.v1+json', index([descs.arm64])), 201);
    const all = `${plain.host}/multi/img:all`;
    await okRun(berth, ['pull', all]);
    assert.equal(await idOf(all), os.arch() === 'x64' ? ids.amd64 : ids.arm64);
    const indexDigest = `sha256:${(await plain.manifest('multi/img', 'all')).digest}`;
    assert.match(await okRun(berth, ['image', 'inspect', '-f', '{{json .RepoDigests}}', all]), new RegExp(`multi/img@${indexDigest}`));
    await okRun(berth, ['pull', '--platform', 'linux/arm64', all]);
    assert.equal(await idOf(all), ids.arm64);
    // build: FROM --platform= (and build --platform) want that platform; a local image of
    // another is pulled again for it, and the image built is of the base's platform
    const ctx = path.join(dir, 'platform-ctx');
    mkdirSync(ctx, { recursive: true });
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM --platform=linux/amd64 ${all}\nENV p=amd64\n`);
    await okRun(berth, ['build', '-t', 'built-amd64', ctx]);
    assert.equal(await idOf(all), ids.amd64);
    assert.equal(await okRun(berth, ['image', 'inspect', '-f', '{{.Architecture}}', 'built-amd64']), 'amd64\n');
    writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${all}\nENV p=arm64\n`);
    await okRun(berth, ['build', '--platform', 'linux/arm64', '-t', 'built-arm64', ctx]);
    assert.equal(await idOf(all), ids.arm64);
    assert.equal(await okRun(berth, ['image', 'inspect', '-f', '{{.Architecture}}', 'built-arm64']), 'arm64\n');
    await okRun(berth, ['rmi', 'built-amd64', 'built-arm64']);
    const dist = await run('curl', ['-s', '--unix-socket', daemon().sock, `http://berth/v1.41/distribution/${all}/json`]);
    const inspect = JSON.parse(dist.stdout) as { Descriptor: { digest: string }; Platforms: { architecture: string }[] };
    assert.equal(inspect.Descriptor.digest, indexDigest);
    assert.deepEqual(inspect.Platforms.map((p) => p.architecture), ['amd64', 'arm64']);
    const before = await imageIds();
    const layers = layerDirs();
    for (const name of CLIS) {
      const r = await clis[name](['pull', `${plain.host}/multi/img:armonly`]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.match(r.stderr, /no matching manifest for linux\/(amd64|arm64) in the manifest list entries/);
    }
    assert.equal(await imageIds(), before);
    assert.deepEqual(layerDirs(), layers);
  });

  it('basic auth behind TLS: the certs.d CA is required and used; a wrong password gets Docker\'s message', T, async () => {
    const tls = new TestRegistry({ tls: true, htpasswd: USER });
    await tls.start();
    try {
      const hostDir = path.join(certsDir, tls.host);
      mkdirSync(hostDir, { recursive: true });
      copyFileSync(makeTestCa(path.join(dir, 'other-ca'), 'other').ca, path.join(hostDir, 'ca.crt'));
      const bad = await berth(['login', tls.host, '-u', USER.user, '-p', USER.password]);
      assert.notEqual(bad.code, 0, describeResult(bad));
      assert.match(bad.stderr, /x509: certificate signed by unknown authority/);
      copyFileSync(tls.tlsFiles!.ca, path.join(hostDir, 'ca.crt'));
      for (const name of CLIS) {
        const wrong = await clis[name](['login', tls.host, '-u', USER.user, '-p', 'wrong']);
        assert.equal(wrong.code, 1, describeResult(wrong));
        assert.match(wrong.stderr, new RegExp(`Error response from daemon: login attempt to https://${tls.host}/v2/ failed with status: 401 Unauthorized`));
      }
      await okRun(berth, ['login', tls.host, '-u', USER.user, '-p', USER.password]);
      const ref = `${tls.host}/secure/img:1`;
      await okRun(berth, ['tag', 'hello-world', ref]);
      await okRun(berth, ['push', ref]);
      await okRun(berth, ['rmi', ref]);
      const pull = await okRun(clis.docker, ['pull', ref]);
      assert.match(pull, /Status: Downloaded newer image/);
      await okRun(berth, ['rmi', ref]);
      // build FROM the private image: each CLI sends the stored credentials (X-Registry-Config)
      const ctx = path.join(dir, 'private-from');
      mkdirSync(ctx, { recursive: true });
      writeFileSync(path.join(ctx, 'Dockerfile'), `FROM ${ref}\nENV private=1\n`);
      for (const name of CLIS) {
        const built = await clis[name](['build', '-t', `from-private-${name}`, ctx], { env: { DOCKER_BUILDKIT: '0' } });
        assert.equal(built.code, 0, describeResult(built));
        await okRun(berth, ['rmi', `from-private-${name}`, ref]);
      }
      await okRun(berth, ['logout', tls.host]);
      for (const name of CLIS) {
        const anon = await clis[name](['build', ctx], { env: { DOCKER_BUILDKIT: '0' } });
        assert.notEqual(anon.code, 0, describeResult(anon));
        assert.match(anon.stdout + anon.stderr, /no basic auth credentials|unauthorized|authentication required/i);
      }
    } finally {
      await tls.destroy();
    }
  });

  it('bearer tokens: login, push with a token per scope (cached), anonymous pull, anonymous push denied; search', T, async () => {
    const ts = new TokenService({ alice: 'wonder' }, [{ name: 'tok/app', description: 'an app in the token registry, with a description longer than forty-five characters', star_count: 7, is_official: false, is_automated: false }]);
    await ts.start();
    const reg = new TestRegistry({ token: ts });
    await reg.start();
    try {
      const wrong = await berth(['login', reg.host, '-u', 'alice', '-p', 'nope']);
      assert.notEqual(wrong.code, 0, describeResult(wrong));
      assert.match(wrong.stderr, /unauthorized/);
      await okRun(berth, ['login', reg.host, '-u', 'alice', '-p', 'wonder']);
      const ref = `${reg.host}/tok/app:1`;
      await load('tok:1', { layers: 4 });
      await okRun(berth, ['tag', 'tok:1', ref]);
      const before = ts.requests.length;
      await okRun(berth, ['push', ref]);
      const pushTokens = ts.requests.slice(before);
      assert.ok(pushTokens.some((r) => r.ok && r.account === 'alice' && r.scopes.includes('repository:tok/app:pull,push')), JSON.stringify(pushTokens));
      assert.ok(pushTokens.length <= 2, `tokens are cached per scope: ${JSON.stringify(pushTokens)}`);
      await okRun(berth, ['logout', reg.host]);
      await okRun(berth, ['rmi', 'tok:1', ref]);
      const pull = await okRun(berth, ['pull', ref]);
      assert.match(pull, /Status: Downloaded newer image/);
      assert.ok(ts.requests.some((r) => r.account === null && r.scopes.includes('repository:tok/app:pull')));
      const anon = await berth(['push', ref]);
      assert.notEqual(anon.code, 0, describeResult(anon));
      assert.match(anon.stderr + anon.stdout, /unauthorized|denied/);
      for (const name of CLIS) {
        const s = await okRun(clis[name], ['search', `127.0.0.1:${ts.port}/app`]);
        assert.match(s, /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL\s*$/m);
        assert.match(s, /^tok\/app\s+an app in the token registry, with a descrip…\s+7\s*$/m);
      }
    } finally {
      await reg.destroy();
      await ts.stop();
    }
  });

  describe('failures leave the store as it was', () => {
    const proxy = new FaultProxy(() => plain.url);
    let layer = { digest: '', size: 0 };
    const ref = (): string => `${proxy.host}/fault/img:1`;
    before(async () => {
      await proxy.start();
      await load('fault:1', { layers: 2, randomBytes: 4 << 20 });
      await okRun(berth, ['tag', 'fault:1', `${plain.host}/fault/img:1`]);
      await okRun(berth, ['push', `${plain.host}/fault/img:1`]);
      await okRun(berth, ['rmi', 'fault:1', `${plain.host}/fault/img:1`]);
      layer = (await plain.manifest('fault/img', '1')).body.layers![1];
    });
    after(() => proxy.stop());

    it('a connection cut mid-download is resumed with a Range request', T, async () => {
      proxy.ranges = [];
      proxy.fault = { digest: layer.digest, cutAfter: 1 << 20, cuts: 1 };
      const pull = await okRun(berth, ['pull', ref()]);
      assert.match(pull, /Status: Downloaded newer image/);
      assert.ok(proxy.ranges.some((r) => /^bytes=[1-9]\d*-$/.test(r)), `ranges: ${proxy.ranges.join(' ')}`);
      // not --rm: its removal is asynchronous, and the image must be gone before the next test
      assert.equal(await okRun(berth, ['run', '--network', 'none', '--name', 'fault-run', ref(), 'cat', '/layers/1']), 'layer 1 of fault:1\n');
      await okRun(berth, ['rm', 'fault-run']);
      await okRun(berth, ['rmi', ref()]);
    });

    it('a registry that keeps dying fails the pull, store unchanged; the next pull resumes the partial blob', T, async () => {
      const images = await imageIds();
      const layers = layerDirs();
      proxy.ranges = [];
      proxy.fault = { digest: layer.digest, cutAfter: 256 << 10, cuts: 100 };
      const r = await berth(['pull', ref()]);
      assert.notEqual(r.code, 0, describeResult(r));
      assert.match(r.stderr, /connection closed after \d+ of \d+ bytes/);
      assert.equal(await imageIds(), images);
      assert.deepEqual(layerDirs(), layers);
      proxy.fault = null;
      proxy.ranges = [];
      await okRun(berth, ['pull', ref()]);
      const offset = Number(/^bytes=(\d+)-$/.exec(proxy.ranges[0] ?? '')?.[1] ?? 0);
      // a fresh pull asking for a range: it went on from the bytes the failed one kept
      assert.ok(offset > 0, `resumed at ${offset}: ${proxy.ranges.join(' ')}`);
      await okRun(berth, ['rmi', ref()]);
    });

    it('a blob whose digest does not match is rejected and nothing is stored', T, async () => {
      const images = await imageIds();
      const layers = layerDirs();
      proxy.fault = { digest: layer.digest, corrupt: true };
      for (const name of CLIS) {
        const r = await clis[name](['pull', ref()]);
        assert.notEqual(r.code, 0, describeResult(r));
        assert.match(r.stderr + r.stdout, new RegExp(`filesystem layer verification failed for digest ${layer.digest}`));
      }
      proxy.fault = null;
      assert.equal(await imageIds(), images);
      assert.deepEqual(layerDirs(), layers);
    });

    it('an unreachable registry: a clear error', T, async () => {
      const port = await freePort();
      for (const name of CLIS) {
        const r = await clis[name](['pull', `127.0.0.1:${port}/x/y:1`]);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${port}.*connect: connection refused`));
      }
    });
  });
});
