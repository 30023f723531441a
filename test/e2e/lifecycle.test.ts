/**
 * A detached logging container through its life: logs (--tail, -f --until, -t), exec (plain,
 * -e, -it in a real pty), top, stop/start/restart/kill, pause/unpause, rename, wait and rm -f,
 * with berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventually } from '../harness';
import { AGO, CLIS, cliBinary, cliFor, describeResult, fullId, inspectField, okRun, psRow } from './support/cli';
import { useDaemon } from './support/daemon';
import { TmuxPty } from './support/tmux-pty';

const T = { timeout: 120000 };
const LOOP = 'while true; do date; sleep 1; done';

describe('lifecycle', () => {
  const daemon = useDaemon('lifecycle');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const loop = `loop-${name}`;
      let id = '';

      it(`run -d --name loop busybox sh -c '${LOOP}' prints the ID and runs`, T, async () => {
        const out = await okRun(cli, ['run', '-d', '--name', loop, 'busybox', 'sh', '-c', LOOP]);
        id = out.trim();
        assert.match(id, /^[0-9a-f]{64}$/, `run -d prints the full ID: ${out}`);
        const row = await psRow(cli, loop, []);
        assert.ok(row, 'ps lists it');
        assert.match(row, /\bUp (Less than a second|\d+ seconds?)\b/);
        assert.ok(row.startsWith(id.slice(0, 12)));
      });

      it('logs --tail 2 prints exactly the last 2 lines', T, async () => {
        await eventually(async () => (await okRun(cli, ['logs', loop])).split('\n').filter(Boolean).length >= 4, 30000, 250);
        const r = await okRun(cli, ['logs', '--tail', '2', loop]);
        const lines = r.split('\n').filter(Boolean);
        assert.equal(lines.length, 2, `two lines: ${JSON.stringify(r)}`);
        for (const l of lines) assert.match(l, /\d\d:\d\d:\d\d/, 'date output');
      });

      it('logs -f --until=2s prints older lines and ends by itself', T, async () => {
        const r = await cli(['logs', '-f', '--until=2s', loop], { timeoutMs: 30000 });
        assert.equal(r.code, 0, describeResult(r));
        assert.ok(r.stdout.split('\n').filter(Boolean).length >= 1, `some lines: ${describeResult(r)}`);
      });

      it('logs -t prefixes each line with an RFC3339Nano UTC timestamp', T, async () => {
        const lines = (await okRun(cli, ['logs', '-t', loop])).split('\n').filter(Boolean);
        assert.ok(lines.length >= 3);
        for (const l of lines) assert.match(l, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S/, `line: ${l}`);
        const first = Date.parse(lines[0].split(' ')[0]);
        assert.ok(Math.abs(Date.now() - first) < 10 * 60 * 1000, 'timestamps are recent');
      });

      it('exec loop hostname prints the short ID', T, async () => {
        assert.equal(await okRun(cli, ['exec', loop, 'hostname']), `${id.slice(0, 12)}\n`);
      });

      it('exec -e VAR1=1 loop env contains VAR1=1', T, async () => {
        const env = (await okRun(cli, ['exec', '-e', 'VAR1=1', loop, 'env'])).split('\n');
        assert.ok(env.includes('VAR1=1'), env.join('\n'));
        const plain = (await okRun(cli, ['exec', loop, 'env'])).split('\n');
        assert.ok(!plain.includes('VAR1=1'), 'the variable belongs to that exec only');
      });

      it('exec -it loop sh runs an interactive shell in a real terminal', T, async () => {
        const pty = new TmuxPty(daemon(), `exec-${name}`);
        try {
          await pty.start();
          await pty.type(`${cliBinary(name)} exec -it ${loop} sh`);
          await pty.waitFor(/^\/ # /m);
          await pty.type('echo in-exec-$((2+3))-$(hostname) tty=$(tty)');
          await pty.waitFor(new RegExp(`^in-exec-5-${id.slice(0, 12)} tty=/dev/pts/\\d+`, 'm'));
          await pty.untilHostPrompt(() => pty.type('exit'));
          await pty.type('echo "rc=$? shell=${BASH_VERSION:+bash}"');
          await pty.waitFor(/^rc=0 shell=bash/m);
        } finally {
          await pty.close();
        }
        assert.ok(await psRow(cli, loop, []), 'the container still runs after the exec ended');
      });

      it('top loop shows PID and CMD columns and the loop\'s sh', T, async () => {
        const out = await okRun(cli, ['top', loop]);
        const [header, ...rows] = out.trimEnd().split('\n');
        assert.match(header, /\bPID\b/);
        assert.match(header, /\bCMD\b|\bCOMMAND\b/);
        assert.match(header, /CMD\s*$/, `docker's ps -ef columns end with CMD: ${header}`);
        assert.ok(rows.some((r) => r.includes('sh -c while true; do date; sleep 1; done')), out);
      });

      it('stop -t 1 stops it: Exited (137) or (143)', T, async () => {
        assert.equal(await okRun(cli, ['stop', '-t', '1', loop], { timeoutMs: 60000 }), `${loop}\n`);
        const row = await psRow(cli, loop);
        assert.ok(row);
        assert.match(row, new RegExp(`Exited \\((137|143)\\) ${AGO}`));
        assert.equal(await psRow(cli, loop, []), undefined, 'not in ps without -a');
      });

      it('start starts it again', T, async () => {
        assert.equal(await okRun(cli, ['start', loop]), `${loop}\n`);
        assert.equal(await inspectField(cli, loop, '{{.State.Status}}'), 'running');
        const row = await psRow(cli, loop, []);
        assert.ok(row);
        assert.match(row, /\bUp\b/);
      });

      it('restart restarts it (new StartedAt, running)', T, async () => {
        const before = await inspectField(cli, loop, '{{.State.StartedAt}}');
        assert.equal(await okRun(cli, ['restart', '-t', '1', loop], { timeoutMs: 60000 }), `${loop}\n`);
        assert.equal(await inspectField(cli, loop, '{{.State.Status}}'), 'running');
        const after = await inspectField(cli, loop, '{{.State.StartedAt}}');
        assert.ok(Date.parse(after) > Date.parse(before), `StartedAt moved: ${before} -> ${after}`);
      });

      it('pause shows (Paused) in ps, unpause resumes', T, async () => {
        assert.equal(await okRun(cli, ['pause', loop]), `${loop}\n`);
        const paused = await psRow(cli, loop, []);
        assert.ok(paused);
        assert.match(paused, /Up .* \(Paused\)/);
        assert.equal(await inspectField(cli, loop, '{{.State.Status}} {{.State.Paused}}'), 'paused true');
        assert.equal(await okRun(cli, ['unpause', loop]), `${loop}\n`);
        const resumed = await psRow(cli, loop, []);
        assert.ok(resumed);
        assert.doesNotMatch(resumed, /Paused/);
        assert.equal(await inspectField(cli, loop, '{{.State.Status}}'), 'running');
        // it really runs again: the log keeps growing
        const n = (await okRun(cli, ['logs', loop])).split('\n').length;
        await eventually(async () => (await okRun(cli, ['logs', loop])).split('\n').length > n, 15000, 250);
      });

      it('kill kills it: Exited (137)', T, async () => {
        assert.equal(await okRun(cli, ['kill', loop]), `${loop}\n`);
        await eventually(async () => (await inspectField(cli, loop, '{{.State.Status}}')) === 'exited', 15000);
        const row = await psRow(cli, loop);
        assert.ok(row);
        assert.match(row, new RegExp(`Exited \\(137\\) ${AGO}`));
      });

      it('rename renames it; the old name is gone', T, async () => {
        await okRun(cli, ['start', loop]);
        const r = await cli(['rename', loop, `${loop}-renamed`]);
        assert.equal(r.code, 0, describeResult(r));
        assert.equal(r.stdout, '');
        assert.equal(await fullId(cli, `${loop}-renamed`), id);
        const old = await cli(['inspect', loop]);
        assert.notEqual(old.code, 0);
        assert.match(old.stderr, new RegExp(`No such (object|container): ${loop}`));
        assert.ok(await psRow(cli, `${loop}-renamed`, []), 'ps shows the new name');
      });

      it('wait prints the exit code', T, async () => {
        const w = `wait-${name}`;
        await okRun(cli, ['run', '-d', '--name', w, 'busybox', 'sh', '-c', 'sleep 1; exit 7']);
        const r = await cli(['wait', w], { timeoutMs: 60000 });
        assert.equal(r.code, 0, describeResult(r));
        assert.equal(r.stdout, '7\n');
      });

      it('rm -f removes the running container', T, async () => {
        assert.equal(await okRun(cli, ['rm', '-f', `${loop}-renamed`]), `${loop}-renamed\n`);
        const ids = (await okRun(cli, ['ps', '-a', '-q', '--no-trunc'])).split('\n');
        assert.ok(!ids.includes(id), 'gone from ps -a');
        const r = await cli(['inspect', id]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, new RegExp(`No such (object|container): ${id}`));
      });
    });
  }
});
