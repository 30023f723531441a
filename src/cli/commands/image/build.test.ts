import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { EngineClient, parseHost } from '../../../client';
import type { Ctx } from '../../command';
import { StatusError } from '../../command';
import { parseFlags } from '../../flagset';
import { BUILD_FLAGS, runBuild } from './build';

interface Seen { path: string; query: URLSearchParams; entries: Map<string, string>; raw: Buffer }
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'build-cli-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function tarEntries(raw: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (raw.length === 0) return out;
  const ex = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => { ex.on('finish', resolve); ex.on('error', reject); });
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c: unknown) => chunks.push(c as Buffer));
    s.on('end', () => { out.set(h.name, Buffer.concat(chunks).toString()); next(); });
  });
  ex.end(raw);
  await done;
  return out;
}

/**
 * A fake daemon: records each build request (query and context entries) and replies with
 * `reply`. Like dockerd, it has no POST /build/local (404) unless `local` is set.
 */
async function fakeDaemon(reply: object[], o: { local?: boolean } = {}): Promise<{ sock: string; seen: Seen[]; close: () => Promise<void> }> {
  const sock = path.join(fs.mkdtempSync(path.join(tmp, 'd-')), 'd.sock');
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    if (!o.local && req.url?.includes('/build/local')) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"message":"page not found"}\n');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://x');
      void tarEntries(raw).catch(() => new Map<string, string>()).then((entries) => {
        seen.push({ path: url.pathname, query: url.searchParams, entries, raw });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        for (const m of reply) res.write(JSON.stringify(m) + '\r\n');
        res.end();
      });
    });
  });
  await new Promise<void>((r) => server.listen(sock, r));
  return { sock, seen, close: () => new Promise((r) => server.close(() => r())) };
}

class Capture {
  text = '';
  isTTY = false;
  columns = 80;
  write(s: string | Uint8Array): boolean { this.text += typeof s === 'string' ? s : Buffer.from(s).toString(); return true; }
}

async function build(sock: string, argv: string[], o: { stdin?: Readable; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number | StatusError | Error; out: string; err: string }> {
  const out = new Capture();
  const err = new Capture();
  const client = new EngineClient(parseHost(`unix://${sock}`));
  const ctx = { path: 'berth build', out, err, client: () => client } as unknown as Ctx;
  const p = parseFlags(BUILD_FLAGS, argv);
  let code: number | Error;
  try {
    code = await runBuild(ctx, p.values, p.args[0], () => o.stdin ?? Readable.from([]), o.env ?? {});
  } catch (e) {
    code = e as Error;
  } finally {
    client.close();
  }
  return { code, out: out.text, err: err.text };
}

function dir(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(tmp, 'ctx-'));
  for (const [n, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, n)), { recursive: true });
    fs.writeFileSync(path.join(d, n), body);
  }
  return d;
}

const ID = 'sha256:' + 'ab'.repeat(32);
const OK_REPLY = [
  { stream: 'Step 1/2 : FROM busybox\n' }, { stream: ' ---> 5b0d59026729\n' },
  { stream: 'Step 2/2 : ENV foo=bar\n' }, { stream: ' ---> Running in 0123456789ab\n' },
  { stream: 'Removing intermediate container 0123456789ab\n' }, { stream: ' ---> abababababab\n' },
  { aux: { ID } }, { stream: 'Successfully built abababababab\n' }, { stream: 'Successfully tagged my-busybox:latest\n' },
];

