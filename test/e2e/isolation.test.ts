/**
 * What a container is: its own PID namespace, hostname, writable layer, capabilities and
 * memory limit; and what the daemon does for it: restart policies and health checks. With
 * berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventually } from '../harness';
import { AGO, CLIS, cliFor, describeResult, fullId, inspectField, okRun, psRow } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('isolation', () => {
  const daemon = useDaemon('isolation');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);

      it('run busybox ps shows only the container\'s processes, PID 1 first', T, async () => {
        const out = await okRun(cli, ['run', '--rm', 'busybox', 'ps']);
        const [header, ...rows] = out.trimEnd().split('\n');
        // Debian's busybox ps prints PID, USER (and TIME in other builds), COMMAND
        assert.match(header, /^PID\s+USER\s+(TIME\s+)?COMMAND$/);
        assert.equal(rows.length, 1, `only ps itself:\n${out}`);
        assert.match(rows[0], /^\s*1\s+root\s+(\S+\s+)?ps$/);
      });

      it('the hostname is the short ID', T, async () => {
        const ctr = `h-${name}`;
        const out = await okRun(cli, ['run', '--name', ctr, 'busybox', 'hostname']);
        assert.equal(out, `${(await fullId(cli, ctr)).slice(0, 12)}\n`);
      });

      it('a file written in one container is absent from the next run of the same image', T, async () => {
        const marker = `/marker-${name}`;
        assert.equal(await okRun(cli, ['run', '--rm', 'busybox', 'sh', '-c', `echo kept > ${marker} && cat ${marker}`]), 'kept\n');
        const r = await cli(['run', '--rm', 'busybox', 'ls', marker]);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, /No such file or directory/);
      });

      it('a container has Docker\'s default capabilities (CapEff 00000000a80425fb)', T, async () => {
        const out = await okRun(cli, ['run', '--rm', 'busybox', 'grep', 'CapEff', '/proc/1/status']);
        assert.equal(out, 'CapEff:\t00000000a80425fb\n');
      });

      it('-m 32m is enforced: allocating 64 MB is OOM-killed (137, OOMKilled true)', T, async () => {
        const ctr = `oom-${name}`;
        const r = await cli(['run', '--name', ctr, '-m', '32m', 'busybox', 'sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived'], { timeoutMs: 90000 });
        assert.equal(r.code, 137, describeResult(r));
        assert.doesNotMatch(r.stdout, /survived/);
        assert.equal(await inspectField(cli, ctr, '{{.State.OOMKilled}} {{.State.ExitCode}} {{.HostConfig.Memory}}'), `true 137 ${32 * 1024 * 1024}`);
        // the same command without a limit survives, so the limit is what killed it
        const free = await okRun(cli, ['run', '--rm', 'busybox', 'sh', '-c', 'x=$(head -c 67108864 /dev/zero | tr "\\0" a); echo survived'], { timeoutMs: 90000 });
        assert.equal(free, 'survived\n');
      });

      it('--restart on-failure:2 restarts twice, then stays Exited (1)', T, async () => {
        const ctr = `rf-${name}`;
        await okRun(cli, ['run', '-d', '--name', ctr, '--restart', 'on-failure:2', 'busybox', 'sh', '-c', 'echo run; exit 1']);
        await eventually(async () => (await inspectField(cli, ctr, '{{.RestartCount}} {{.State.Status}}')) === '2 exited', 60000, 250);
        const row = await psRow(cli, ctr);
        assert.ok(row);
        assert.match(row, new RegExp(`Exited \\(1\\) ${AGO}`));
        assert.equal(await inspectField(cli, ctr, '{{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}'), '1 on-failure 2');
        // three runs in all, each logged
        assert.equal(await okRun(cli, ['logs', ctr]), 'run\nrun\nrun\n');
        // and no fourth one comes later
        assert.equal(await inspectField(cli, ctr, '{{.RestartCount}} {{.State.Status}}'), '2 exited');
      });

      it('--health-cmd true --health-interval 1s shows (healthy) in ps', T, async () => {
        const ctr = `hc-${name}`;
        await okRun(cli, ['run', '-d', '--name', ctr, '--health-cmd', 'true', '--health-interval', '1s', 'busybox', 'sleep', '300']);
        const row = await eventually(async () => {
          const r = await psRow(cli, ctr, []);
          return r && /\(healthy\)/.test(r) ? r : null;
        }, 30000, 250);
        assert.match(row, /Up .* \(healthy\)/);
        assert.equal(await inspectField(cli, ctr, '{{.State.Health.Status}}'), 'healthy');
        await okRun(cli, ['rm', '-f', ctr]);
      });
    });
  }
});
