/**
 * Looking at containers: inspect with Go templates, stats --no-stream, and the event log
 * (events --since/--until), with berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventually } from '../harness';
import { CLIS, cliFor, describeResult, fullId, okRun } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('inspect and events', () => {
  const daemon = useDaemon('inspect-events');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const svc = `svc-${name}`;

      it("inspect -f '{{.State.Status}} {{json .Config.Env}}' works", T, async () => {
        await okRun(cli, ['run', '-d', '--name', svc, '-e', 'FOO=bar', 'busybox', 'sleep', '300']);
        const out = await okRun(cli, ['inspect', '-f', '{{.State.Status}} {{json .Config.Env}}', svc]);
        const m = /^running (\[.*\])\n$/.exec(out);
        assert.ok(m, `"running [...]": ${out}`);
        const env: unknown = JSON.parse(m[1]);
        assert.ok(Array.isArray(env) && env.every((e) => typeof e === 'string'), `a JSON string array: ${m[1]}`);
        assert.ok(env.includes('FOO=bar'), m[1]);
        // the default JSON of inspect is an array of one object with the same values
        const full: unknown = JSON.parse(await okRun(cli, ['inspect', svc]));
        assert.ok(Array.isArray(full) && full.length === 1);
        const obj = full[0] as { Id: string; Name: string; State: { Status: string }; Config: { Env: string[] } };
        assert.equal(obj.Name, `/${svc}`);
        assert.equal(obj.State.Status, 'running');
        assert.deepEqual(obj.Config.Env, env);
        // Docker puts the user's variables first, then the image's it does not override (runconfig merge)
        assert.equal(env[0], 'FOO=bar', `user variables first: ${m[1]}`);
      });

      it("version --format '{{.Server.APIVersion}}' uses docker's Go field names", T, async () => {
        // templates see the Go structs (APIVersion), not the JSON keys (ApiVersion)
        assert.equal(await okRun(cli, ['version', '--format', '{{.Server.APIVersion}} {{.Server.Version}}']), `1.41 ${(await okRun(cli, ['version', '--format', '{{.Server.Version}}'])).trim()}\n`);
      });

      it('stats --no-stream prints the stats table with the container', T, async () => {
        const r = await cli(['stats', '--no-stream', svc], { timeoutMs: 60000 });
        const out = r.stdout;
        assert.equal(r.code, 0, describeResult(r));
        const [header, ...rows] = out.trimEnd().split('\n');
        assert.match(header, /^CONTAINER ID\s+NAME\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+NET I\/O\s+BLOCK I\/O\s+PIDS$/);
        assert.equal(rows.length, 1, out);
        const short = (await fullId(cli, svc)).slice(0, 12);
        assert.match(rows[0], new RegExp(`^${short}\\s+${svc}\\s+\\d+\\.\\d\\d%\\s+[\\d.]+\\w?i?B / [\\d.]+\\w?i?B\\s+\\d+\\.\\d\\d%\\s+\\S+ / \\S+\\s+\\S+ / \\S+\\s+1$`));
        // without a name: every running container, ours among them
        const all = await okRun(cli, ['stats', '--no-stream'], { timeoutMs: 60000 });
        assert.ok(all.split('\n').some((l) => l.startsWith(`${short} `)), all);
      });

      it('events --since 1m --until 0s lists the create, start and die events', T, async () => {
        const ev = `ev-${name}`;
        await okRun(cli, ['run', '--name', ev, 'busybox', 'true']);
        const ranAt = Date.now();
        const id = await fullId(cli, ev);
        // docker turns "--until 0s" into whole seconds (now, truncated), and the daemon stops at
        // that instant: let the second of the die event pass first, as with dockerd
        await eventually(async () => Math.floor(Date.now() / 1000) > Math.floor(ranAt / 1000), 3000, 50);
        const r = await cli(['events', '--since', '1m', '--until', '0s'], { timeoutMs: 30000 });
        assert.equal(r.code, 0, describeResult(r));
        const lines = r.stdout.split('\n').filter((l) => l.includes(id));
        const actions = lines.map((l) => {
          const m = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}[Z+-][\d:]* container (\S+) ([0-9a-f]{64}) \((.*)\)$/.exec(l);
          assert.ok(m, `docker's event line: ${l}`);
          assert.equal(m[2], id);
          assert.match(m[3], new RegExp(`(^|, )name=${ev}(,|$)`));
          assert.match(m[3], /(^|, )image=busybox(,|$)/);
          return m[1];
        });
        for (const a of ['create', 'start', 'die']) assert.ok(actions.includes(a), `${a} among ${actions.join(',')}`);
        assert.ok(actions.indexOf('create') < actions.indexOf('start') && actions.indexOf('start') < actions.indexOf('die'), `in order: ${actions.join(',')}`);
        const die = lines.find((l) => / container die /.test(l));
        assert.match(die ?? '', /exitCode=0/);
      });
    });
  }
});