test('the query carries docker\'s parameters; the context has .dockerignore applied', async () => {
  const d = await fakeDaemon(OK_REPLY);
  const ctxDir = dir({ 'Dockerfile': 'FROM busybox\n', '.dockerignore': '*.log\n', 'a.log': 'x', 'app/main.sh': 'echo' });
  try {
    const r = await build(d.sock, [
      '-t', 'my-busybox', '-t', 'reg.local:5000/x/y:1', '--build-arg', 'A=1', '--build-arg', 'FROMENV', '--build-arg', 'UNSET',
      '--label', 'k=v', '--label', 'bare', '--target', 'final', '--no-cache', '--pull', '--network', 'host',
      '--add-host', 'h:10.0.0.1', '--rm=false', '--force-rm', ctxDir,
    ], { env: { FROMENV: 'from-env' } });
    assert.equal(r.code, 0, String(r.code));
    const q = d.seen[0].query;
    assert.deepEqual(q.getAll('t'), ['my-busybox', 'reg.local:5000/x/y:1']);
    assert.deepEqual(JSON.parse(q.get('buildargs') ?? ''), { A: '1', FROMENV: 'from-env', UNSET: null });
    assert.deepEqual(JSON.parse(q.get('labels') ?? ''), { k: 'v', bare: '' });
    assert.deepEqual([q.get('target'), q.get('nocache'), q.get('pull'), q.get('networkmode'), q.get('rm'), q.get('forcerm'), q.get('dockerfile')],
      ['final', '1', '1', 'host', '0', '1', 'Dockerfile']);
    assert.deepEqual(q.getAll('extrahosts'), ['h:10.0.0.1']);
    assert.deepEqual([...d.seen[0].entries.keys()], ['.dockerignore', 'Dockerfile', 'app/', 'app/main.sh']);
    // docker's classic output: the context progress, then the stream as is
    const [sending, ...rest] = r.out.split('\r\r\n');
    assert.match(sending, /^Sending build context to Docker daemon  [0-9.]+kB$/);
    assert.equal(rest.join(''), OK_REPLY.filter((m) => 'stream' in m).map((m) => (m as { stream: string }).stream).join(''));
    // defaults: what the docker CLI sends for `docker build DIR`
    await build(d.sock, [ctxDir]);
    assert.deepEqual([...d.seen[1].query].sort(), [['dockerfile', 'Dockerfile'], ['version', '1']]);
  } finally {
    await d.close();
  }
});

test('a daemon on this host reads a local context itself: no body, the directory and its dev:ino, docker\'s "Sending" line from its size', async () => {
  const d = await fakeDaemon([{ aux: { ContextSize: 2048 } }, ...OK_REPLY], { local: true });
  const ctxDir = dir({ 'Dockerfile': 'FROM busybox\n', 'a.txt': 'a' });
  try {
    const r = await build(d.sock, ['-t', 'my-busybox', ctxDir]);
    assert.equal(r.code, 0, String(r.code));
    assert.equal(d.seen.length, 1);
    assert.match(d.seen[0].path, /\/build\/local$/);
    const st = fs.statSync(ctxDir);
    assert.deepEqual([d.seen[0].query.get('contextdir'), d.seen[0].query.get('contextid'), d.seen[0].query.get('dockerfile')], [fs.realpathSync(ctxDir), `${st.dev}:${st.ino}`, 'Dockerfile']);
    assert.equal(d.seen[0].raw.length, 0);
    assert.ok(r.out.startsWith('Sending build context to Docker daemon  2.048kB\r\r\nStep 1/2 : FROM busybox\n'), r.out);
  } finally {
    await d.close();
  }
});

test('a daemon that cannot read the context (412) or has no /build/local (404) gets the tar instead', async () => {
  for (const status of [412, 404]) {
    const sock = path.join(fs.mkdtempSync(path.join(tmp, 'd-')), 'd.sock');
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push(`${new URL(req.url ?? '/', 'http://x').pathname} ${Buffer.concat(chunks).length > 0 ? 'body' : 'empty'}`);
        if (req.url?.includes('/build/local')) {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end('{"message":"context directory /x is not the one the client sees"}\n');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(OK_REPLY.map((m) => JSON.stringify(m)).join('\n'));
      });
    });
    await new Promise<void>((r) => server.listen(sock, r));
    try {
      const r = await build(sock, [dir({ Dockerfile: 'FROM busybox\n' })]);
      assert.equal(r.code, 0, String(r.code));
      assert.deepEqual(seen, ['/v1.41/build/local empty', '/v1.41/build body']);
      assert.match(r.out, /^Sending build context to Docker daemon +[0-9.]+kB\r\r\nStep 1\/2/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  }
});

