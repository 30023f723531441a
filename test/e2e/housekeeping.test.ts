/**
 * The rest of the engine core's surface: container prune, event filters, streaming stats,
 * exec inspect, info and custom detach keys. With berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventually, sleep } from '../harness';
import { CLIS, cliFor, describeResult, okRun, spawnCli } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('housekeeping', () => {
  const daemon = useDaemon('housekeeping');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);

      it('container prune -f removes stopped containers only and prints what it reclaimed', T, async () => {
        const stopped = (await okRun(cli, ['run', '-d', '--name', `done-${name}`, 'busybox', 'true'])).trim();
        await okRun(cli, ['wait', `done-${name}`]);
        await okRun(cli, ['run', '-d', '--name', `alive-${name}`, 'busybox', 'sleep', '300']);
        const out = await okRun(cli, ['container', 'prune', '-f']);
        assert.match(out, new RegExp(`^Deleted Containers:\\n(?:[0-9a-f]{64}\\n)*${stopped}\\n`, 'm'));
        assert.match(out, /^Total reclaimed space: /m);
        const left = (await okRun(cli, ['ps', '-a', '--format', '{{.Names}}'])).split('\n');
        assert.ok(left.includes(`alive-${name}`), left.join(','));
        assert.ok(!left.includes(`done-${name}`), left.join(','));
        await okRun(cli, ['rm', '-f', `alive-${name}`]);
      });

      it('events --filter narrows by type, event and container', T, async () => {
        const since = Math.floor(Date.now() / 1000) - 1;
        await okRun(cli, ['run', '--name', `ev-${name}`, 'busybox', 'true']);
        await okRun(cli, ['rm', `ev-${name}`]);
        await sleep(1100); // --until is in whole seconds
        const out = await okRun(cli, ['events', '--since', String(since), '--until', String(Math.floor(Date.now() / 1000)),
          '--filter', 'type=container', '--filter', 'event=start', '--filter', 'event=destroy', '--filter', `container=ev-${name}`,
          '--format', '{{.Type}} {{.Action}} {{.Actor.Attributes.name}}']);
        assert.deepEqual(out.trim().split('\n'), [`container start ev-${name}`, `container destroy ev-${name}`]);
      });

      it('stats streams a row per second until interrupted', T, async () => {
        await okRun(cli, ['run', '-d', '--name', `st-${name}`, 'busybox', 'sleep', '300']);
        const live = spawnCli(daemon(), name, ['stats', '--format', '{{.Name}} {{.PIDs}}', `st-${name}`]);
        try {
          await eventually(async () => (live.stdout().match(new RegExp(`st-${name} 1`, 'g')) ?? []).length >= 2, 15000);
        } finally {
          await live.kill();
        }
        await okRun(cli, ['rm', '-f', `st-${name}`]);
      });

      it('info reports the server; a detached exec runs in the background', T, async () => {
        const info = await okRun(cli, ['info', '--format', '{{.Driver}} {{.OSType}} {{.DefaultRuntime}}']);
        assert.equal(info.trim(), 'overlay2 linux runc');
        await okRun(cli, ['run', '-d', '--name', `ex-${name}`, 'busybox', 'sleep', '300']);
        await okRun(cli, ['exec', '-d', `ex-${name}`, 'sh', '-c', 'echo bg > /tmp/bg']);
        await eventually(async () => (await cli(['exec', `ex-${name}`, 'cat', '/tmp/bg'])).stdout === 'bg\n', 10000);
        const r = await cli(['exec', `ex-${name}`, 'sh', '-c', 'exit 7']);
        assert.equal(r.code, 7, describeResult(r));
        await okRun(cli, ['rm', '-f', `ex-${name}`]);
      });
    });
  }
});
