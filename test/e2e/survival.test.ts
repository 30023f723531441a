/**
 * Containers outlive the daemon: after kill -9 of berthd, a logger keeps running and logging,
 * a container that exits while the daemon is down gets its exit code and its restart policy
 * once the daemon is back, attach works again, and a second berthd on the same roots is
 * refused. Containers are made with both CLIs; one kill -9 serves both.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BERTHD, NO_DOCKER_HUB, eventually, run } from '../harness';
import { AGO, CLIS, assertDaemonUp, cliFor, describeResult, inspectField, okRun, psRow, spawnCli } from './support/cli';
import type { CliName } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };
const LOOP = 'while true; do date; sleep 1; done';
/** Started right before the kill: sleeps through it and exits 3 while the daemon is down. */
const SHORT = 'echo started; sleep 3; exit 3';

describe('survival of a daemon kill -9', () => {
  const daemon = useDaemon('survival');
  const clis = Object.fromEntries(CLIS.map((n) => [n, cliFor(daemon, n)])) as Record<CliName, ReturnType<typeof cliFor>>;
  const shortPids: number[] = [];
  let killedAt = 0;
  let restartedAt = 0;

  for (const name of CLIS) {
    it(`[${name}] starts a logger and a short on-failure container`, T, async () => {
      const cli = clis[name];
      await okRun(cli, ['run', '-d', '--name', `logger-${name}`, 'busybox', 'sh', '-c', LOOP]);
      await eventually(async () => (await okRun(cli, ['logs', `logger-${name}`])).length > 0, 15000);
    });
  }

  it('kill -9 of berthd: the short containers exit while it is down', T, async () => {
    // the short ones last, so that they are still running when the daemon dies
    for (const name of CLIS) {
      await okRun(clis[name], ['run', '-d', '--name', `short-${name}`, '--restart', 'on-failure:1', 'busybox', 'sh', '-c', SHORT]);
    }
    for (const name of CLIS) {
      const [status, pid, count] = (await inspectField(clis[name], `short-${name}`, '{{.State.Status}} {{.State.Pid}} {{.RestartCount}}')).split(' ');
      assert.equal(status, 'running', `short-${name} still runs before the kill (did it start more than 3 s ago?)`);
      assert.equal(count, '0');
      shortPids.push(Number(pid));
    }
    const d = daemon();
    await d.kill9();
    killedAt = Date.now();
    // the containers' own processes end on their own, with no daemon to see it
    await eventually(async () => shortPids.every((p) => !existsSync(`/proc/${p}`)), 30000, 200);
    // one more second of logs from the loggers while nobody watches
    await eventually(async () => Date.now() - killedAt > 2000, 5000, 200);
    restartedAt = Date.now();
    await d.start();
  });

  for (const name of CLIS) {
    it(`[${name}] the logger still runs and kept logging during the downtime`, T, async () => {
      const cli = clis[name];
      const row = await psRow(cli, `logger-${name}`, []);
      assert.ok(row, 'ps lists the logger');
      assert.match(row, /\bUp\b/);
      const stamps = (await okRun(cli, ['logs', '-t', `logger-${name}`])).split('\n').filter(Boolean).map((l) => Date.parse(l.split(' ')[0]));
      assert.ok(stamps.every((s) => !Number.isNaN(s)), 'every line has a timestamp');
      assert.ok(stamps.some((s) => s > killedAt && s < restartedAt), `a line logged while the daemon was down (${new Date(killedAt).toISOString()} .. ${new Date(restartedAt).toISOString()})`);
      assert.ok(stamps.some((s) => s < killedAt), 'lines from before the kill');
      await growsAfter(cli, `logger-${name}`);
    });

    it(`[${name}] attach to the logger works after the restart`, T, async () => {
      const live = spawnCli(daemon(), name, ['attach', '--no-stdin', '--sig-proxy=false', `logger-${name}`]);
      try {
        // date prints a new line every second: at least two arrive through the attach
        await eventually(async () => live.stdout().split('\n').filter((l) => /\d\d:\d\d:\d\d/.test(l)).length >= 2, 20000, 200);
      } finally {
        await live.kill();
      }
      assert.equal(await inspectField(clis[name], `logger-${name}`, '{{.State.Status}}'), 'running', 'ending the attach client leaves it running');
    });

    it(`[${name}] the container that exited while down has its exit code and was restarted once`, T, async () => {
      const cli = clis[name];
      const ctr = `short-${name}`;
      // the daemon applies on-failure:1 to the exit it missed: one more run, which exits 3 too
      await eventually(async () => (await inspectField(cli, ctr, '{{.RestartCount}} {{.State.Status}}')) === '1 exited', 60000, 250);
      assert.equal(await inspectField(cli, ctr, '{{.State.ExitCode}}'), '3');
      assert.equal(await okRun(cli, ['logs', ctr]), 'started\nstarted\n', 'it ran again after the restart');
      const row = await psRow(cli, ctr);
      assert.ok(row);
      assert.match(row, new RegExp(`Exited \\(3\\) ${AGO}`));
    });
  }

  it('a second berthd on the same roots is refused while the first runs', T, async () => {
    const d = daemon();
    const other = path.join(d.dir, 'second.sock');
    const r = await run(BERTHD, ['--data-root', d.dataRoot, '--exec-root', d.execRoot, '-H', `unix://${other}`, ...NO_DOCKER_HUB], { timeoutMs: 30000 });
    assert.notEqual(r.code, 0, `the second daemon must refuse to start: ${describeResult(r)}`);
    assert.match(r.stderr, /\S/, 'with an error message');
    assert.match(r.stderr, /(already|in use|running|lock|pid)/i, `a clear reason: ${r.stderr}`);
    for (const name of CLIS) {
      await assertDaemonUp(clis[name]);
      assert.equal(await inspectField(clis[name], `logger-${name}`, '{{.State.Status}}'), 'running', 'the first daemon\'s containers are untouched');
    }
  });
});

/** Resolves once the container logs a new line (proof that logging goes on now). */
async function growsAfter(cli: ReturnType<typeof cliFor>, ctr: string): Promise<void> {
  const n = (await okRun(cli, ['logs', ctr])).split('\n').length;
  await eventually(async () => (await okRun(cli, ['logs', ctr])).split('\n').length > n, 15000, 250);
}