test('-q prints only the ID; --iidfile gets the aux ID; an error message fails with its code and docker\'s text', async () => {
  const quietReply = [{ aux: { ID } }, { stream: `${ID}\n` }];
  const d = await fakeDaemon(quietReply);
  const ctxDir = dir({ Dockerfile: 'FROM busybox\n' });
  const iid = path.join(tmp, 'iid');
  try {
    const r = await build(d.sock, ['-q', '--iidfile', iid, ctxDir]);
    assert.equal(r.code, 0);
    assert.equal(r.out, `${ID}\n`);
    assert.equal(r.err, '');
    assert.equal(d.seen[0].query.get('q'), '1');
    assert.equal(fs.readFileSync(iid, 'utf8'), `${ID}\n`);
  } finally {
    await d.close();
  }
  const d2 = await fakeDaemon(OK_REPLY);
  try {
    const r = await build(d2.sock, ['--iidfile', iid, ctxDir]);
    assert.equal(r.code, 0);
    assert.equal(fs.readFileSync(iid, 'utf8'), ID);
  } finally {
    await d2.close();
  }
  const msg = "The command '/bin/sh -c exit 3' returned a non-zero code: 3";
  const failing = [{ stream: 'Step 1/2 : FROM busybox\n' }, { stream: ' ---> 5b0d59026729\n' }, { stream: 'Step 2/2 : RUN exit 3\n' },
    { errorDetail: { code: 3, message: msg }, error: msg }];
  const d3 = await fakeDaemon(failing);
  try {
    fs.writeFileSync(iid, 'stale');
    const r = await build(d3.sock, ['--iidfile', iid, ctxDir]);
    assert.ok(r.code instanceof StatusError, String(r.code));
    assert.deepEqual([r.code.message, r.code.code], [msg, 3]);
    assert.ok(r.out.endsWith('Step 2/2 : RUN exit 3\n'), r.out);
    assert.equal(fs.existsSync(iid), false, 'a failed build leaves no stale --iidfile');
    // -q keeps the output to itself unless the build fails: then it goes to stderr
    const q = await build(d3.sock, ['-q', ctxDir]);
    assert.equal(q.out, '');
    assert.match(q.err, /^Sending build context to Docker daemon.*Step 1\/2 : FROM busybox\n ---> 5b0d59026729\nStep 2\/2 : RUN exit 3\n$/s);
  } finally {
    await d3.close();
  }
  const d4 = await fakeDaemon([{ errorDetail: { message: 'COPY failed: file not found in build context' }, error: 'x' }]);
  try {
    const r = await build(d4.sock, [ctxDir]);
    assert.ok(r.code instanceof StatusError);
    assert.deepEqual([r.code.message, r.code.code], ['COPY failed: file not found in build context', 1]);
  } finally {
    await d4.close();
  }
});

test('stdin: a tar passes through unchanged; anything else is the Dockerfile of an otherwise empty context', async () => {
  const d = await fakeDaemon(OK_REPLY);
  try {
    const pack = tarStream.pack();
    pack.entry({ name: 'Dockerfile.alt' }, 'FROM busybox\n');
    pack.entry({ name: 'data/x' }, 'x');
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    assert.equal((await build(d.sock, ['-f', 'Dockerfile.alt', '-'], { stdin: Readable.from([tar]) })).code, 0);
    assert.ok(d.seen[0].raw.equals(tar));
    assert.equal(d.seen[0].query.get('dockerfile'), 'Dockerfile.alt');
    assert.equal((await build(d.sock, ['-'], { stdin: Readable.from([Buffer.from('FROM busybox\nENV a=b\n')]) })).code, 0);
    assert.deepEqual([...d.seen[1].entries], [['Dockerfile', 'FROM busybox\nENV a=b\n']]);
    assert.equal(d.seen[1].query.get('dockerfile'), 'Dockerfile');
    const bad = await build(d.sock, ['-f', '-', '-'], { stdin: Readable.from([Buffer.from('x')]) });
    assert.equal((bad.code as Error).message, "invalid argument: can't use stdin for both build context and dockerfile");
  } finally {
    await d.close();
  }
});

