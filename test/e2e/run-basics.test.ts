/**
 * `run` in the foreground and `ps`: output, exit codes, and the ps views (-a, -q, -l, filters),
 * with berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { AGO, CLIS, cliFor, describeResult, fullId, ok, okRun, psRow } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('run basics', () => {
  const daemon = useDaemon('run-basics');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);

      it('run busybox echo hello world prints it and exits 0', T, async () => {
        const r = await cli(['run', '--name', `hello-${name}`, 'busybox', 'echo', 'hello', 'world']);
        assert.equal(ok(r, 'run echo'), 'hello world\n');
      });

      it("run busybox sh -c 'exit 3' exits 3 and ps -a shows Exited (3) … ago", T, async () => {
        const r = await cli(['run', '--name', `exit3-${name}`, 'busybox', 'sh', '-c', 'exit 3']);
        assert.equal(r.code, 3, describeResult(r));
        const row = await psRow(cli, `exit3-${name}`);
        assert.ok(row, 'ps -a lists the exited container');
        assert.match(row, new RegExp(`Exited \\(3\\) ${AGO}`));
        const id = await fullId(cli, `exit3-${name}`);
        assert.ok(row.startsWith(id.slice(0, 12)), `the row starts with the short ID: ${row}`);
      });

      it('ps -a -q lists every container as a 12-hex ID, newest first', T, async () => {
        const ids = (await okRun(cli, ['ps', '-a', '-q'])).split('\n').filter(Boolean);
        for (const id of ids) assert.match(id, /^[0-9a-f]{12}$/);
        const hello = (await fullId(cli, `hello-${name}`)).slice(0, 12);
        const exit3 = (await fullId(cli, `exit3-${name}`)).slice(0, 12);
        assert.ok(ids.includes(hello) && ids.includes(exit3), `both containers listed: ${ids.join(',')}`);
        assert.ok(ids.indexOf(exit3) < ids.indexOf(hello), 'newest first');
        // running containers only without -a: none of these
        const running = (await okRun(cli, ['ps', '-q'])).split('\n').filter(Boolean);
        assert.ok(!running.includes(hello) && !running.includes(exit3), `ps -q shows only running ones: ${running.join(',')}`);
      });

      it('ps -l -q prints only the latest created container, even when it is not running', T, async () => {
        const out = await okRun(cli, ['create', '--name', `latest-${name}`, 'busybox', 'true']);
        const created = out.trim();
        assert.match(created, /^[0-9a-f]{64}$/, 'create prints the full ID');
        const latest = await okRun(cli, ['ps', '-l', '-q']);
        assert.equal(latest, `${created.slice(0, 12)}\n`);
        const table = (await okRun(cli, ['ps', '-l'])).trimEnd().split('\n');
        assert.equal(table.length, 2, `header and one row: ${table.join('\n')}`);
        assert.match(table[0], /^CONTAINER ID\s+IMAGE\s+COMMAND\s+CREATED\s+STATUS\s+PORTS\s+NAMES$/);
        assert.match(table[1], new RegExp(`^${created.slice(0, 12)}\\s+busybox\\s+"true"\\s+.*Created\\s+latest-${name}$`));
      });

      it('ps --filter status=exited lists only exited containers (without -a)', T, async () => {
        const running = `running-${name}`;
        await okRun(cli, ['run', '-d', '--name', running, 'busybox', 'sleep', '300']);
        const out = await okRun(cli, ['ps', '--filter', 'status=exited']);
        const rows = out.trimEnd().split('\n').slice(1);
        const names = rows.map((l) => l.trim().split(/\s+/).pop());
        assert.ok(names.includes(`exit3-${name}`) && names.includes(`hello-${name}`), `exited ones listed:\n${out}`);
        assert.ok(!names.includes(running), `running one not listed:\n${out}`);
        assert.ok(!names.includes(`latest-${name}`), `created (never started) one not listed:\n${out}`);
        for (const row of rows) assert.match(row, /Exited \(\d+\)/);
        const q = (await okRun(cli, ['ps', '-q', '--filter', 'status=running'])).split('\n').filter(Boolean);
        assert.ok(q.includes((await fullId(cli, running)).slice(0, 12)), 'status=running lists the running one');
        await okRun(cli, ['rm', '-f', running]);
      });
    });
  }
});
