/**
 * Issue 4's cleanup lines: after rm, network rm, prune, and kill -9 of berthd followed by a
 * restart and rm -f, the host keeps no veth, bridge, netns, iptables rule or aardvark-dns of
 * this daemon; a restart keeps running containers reachable by name and port; many run/rm
 * cycles leave `ip link` and `iptables-save` as they were. Other daemons running at the same
 * time are told apart by this daemon's bridge names, 10.<k>/16 and container IDs.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventually } from '../harness';
import { cliFor, inspectField, okRun } from './support/cli';
import { useDaemon } from './support/daemon';
import { fetchLoop, freePort, httpGet, leftovers, webServer } from './support/net';

const T = { timeout: 240000 };
// the 200 run/rm cycles of issue 4 (about a minute on an idle 2-CPU machine); BERTH_NET_CYCLES to change
const CYCLES = Number(process.env.BERTH_NET_CYCLES ?? 200);
const WORKERS = 4;

describe('network cleanup', () => {
  const daemon = useDaemon('net-cleanup');
  const cli = cliFor(daemon, 'berth');
  const ids: string[] = [];

  async function networkBridges(): Promise<string[]> {
    const out = await okRun(cli, ['network', 'ls', '-q', '--no-trunc', '--filter', 'type=custom']);
    return out.split('\n').filter(Boolean).map((id) => `br-${id.slice(0, 12)}`);
  }

  /** Ours only: the default bridge and the bridges of the networks this test created. */
  let ownBridges: string[] = [];
  const clean = async (): Promise<void> => {
    await eventually(async () => {
      const left = leftovers(daemon(), ownBridges.length ? [daemon().net.bridgeName, ...ownBridges] : [daemon().net.bridgeName], ids);
      return left.length === 0 ? true : (assert.deepEqual(left, []), false);
    }, 10000);
  };

  it('rm, network rm and prune leave nothing behind', T, async () => {
    assert.deepEqual(leftovers(daemon(), [daemon().net.bridgeName], []), []);
    await okRun(cli, ['network', 'create', 'clean-a']);
    await okRun(cli, ['network', 'create', 'clean-b']);
    ownBridges = await networkBridges();
    const port = await freePort();
    ids.push((await okRun(cli, ['run', '-d', '--name', 'ca', '--network', 'clean-a', '-p', `${port}:80`, ...webServer('a')])).trim());
    ids.push((await okRun(cli, ['run', '-d', '--name', 'cb', '-p', '80', ...webServer('b')])).trim());
    await okRun(cli, ['run', '--rm', '--network', 'clean-a', ...fetchLoop('http://ca/')]);
    assert.ok(leftovers(daemon(), [daemon().net.bridgeName, ...ownBridges], ids).length > 0, 'the setup shows up in the probe');
    await okRun(cli, ['rm', '-f', 'ca', 'cb']);
    await okRun(cli, ['network', 'rm', 'clean-a']);
    const pruned = await okRun(cli, ['network', 'prune', '-f']);
    assert.match(pruned, /^Deleted Networks:\nclean-b\n/);
    await clean();
  });

  it('kill -9 of berthd, restart: running containers stay reachable; exited ones and rm -f leave nothing', T, async () => {
    await okRun(cli, ['network', 'create', 'keep']);
    ownBridges = await networkBridges();
    const port = await freePort();
    ids.push((await okRun(cli, ['run', '-d', '--name', 'kweb', '--network', 'keep', '-p', `${port}:80`, ...webServer('kept')])).trim());
    ids.push((await okRun(cli, ['run', '-d', '--name', 'kshort', '--network', 'keep', 'busybox', 'sleep', '600'])).trim());
    const shortPid = Number(await inspectField(cli, 'kshort', '{{.State.Pid}}'));
    assert.equal(await eventually(() => httpGet('127.0.0.1', port)), 'kept\n');
    await daemon().kill9();
    process.kill(shortPid, 'SIGKILL'); // exits while the daemon is down
    await daemon().start();
    assert.equal(await httpGet('127.0.0.1', port), 'kept\n');
    assert.equal(await okRun(cli, ['run', '--rm', '--network', 'keep', ...fetchLoop('http://kweb/')]), 'kept\n');
    await eventually(async () => (await inspectField(cli, 'kshort', '{{.State.Status}}|{{.NetworkSettings.SandboxKey}}|')) === 'exited||');
    // the exited one's address is free again and the running one's is not handed out twice
    ids.push((await okRun(cli, ['run', '-d', '--name', 'knew', '--network', 'keep', 'busybox', 'sleep', '600'])).trim());
    const ips = await Promise.all(['kweb', 'knew'].map((c) => inspectField(cli, c, '{{(index .NetworkSettings.Networks "keep").IPAddress}}')));
    assert.notEqual(ips[0], ips[1]);
    await okRun(cli, ['rm', '-f', 'kweb', 'kshort', 'knew']);
    await okRun(cli, ['network', 'rm', 'keep']);
    await clean();
  });

  it('the default bridge stays a moment after its last container, then goes; also after a kill -9 while it waits', T, async () => {
    await okRun(cli, ['run', '--rm', 'busybox', 'true']);
    assert.notDeepEqual(leftovers(daemon(), [daemon().net.bridgeName]), [], 'kept for the next container');
    assert.equal(await okRun(cli, ['run', '--rm', 'busybox', 'sh', '-c', 'ip -o -4 addr show eth0 | grep -c inet; ip route | grep -c default']), '1\n1\n');
    await clean();
    await okRun(cli, ['run', '--rm', 'busybox', 'true']);
    await daemon().kill9();
    await daemon().start();
    await clean();
  });

  it(`${CYCLES} run -d / rm -f cycles leave ip link and iptables as they were`, T, async () => {
    await okRun(cli, ['network', 'create', 'cyc']);
    ownBridges = await networkBridges();
    let next = 0;
    const worker = async (w: number): Promise<void> => {
      while (next < CYCLES) {
        next++;
        const args = ['run', '-d', ...(w % 2 ? ['--network', 'cyc'] : ['-p', '80']), 'busybox', 'sleep', '600'];
        const id = (await okRun(cli, args)).trim();
        ids.push(id);
        await okRun(cli, ['rm', '-f', id]);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await okRun(cli, ['network', 'rm', 'cyc']);
    await clean();
  });
});