test('-f - with a directory, and -f outside the context: the Dockerfile travels as .dockerfile.<random>, named in .dockerignore', async () => {
  const d = await fakeDaemon(OK_REPLY);
  const ctxDir = dir({ 'Dockerfile': 'FROM inside\n', 'f': 'f' });
  const outside = dir({ 'Dockerfile.out': 'FROM outside\n' });
  try {
    assert.equal((await build(d.sock, ['-f', '-', ctxDir], { stdin: Readable.from([Buffer.from('FROM stdin\n')]) })).code, 0);
    const name = d.seen[0].query.get('dockerfile') ?? '';
    assert.match(name, /^\.dockerfile\.[0-9a-f]{20}$/);
    assert.equal(d.seen[0].entries.get(name), 'FROM stdin\n');
    assert.equal(d.seen[0].entries.get('.dockerignore'), `.dockerignore\n${name}\n`);
    assert.equal(d.seen[0].entries.get('Dockerfile'), 'FROM inside\n');
    assert.equal((await build(d.sock, ['-f', path.join(outside, 'Dockerfile.out'), ctxDir])).code, 0);
    const name2 = d.seen[1].query.get('dockerfile') ?? '';
    assert.match(name2, /^\.dockerfile\.[0-9a-f]{20}$/);
    assert.equal(d.seen[1].entries.get(name2), 'FROM outside\n');
    // -f inside the context is relative to the working directory and sent as the context path
    fs.mkdirSync(path.join(ctxDir, 'sub'));
    fs.writeFileSync(path.join(ctxDir, 'sub', 'Dockerfile.dev'), 'FROM dev\n');
    assert.equal((await build(d.sock, ['-f', path.join(ctxDir, 'sub', 'Dockerfile.dev'), ctxDir])).code, 0);
    assert.equal(d.seen[2].query.get('dockerfile'), 'sub/Dockerfile.dev');
  } finally {
    await d.close();
  }
});

test('a lowercase "dockerfile" is found when there is no Dockerfile', async () => {
  const d = await fakeDaemon(OK_REPLY);
  try {
    assert.equal((await build(d.sock, [dir({ dockerfile: 'FROM busybox\n' })])).code, 0);
    assert.equal(d.seen[0].query.get('dockerfile'), 'dockerfile');
  } finally {
    await d.close();
  }
});

test('a URL context is fetched by the client: a tar, or a Dockerfile; an error status is docker\'s message', async () => {
  const d = await fakeDaemon(OK_REPLY);
  const web = http.createServer((req, res) => {
    if (req.url === '/Dockerfile') { res.end('FROM busybox\nRUN true\n'); return; }
    res.writeHead(404, 'Not Found');
    res.end('nothing here\n');
  });
  await new Promise<void>((r) => web.listen(0, '127.0.0.1', r));
  const port = (web.address() as { port: number }).port;
  try {
    const r = await build(d.sock, [`http://127.0.0.1:${port}/Dockerfile`]);
    assert.equal(r.code, 0, String(r.code));
    assert.deepEqual([...d.seen[0].entries], [['Dockerfile', 'FROM busybox\nRUN true\n']]);
    assert.match(r.out, /^Downloading build context from remote url: http:\/\/127\.0\.0\.1:\d+\/Dockerfile/);
    const missing = await build(d.sock, [`http://127.0.0.1:${port}/nope`]);
    assert.equal((missing.code as Error).message,
      `unable to prepare context: unable to download remote context http://127.0.0.1:${port}/nope: failed to GET http://127.0.0.1:${port}/nope with status 404 Not Found: nothing here`);
  } finally {
    web.close();
    await d.close();
  }
});

test('--compress gzips the context; a git URL is left to the daemon as `remote`', async () => {
  const d = await fakeDaemon(OK_REPLY);
  try {
    assert.equal((await build(d.sock, ['--compress', dir({ Dockerfile: 'FROM busybox\n' })])).code, 0);
    assert.deepEqual([...d.seen[0].raw.subarray(0, 2)], [0x1f, 0x8b]);
    assert.equal((await build(d.sock, ['https://example.invalid/repo.git#main:sub'])).code, 0);
    assert.equal(d.seen[1].query.get('remote'), 'https://example.invalid/repo.git#main:sub');
    assert.equal(d.seen[1].raw.length, 0);
  } finally {
    await d.close();
  }
});

test('a context that fails while it is sent ends the build with its error instead of hanging', async () => {
  const d = await fakeDaemon(OK_REPLY);
  try {
    const pack = tarStream.pack();
    pack.entry({ name: 'Dockerfile' }, 'FROM busybox\n');
    pack.entry({ name: 'big' }, Buffer.alloc(4096));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    async function* failing(): AsyncGenerator<Buffer> {
      yield tar.subarray(0, 2048);
      throw new Error('read error in the context');
    }
    const r = await build(d.sock, ['-'], { stdin: Readable.from(failing()) });
    assert.equal((r.code as Error).message, 'read error in the context');
  } finally {
    await d.close();
  }
});
