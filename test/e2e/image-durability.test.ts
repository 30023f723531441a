/**
 * The image store over time and through crashes: 100 load/run/commit/rmi cycles leave the
 * data-root as they found it, and a kill -9 of berthd in the middle of a commit leaves
 * only complete images, which run.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, lstatSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { BERTH, eventually, run } from '../harness';
import { cliFor, describeResult, okRun } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 180000 };

/** One Engine API call over the daemon's socket; the reply's body as text. */
function api(sock: string, method: string, urlPath: string, body?: Buffer | object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
    const req = http.request({
      socketPath: sock, method, path: `/v1.41${urlPath}`,
      headers: data ? { 'Content-Type': Buffer.isBuffer(body) ? 'application/x-tar' : 'application/json', 'Content-Length': String(data.length) } : {},
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

async function ok(p: Promise<{ status: number; body: string }>, what: string): Promise<string> {
  const r = await p;
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${r.body}`);
  return r.body;
}

/** Every file and directory under the given roots with its size (directories 0), the databases left out. */
function tree(roots: string[]): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (p: string): void => {
    const st = lstatSync(p);
    out.set(p, st.isDirectory() ? 0 : st.size);
    // a container's merged/ is a mount point, not storage
    if (st.isDirectory() && path.basename(p) !== 'merged') for (const e of readdirSync(p)) walk(path.join(p, e));
  };
  for (const r of roots) if (existsSync(r)) walk(r);
  return out;
}

function leftovers(before: Map<string, number>, after: Map<string, number>): string[] {
  const diff: string[] = [];
  for (const [p, size] of after) if (!before.has(p)) diff.push(`+ ${p} (${size} B)`);
  for (const p of before.keys()) if (!after.has(p)) diff.push(`- ${p}`);
  return diff;
}

function bytes(t: Map<string, number>): number {
  let n = 0;
  for (const s of t.values()) n += s;
  return n;
}

describe('image store durability', () => {
  const daemon = useDaemon('img-durable');
  const cli = cliFor(daemon, 'berth');
  const roots = (): string[] => {
    const d = daemon();
    return ['layers', 'content', 'containers'].map((x) => path.join(d.dataRoot, x)).concat([path.join(d.execRoot, 'containers'), path.join(d.execRoot, 'exits')]);
  };

  it('100 cycles of load, run, commit and rmi leave the data-root\'s files as they were', T, async () => {
    const d = daemon();
    // a small image: one tiny layer above busybox's
    await okRun(cli, ['run', '--name', 'tiny-src', 'busybox', 'sh', '-c', 'echo tiny > /tiny']);
    await okRun(cli, ['commit', 'tiny-src', 'tiny:1']);
    await okRun(cli, ['rm', 'tiny-src']);
    const archive = path.join(d.dir, 'tiny.tar');
    await okRun(cli, ['save', '-o', archive, 'tiny:1']);
    await okRun(cli, ['rmi', 'tiny:1']);
    const tar = readFileSync(archive);
    const start = tree(roots());
    for (let i = 0; i < 100; i++) {
      const loaded = await ok(api(d.sock, 'POST', '/images/load?quiet=1', tar), `load ${i}`);
      assert.match(loaded, /Loaded image: tiny:1/);
      const { Id } = JSON.parse(await ok(api(d.sock, 'POST', `/containers/create?name=cyc${i}`, { Image: 'tiny:1', Cmd: ['sh', '-c', `echo ${i} > /n; cat /tiny`] }), 'create')) as { Id: string };
      await ok(api(d.sock, 'POST', `/containers/${Id}/start`), 'start');
      const waited = JSON.parse(await ok(api(d.sock, 'POST', `/containers/${Id}/wait`), 'wait')) as { StatusCode: number };
      assert.equal(waited.StatusCode, 0);
      await ok(api(d.sock, 'POST', `/commit?container=${Id}&repo=out&tag=${i}`), 'commit');
      await ok(api(d.sock, 'DELETE', `/containers/${Id}`), 'rm');
      await ok(api(d.sock, 'DELETE', `/images/out:${i}`), 'rmi out');
      await ok(api(d.sock, 'DELETE', '/images/tiny:1'), 'rmi tiny');
    }
    // a removed container's files go right after rm answers: wait for that, not longer
    const settled = await eventually(async () => (leftovers(start, tree(roots())).length === 0 ? true : null), 10000, 100).catch(() => false);
    const end = tree(roots());
    assert.deepEqual(leftovers(start, end), [], `settled: ${settled}`);
    assert.equal(bytes(end), bytes(start));
    assert.deepEqual((await okRun(cli, ['images', '-a', '--format', '{{.Repository}}'])).split('\n').filter(Boolean).sort(), ['busybox', 'hello-world']);
  });

  it('kill -9 of berthd in the middle of a commit leaves only complete images, and they run', T, async () => {
    const d = daemon();
    const imagesBefore = (await okRun(cli, ['images', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean).sort();
    // many files and some bulk: the commit's layer takes a while to write
    await okRun(cli, ['run', '--name', 'many', 'busybox', 'sh', '-c', 'mkdir /m && cd /m && seq 1 12000 | xargs touch && head -c 60000000 /dev/urandom > /bulk'], { timeoutMs: 120000 });
    const start = tree(roots());
    const committing = run(BERTH, ['commit', 'many', 'half:done'], { envBase: d.env, timeoutMs: 120000 });
    const tmp = path.join(d.dataRoot, 'layers', 'tmp');
    await eventually(async () => readdirSync(tmp).some((e) => e.startsWith('reg-')), 60000, 10);
    await d.kill9();
    const r = await committing;
    assert.notEqual(r.code, 0, `the commit was cut short: ${describeResult(r)}`);
    await d.start();
    const imagesAfter = (await okRun(cli, ['images', '-a', '-q', '--no-trunc'])).split('\n').filter(Boolean).sort();
    assert.deepEqual(imagesAfter, imagesBefore);
    // nothing half-written stays behind (the container itself is still there, unchanged)
    assert.deepEqual(leftovers(start, tree(roots())).filter((l) => !l.includes(`${path.sep}exits`)), []);
    for (const id of imagesAfter) await okRun(cli, ['run', '--rm', id]);
    // and a commit after the restart completes
    const id = (await okRun(cli, ['commit', 'many', 'half:done'], { timeoutMs: 120000 })).trim();
    assert.equal(await okRun(cli, ['run', '--rm', 'half:done', 'sh', '-c', 'ls /m | wc -l']), '12000\n');
    await okRun(cli, ['rm', 'many']);
    assert.match(await okRun(cli, ['rmi', 'half:done']), new RegExp(`Deleted: ${id}`));
  });
});
