/**
 * The builder's daemon side, driven by the real docker CLI's classic builder
 * (DOCKER_BUILDKIT=0 docker build) and the raw API: each instruction's effect on the image,
 * ENTRYPOINT/CMD rules, multi-stage with --target, the layer cache (also across a daemon
 * restart), RUN cache mounts, build prune, and the error cases.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { eventually, run, type RunResult } from '../harness';
import { describeResult } from './support/cli';
import { useDaemon } from './support/daemon';
import { rawRequest } from './support/raw-http';

const T = { timeout: 120000 };

describe('build engine (docker build, classic builder)', () => {
  const daemon = useDaemon('build-engine');
  let n = 0;

  /** A fresh context directory with these files (relative path → content). */
  function context(files: Record<string, string>): string {
    const dir = path.join(daemon().dir, `ctx-${n++}`);
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    return dir;
  }
  const docker = (args: string[], opts: { timeoutMs?: number } = {}): Promise<RunResult> => daemon().docker(args, opts);
  const build = (dir: string, ...args: string[]): Promise<RunResult> =>
    run('docker', ['build', ...args, dir], { envBase: { ...daemon().env, DOCKER_BUILDKIT: '0' }, timeoutMs: 90000 });
  async function built(dir: string, ...args: string[]): Promise<string> {
    const r = await build(dir, ...args);
    assert.equal(r.code, 0, describeResult(r));
    return r.stdout;
  }
  async function out(args: string[]): Promise<string> {
    const r = await docker(args);
    assert.equal(r.code, 0, describeResult(r));
    return r.stdout;
  }

  it('streams the classic lines and every instruction shapes the config and history as Docker does', T, async () => {
    const dir = context({
      'Dockerfile': [
        'FROM busybox', 'MAINTAINER me@example.com', 'LABEL a=b "c d"=e', 'EXPOSE 80 443/udp', 'ENV A=1 B="two words"',
        'ARG V=argval', 'USER nobody', 'USER root', 'VOLUME /data', 'STOPSIGNAL SIGUSR1', 'HEALTHCHECK --interval=5s CMD true',
        'WORKDIR /app', 'WORKDIR sub', 'COPY f.txt .', 'RUN echo "$V $A" > /app/sub/out', 'SHELL ["/bin/sh", "-ec"]',
        'ONBUILD RUN echo triggered', 'ENTRYPOINT ["cat"]', 'CMD ["/app/sub/out"]',
      ].join('\n'),
      'f.txt': 'file\n',
    });
    const stdout = await built(dir, '-t', 'cfg:1', '--label', 'from=cli');
    assert.match(stdout, /^Step 1\/20 : FROM busybox\n ---> [0-9a-f]{12}\n/m);
    assert.match(stdout, /^Step 15\/20 : RUN echo "\$V \$A" > \/app\/sub\/out\n ---> Running in ([0-9a-f]{12})\nRemoving intermediate container \1\n ---> [0-9a-f]{12}\n/m);
    assert.match(stdout, /^Step 20\/20 : LABEL "from"='cli'\n/m);
    const id = /^Successfully built ([0-9a-f]{12})$/m.exec(stdout)?.[1];
    assert.ok(id, stdout);
    assert.match(stdout, /^Successfully tagged cfg:1\n$/m);
    const cfg = JSON.parse(await out(['inspect', '--format', '{{json .Config}}', 'cfg:1'])) as Record<string, unknown>;
    assert.deepEqual(cfg.ExposedPorts, { '443/udp': {}, '80/tcp': {} });
    assert.deepEqual(cfg.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'A=1', 'B=two words']);
    assert.deepEqual(cfg.Labels, { a: 'b', 'c d': 'e', from: 'cli' });
    assert.deepEqual(cfg.Volumes, { '/data': {} });
    assert.equal(cfg.User, 'root');
    assert.equal(cfg.WorkingDir, '/app/sub');
    assert.equal(cfg.StopSignal, 'SIGUSR1');
    assert.deepEqual(cfg.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 5e9 });
    assert.deepEqual(cfg.OnBuild, ['RUN echo triggered']);
    assert.deepEqual(cfg.Shell, ['/bin/sh', '-ec']);
    assert.deepEqual(cfg.Entrypoint, ['cat']);
    assert.deepEqual(cfg.Cmd, ['/app/sub/out']);
    assert.equal((await out(['inspect', '--format', '{{.Author}}', 'cfg:1'])).trim(), 'me@example.com');
    // the RUN saw the ARG and the ENV; the copied file landed in the WORKDIR
    assert.equal(await out(['run', '--rm', 'cfg:1']), 'argval 1\n');
    assert.equal(await out(['run', '--rm', 'cfg:1', '/app/sub/f.txt']), 'file\n');
    const history = (await out(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'cfg:1'])).split('\n');
    assert.equal(history[0], `/bin/sh -ec #(nop)  LABEL from=cli`);
    assert.ok(history.includes('/bin/sh -c #(nop)  ENV A=1 B=two words'), history.join('\n'));
    assert.ok(history.includes('|1 V=argval /bin/sh -c echo "$V $A" > /app/sub/out'), history.join('\n'));
    assert.ok(history.includes('/bin/sh -c #(nop) WORKDIR /app/sub'), history.join('\n'));
    assert.ok(history.some((h) => /^\/bin\/sh -c #\(nop\) COPY file:[0-9a-f]{64} in \. $/.test(h)), history.join('\n'));
    assert.ok(history.includes('/bin/sh -c #(nop)  HEALTHCHECK &{Test:[CMD-SHELL true] Interval:5s Timeout:0s StartPeriod:0s Retries:0}'), history.join('\n'));
    // intermediate images are hidden from `images`, shown by -a
    assert.doesNotMatch(await out(['images', '--format', '{{.Repository}}']), /<none>/);
    assert.match(await out(['images', '-a', '--format', '{{.Repository}}']), /<none>/);

    // ONBUILD: a child runs the trigger as part of its FROM step
    const child = context({ Dockerfile: 'FROM cfg:1\nRUN echo child\n' });
    const co = await built(child, '-t', 'cfg-child');
    assert.match(co, /^Step 1\/2 : FROM cfg:1\n# Executing 1 build trigger\n ---> Running in [0-9a-f]{12}\ntriggered\n/m);
    assert.equal((await out(['inspect', '--format', '{{json .Config.OnBuild}}', 'cfg-child'])).trim(), 'null');
  });

  it('ENTRYPOINT and CMD combine as Docker\'s rules say', T, async () => {
    const cases: [string, string[], string][] = [
      ['ENV W=world\nCMD echo shell form $W', [], 'shell form world\n'],
      ['CMD ["echo", "exec form"]', [], 'exec form\n'],
      ['CMD ["echo", "exec form"]', ['echo', 'overridden'], 'overridden\n'],
      ['ENTRYPOINT ["echo", "ep"]\nCMD ["default"]', [], 'ep default\n'],
      ['ENTRYPOINT ["echo", "ep"]\nCMD ["default"]', ['given'], 'ep given\n'],
      ['ENTRYPOINT echo shell-ep\nCMD ["ignored"]', ['ignored too'], 'shell-ep\n'],
      ['CMD ["echo", "cmd first"]\nENTRYPOINT ["echo", "ep"]', [], 'ep echo cmd first\n'],
    ];
    let i = 0;
    for (const [lines, args, expected] of cases) {
      const tag = `epcmd:${i++}`;
      await built(context({ Dockerfile: `FROM busybox\n${lines}\n` }), '-t', tag);
      assert.equal(await out(['run', '--rm', tag, ...args]), expected, lines);
    }
    // an ENTRYPOINT resets the CMD inherited from the base image
    await built(context({ Dockerfile: 'FROM busybox\nCMD ["base-cmd"]\n' }), '-t', 'epbase');
    await built(context({ Dockerfile: 'FROM epbase\nENTRYPOINT ["echo", "only"]\n' }), '-t', 'epchild');
    assert.equal(await out(['run', '--rm', 'epchild']), 'only\n');
  });

  it('multi-stage: --target skips stages it does not need; artefacts copy across stages', T, async () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox AS builder', 'RUN echo artefact > /out.txt',
        'FROM busybox AS broken', 'RUN echo broken-stage-ran && exit 7',
        'FROM builder AS test', 'RUN cat /out.txt',
        'FROM busybox', 'COPY --from=builder /out.txt /from-builder.txt', 'CMD ["cat", "/from-builder.txt"]',
      ].join('\n'),
    });
    const stdout = await built(dir, '-t', 'ms:final');
    assert.doesNotMatch(stdout, /broken-stage-ran|FROM builder AS test/);
    assert.equal(await out(['run', '--rm', 'ms:final']), 'artefact\n');
    const t = await built(dir, '--target', 'test', '-t', 'ms:test');
    assert.doesNotMatch(t, /broken-stage-ran/);
    assert.match(t, /^Step 1\/4 : FROM busybox AS builder$/m);
    const r = await build(dir, '--target', 'broken');
    assert.equal(r.code, 7, describeResult(r));
    assert.match(r.stdout + r.stderr, /The command '\/bin\/sh -c echo broken-stage-ran && exit 7' returned a non-zero code: 7/);
    // independent stages run at once: a failing one stops the others (a long RUN is killed)
    const par = context({
      Dockerfile: [
        'FROM busybox AS slow', 'RUN sleep 60', 'FROM busybox AS fails', 'RUN sleep 1; exit 5',
        'FROM busybox', 'COPY --from=slow /etc/hostname /a', 'COPY --from=fails /etc/hostname /b',
      ].join('\n'),
    });
    const started = Date.now();
    const pr = await build(par);
    assert.equal(pr.code, 5, describeResult(pr));
    assert.ok(Date.now() - started < 30000, `took ${Date.now() - started} ms`);
    assert.match(pr.stdout, /^Step 2\/7 : RUN sleep 60\n ---> Running in [0-9a-f]{12}\n/m);
    assert.equal((await out(['ps', '-q'])).trim(), '');
    const bad = await build(dir, '--target', 'nosuch');
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /failed to reach build target nosuch in Dockerfile/);
  });

  it('FROM scratch, meta ARGs in FROM, COPY --from an image, RUN --mount=type=bind from the context and a stage', T, async () => {
    const dir = context({
      Dockerfile: [
        'ARG BASE=busybox', 'FROM scratch AS files', 'COPY f.txt /f.txt',
        'FROM ${BASE}', 'COPY --from=files /f.txt /from-scratch.txt', 'COPY --from=hello-world /hello /hello-bin',
        'RUN --mount=type=bind,source=f.txt,target=/mnt/f cat /mnt/f',
        'RUN --mount=type=bind,from=files,target=/mnt/s ls /mnt/s',
      ].join('\n'),
      'f.txt': 'from the context\n',
    });
    const stdout = await built(dir, '-t', 'scratchy');
    assert.match(stdout, /^Step 1\/8 : ARG BASE=busybox\nStep 2\/8 : FROM scratch AS files\n ---> \nStep 3\/8 : COPY f.txt \/f.txt\n/m);
    assert.match(stdout, /^from the context\n/m);
    assert.match(stdout, /^f\.txt\n/m);
    assert.equal(await out(['run', '--rm', 'scratchy', 'cat', '/from-scratch.txt']), 'from the context\n');
    assert.equal(await out(['run', '--rm', 'scratchy', 'test', '-x', '/hello-bin']), '');
  });

  it('a second build is answered from cache; a changed COPY file rebuilds from that step; the cache survives a restart', T, async () => {
    const dir = context({
      Dockerfile: 'FROM busybox\nENV X=1\nRUN echo one > /one\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\nCMD ["cat", "/copy"]\n',
      'data.txt': 'v1\n',
    });
    const first = await built(dir, '-t', 'cached');
    assert.doesNotMatch(first, /Using cache/);
    const second = await built(dir, '-t', 'cached');
    assert.equal(second.match(/ ---> Using cache\n/g)?.length, 5, second);
    assert.doesNotMatch(second, /Running in/);
    assert.equal(/Successfully built (\w+)/.exec(first)?.[1], /Successfully built (\w+)/.exec(second)?.[1]);

    fs.writeFileSync(path.join(dir, 'data.txt'), 'v2\n');
    const third = await built(dir, '-t', 'cached');
    const steps = third.split(/^Step /m).slice(1);
    assert.deepEqual(steps.map((s) => s.includes('Using cache')), [false, true, true, false, false, false], third);
    assert.equal(await out(['run', '--rm', 'cached']), 'v2\n');

    await daemon().stop();
    await daemon().start();
    const after = await built(dir, '-t', 'cached');
    assert.equal(after.match(/ ---> Using cache\n/g)?.length, 5, after);
    const nocache = await built(dir, '--no-cache');
    assert.doesNotMatch(nocache, /Using cache/);
  });

  it('RUN --mount=type=cache persists between builds until build prune; heredocs run', T, async () => {
    const dir = context({
      Dockerfile: [
        'FROM busybox',
        'RUN --mount=type=cache,target=/cache echo x >> /cache/count && wc -l < /cache/count',
        'RUN <<EOF', 'echo heredoc line one', 'echo heredoc line two', 'EOF',
        'COPY <<EOT /greeting', 'hello from a heredoc', 'EOT',
        'RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && test -z "$(ls /)" || true',
      ].join('\n'),
    });
    const one = await built(dir, '--no-cache', '-t', 'cm');
    assert.match(one, /^1$/m);
    assert.match(one, /^heredoc line one\nheredoc line two$/m);
    const two = await built(dir, '--no-cache', '-t', 'cm');
    assert.match(two, /^2$/m);
    assert.equal(await out(['run', '--rm', 'cm', 'cat', '/greeting']), 'hello from a heredoc\n');

    const dfRes = await rawRequest(daemon().sock, 'GET', '/v1.41/system/df');
    assert.equal(dfRes.status, 200, dfRes.body);
    const df = JSON.parse(dfRes.body) as { BuildCache: { Type: string }[]; BuilderSize: number };
    assert.ok(df.BuildCache.some((c) => c.Type === 'exec.cachemount'), JSON.stringify(df.BuildCache));
    assert.ok(df.BuildCache.some((c) => c.Type === 'regular'));
    const pruned = await out(['builder', 'prune', '-f']);
    assert.match(pruned, /^Total reclaimed space: /m);
    const after = JSON.parse((await rawRequest(daemon().sock, 'GET', '/v1.41/system/df')).body) as { BuildCache: unknown[]; BuilderSize: number };
    assert.deepEqual(after.BuildCache, []);
    assert.equal(after.BuilderSize, 0);
    assert.match(await built(dir, '-t', 'cm'), /^1$/m);
  });

  it('cache mount sharing between concurrent stages: shared writers meet, locked ones take turns, private ones get a mount each', T, async () => {
    const counts = async (sharing: string): Promise<string> => {
      const run = `RUN --mount=type=cache,id=${sharing}-cache,target=/c,sharing=${sharing} sh -c 'echo x >> /c/n; sleep 2; wc -l < /c/n > /out'`;
      const dir = context({
        Dockerfile: ['FROM busybox AS a', run, 'FROM busybox AS b', run, 'FROM busybox', 'COPY --from=a /out /a', 'COPY --from=b /out /b', 'CMD ["cat", "/a", "/b"]'].join('\n'),
      });
      await built(dir, '--no-cache', '-t', `sharing-${sharing}`);
      return (await out(['run', '--rm', `sharing-${sharing}`])).split('\n').filter(Boolean).sort().join(' ');
    };
    assert.equal(await counts('shared'), '2 2');
    assert.equal(await counts('locked'), '1 2');
    assert.equal(await counts('private'), '1 1');
  });

  it('ADD extracts local archives and fetches URLs; COPY --chown/--chmod', T, async () => {
    const dir = context({ 'tree/a.txt': 'a\n', 'tree/sub/b.txt': 'b\n' });
    const tarRes = await run('tar', ['czf', path.join(dir, 'tree.tar.gz'), '-C', dir, 'tree']);
    assert.equal(tarRes.code, 0);
    const server = http.createServer((req, res) => { res.end(`served ${req.url}\n`); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      fs.writeFileSync(path.join(dir, 'Dockerfile'), [
        'FROM busybox',
        'ADD tree.tar.gz /x/',
        `ADD http://127.0.0.1:${port}/remote.txt /downloads/`,
        'COPY --chown=nobody:nogroup --chmod=0640 tree /y',
      ].join('\n'));
      await built(dir, '-t', 'adds');
      assert.equal(await out(['run', '--rm', 'adds', 'cat', '/x/tree/sub/b.txt', '/downloads/remote.txt']), 'b\nserved /remote.txt\n');
      assert.equal(await out(['run', '--rm', 'adds', 'stat', '-c', '%U:%G %a', '/y/a.txt']), 'nobody:nogroup 640\n');
    } finally {
      server.close();
    }
  });

  it('errors: unknown instruction and bad flag name the line; a missing COPY file is named', T, async () => {
    let r = await build(context({ Dockerfile: 'FROM busybox\n\nFOO bar\n' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dockerfile parse error line 3: unknown instruction: FOO/);
    r = await build(context({ Dockerfile: 'FROM busybox\nCOPY --nope=1 a /b\n' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /dockerfile parse error line 2: Unknown flag: nope/);
    r = await build(context({ Dockerfile: 'FROM busybox\nCOPY missing.txt /x\n' }));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat missing\.txt: file does not exist/);
    // a base image the store lacks is pulled; the test daemon's docker.io is a closed loopback port
    r = await build(context({ Dockerfile: 'FROM nosuchbase:1\n' }));
    assert.notEqual(r.code, 0);
    assert.match(r.stdout, /^Step 1\/1 : FROM nosuchbase:1$/m, describeResult(r));
    assert.match(r.stderr, /^Get "http:\/\/127\.0\.0\.1:1\/v2\/": dial tcp 127\.0\.0\.1:1: connect: connection refused$/m);
  });

  it('COPY --chown looks names up in the stage\'s own passwd, where a FIFO stops nothing', T, async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nCOPY --chown=nobody f.txt /f\nRUN stat -c %u:%g /f\nRUN rm /etc/passwd && mkfifo /etc/passwd\nCOPY --chown=nobody f.txt /g\n', 'f.txt': 'f\n' });
    const r = await build(dir);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stdout, /^65534:65534$/m);
    assert.match(r.stderr, /can't find uid for user nobody: no such user: nobody/);
  });

  it('a failing RUN reports the classic message and leaves no tagged image', T, async () => {
    const r = await build(context({ Dockerfile: 'FROM busybox\nENV A=1\nRUN false\nCMD ["true"]\n' }), '-t', 'half:made');
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /^The command '\/bin\/sh -c false' returned a non-zero code: 1$/m);
    assert.doesNotMatch(r.stdout, /Successfully/);
    assert.equal((await docker(['image', 'inspect', 'half:made'])).code, 1);
  });

  it('a symlink in the context never leads out of it', T, async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nCOPY escape /stolen\n', 'tree/ok.txt': 'ok\n' });
    fs.symlinkSync('/etc/shadow', path.join(dir, 'escape'));
    fs.symlinkSync('../../../../../../etc', path.join(dir, 'tree', 'etc'));
    const r = await build(dir);
    assert.equal(r.code, 1, describeResult(r));
    assert.match(r.stderr, /COPY failed: file not found in build context or excluded by \.dockerignore: stat escape: file does not exist/);
    // a directory holding a link copies the link itself, never what it names on the host
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM busybox\nCOPY tree /tree\n');
    await built(dir, '-t', 'links');
    assert.equal(await out(['run', '--rm', 'links', 'readlink', '/tree/etc']), '../../../../../../etc\n');
    assert.equal(await out(['run', '--rm', 'links', 'sh', '-c', 'test -L /tree/etc && echo link']), 'link\n');

    // a hostile context tar: an entry climbing out of the context is refused
    const evil = buildTar([{ name: 'Dockerfile', body: 'FROM busybox\n' }, { name: '../../../escaped-by-build', body: 'x' }]);
    const res = await rawRequest(daemon().sock, 'POST', '/v1.41/build', evil.toString('latin1'), { 'Content-Type': 'application/x-tar' });
    assert.match(res.body, /escapes|outside|invalid tar entry/, res.body);
    assert.equal(fs.existsSync(path.join(daemon().dataRoot, '..', 'escaped-by-build')), false);

    // a context cut inside the Dockerfile's data is an error, never a shorter Dockerfile
    const whole = buildTar([{ name: 'Dockerfile', body: 'FROM busybox\nRUN echo one\nRUN echo two\n' }]);
    const cut = await rawRequest(daemon().sock, 'POST', '/v1.41/build?t=cut', whole.subarray(0, 512 + 20).toString('latin1'), { 'Content-Type': 'application/x-tar' });
    assert.equal(cut.status, 400, cut.body);
    assert.match(cut.body, /unexpected end of data/);
    assert.equal((await docker(['image', 'inspect', 'cut'])).code, 1);
  });

  it('.dockerignore leaves the Dockerfile and itself out of the image when it names them (server side)', T, async () => {
    const tar = buildTar([
      { name: 'Dockerfile', body: 'FROM busybox\nCOPY . /ctx/\nCMD ["ls", "-a", "/ctx"]\n' },
      { name: '.dockerignore', body: 'Dockerfile\n.dockerignore\n' },
      { name: 'kept.txt', body: 'k' },
    ]);
    const res = await rawRequest(daemon().sock, 'POST', '/v1.41/build?t=ignored', tar.toString('latin1'), { 'Content-Type': 'application/x-tar' });
    assert.equal(res.status, 200);
    assert.match(res.body, /\{"aux":\{"ID":"sha256:[0-9a-f]{64}"\}\}/);
    assert.equal(await out(['run', '--rm', 'ignored']), '.\n..\nkept.txt\n');
    // docker build -f - DIR: the CLI adds the Dockerfile (and a .dockerignore naming it) to a
    // tar it cuts short after the last entry, which must still read whole
    const dir = context({ 'kept.txt': 'k' });
    const r = await run('docker', ['build', '-t', 'stdin-df', '-f', '-', dir], {
      envBase: { ...daemon().env, DOCKER_BUILDKIT: '0' }, input: 'FROM busybox\nCOPY . /ctx/\nCMD ["ls", "-a", "/ctx"]\n', timeoutMs: 60000,
    });
    assert.equal(r.code, 0, describeResult(r));
    assert.equal(await out(['run', '--rm', 'stdin-df']), '.\n..\nkept.txt\n');
  });

  it('a client hanging up kills and removes the running RUN container', T, async () => {
    const dir = context({ Dockerfile: 'FROM busybox\nRUN echo started; sleep 60\n' });
    const child = spawn('docker', ['build', dir], { env: { ...daemon().env, DOCKER_BUILDKIT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    await eventually(async () => /^started$/m.test(stdout), 30000);
    const running = (await out(['ps', '-q'])).trim();
    assert.notEqual(running, '');
    child.kill('SIGKILL');
    await eventually(async () => (await out(['ps', '-aq', '--filter', `id=${running}`])).trim() === '', 20000);
  });
});

/** A minimal ustar archive (names up to 100 bytes). */
function buildTar(entries: { name: string; body: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body);
    const h = Buffer.alloc(512);
    h.write(e.name, 0, 100, 'latin1');
    h.write('0000644\0', 100);
    h.write('0000000\0', 108);
    h.write('0000000\0', 116);
    h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
    h.write('00000000000\0', 136);
    h.write('        ', 148);
    h.write('0', 156);
    h.write('ustar\0', 257);
    h.write('00', 263);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
    blocks.push(h, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}
