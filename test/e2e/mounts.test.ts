/**
 * The safety of mounts: destinations resolved inside the container's root whatever links the
 * image holds, Docker's errors for bad sources, read-only mounts and root filesystems,
 * volumes in use, and a daemon killed during `run -v` leaving neither lost data nor mounts.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { eventually } from '../harness';
import { CLIS, cliFor, describeResult, okRun, spawnCli } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

function hostMountsUnder(prefix: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((p) => p && p.startsWith(prefix));
}

describe('mounts', () => {
  const daemon = useDaemon('mounts');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const fails = async (args: string[], message: RegExp): Promise<void> => {
        const r = await cli(args);
        assert.notEqual(r.code, 0, describeResult(r));
        assert.match(r.stderr, message);
      };

      it('--mount and -v with bad sources or targets give Docker\'s errors', T, async () => {
        await fails(['run', '--rm', '--mount', 'type=bind,source=/nonexistent/berth-x,target=/x', 'busybox', 'true'],
          /invalid mount config for type "bind": bind source path does not exist: \/nonexistent\/berth-x/);
        await fails(['run', '--rm', '--mount', 'type=bind,source=/tmp,target=rel', 'busybox', 'true'],
          /invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute/);
        // (the docker CLI makes "../x" absolute first; the daemon refuses either as a volume name)
        await fails(['run', '--rm', '--mount', 'type=volume,source=../x,target=/x', 'busybox', 'true'],
          /create (\.\.|\/[^:]*)\/x: "[^"]*x" includes invalid characters for a local volume name/);
        await fails(['run', '--rm', '--mount', 'type=bind,source=rel-berth-x,target=/x', 'busybox', 'true'],
          /invalid mount config for type "bind": (invalid mount path: 'rel-berth-x' mount path must be absolute|bind source path does not exist: \/\S*rel-berth-x)/);
        await fails(['run', '--rm', '-v', 'a/../b:/x', 'busybox', 'true'], /includes invalid characters for a local volume name/);
        await fails(['run', '--rm', '-v', `dup1-${name}:/data`, '-v', `dup2-${name}:/data`, 'busybox', 'true'], /Duplicate mount point: \/data/);
      });

      it('read-only volumes and binds refuse writes; --read-only with --tmpfs /tmp leaves only /tmp writable', T, async () => {
        const dir = mkdtempSync(path.join(daemon().dir, `ro-${name}-`));
        await fails(['run', '--rm', '-v', `ro-${name}:/data:ro`, 'busybox', 'touch', '/data/x'], /Read-only file system/);
        await fails(['run', '--rm', '--mount', `type=bind,source=${dir},target=/d,readonly`, 'busybox', 'touch', '/d/x'], /Read-only file system/);
        assert.ok(!existsSync(path.join(dir, 'x')));
        // the notes' WordPress line: --read-only -v /run/apache2/ --tmpfs /tmp
        const out = await okRun(cli, ['run', '--rm', '--read-only', '-v', '/run/apache2/', '--tmpfs', '/tmp', 'busybox', 'sh', '-c',
          'touch /tmp/ok && touch /run/apache2/pid && echo tmp-ok; touch /root/no 2>&1 || true; grep " /tmp " /proc/mounts | cut -d" " -f3']);
        assert.match(out, /^tmp-ok\n/);
        assert.match(out, /Read-only file system/);
        assert.match(out, /^tmpfs$/m);
        assert.match(await okRun(cli, ['run', '--rm', '--mount', 'type=tmpfs,target=/t,tmpfs-size=1048576,tmpfs-mode=1770', 'busybox', 'sh', '-c', 'grep " /t " /proc/mounts; stat -c %a /t']),
          /tmpfs \/t tmpfs .*size=1024k.*\n1770\n/);
        await okRun(cli, ['volume', 'rm', `ro-${name}`]);
      });

      it('--mount volume-opt creates a tmpfs volume, mounted only while used', T, async () => {
        const vol = `vopt-${name}`;
        const out = await okRun(cli, ['run', '--rm', '--mount', `type=volume,src=${vol},dst=/t,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=2m`,
          'busybox', 'sh', '-c', 'grep " /t " /proc/mounts']);
        assert.match(out, /^tmpfs \/t tmpfs .*size=2048k/);
        assert.equal(await okRun(cli, ['volume', 'inspect', '-f', '{{.Options.type}} {{.Options.device}} {{.Options.o}}', vol]), 'tmpfs tmpfs size=2m\n');
        assert.deepEqual(hostMountsUnder(path.join(daemon().dataRoot, 'volumes')), []);
        await okRun(cli, ['volume', 'rm', vol]);
      });
    });
  }

  it('a destination that is a link to /etc or ../.. in the image stays inside the container root', T, async () => {
    const d = daemon();
    const berth = d.berth.bind(d);
    await okRun(berth, ['run', '--name', 'linker', 'busybox', 'sh', '-c', 'ln -s /etc /evil && ln -s ../../../.. /up && mkdir /real']);
    await okRun(berth, ['commit', 'linker', 'links:1']);
    const marker = `berth-escape-${process.pid}`;
    const hostDir = mkdtempSync(path.join(d.dir, 'src-'));
    writeFileSync(path.join(hostDir, marker), 'x');
    // a volume on /evil lands on the container's /etc (filled from the image's /etc), never the host's
    const out = await okRun(berth, ['run', '--rm', '-v', 'evilvol:/evil', 'links:1', 'sh', '-c', `touch /etc/${marker}; ls /evil/passwd`]);
    assert.equal(out, '/evil/passwd\n');
    assert.ok(!existsSync(`/etc/${marker}`), 'nothing written to the host /etc');
    assert.ok(existsSync(path.join(d.dataRoot, 'volumes', 'evilvol', '_data', marker)), 'the write went to the volume');
    // a bind on /up/<marker> lands at the container's /<marker>, not at the host's /
    assert.equal(await okRun(berth, ['run', '--rm', '-v', `${hostDir}:/up/${marker}`, 'links:1', 'ls', `/${marker}`]), `${marker}\n`);
    assert.ok(!existsSync(`/${marker}`), 'no mount point created on the host root');
    await okRun(berth, ['rm', 'linker']);
  });

  it('diff, export and commit ignore what lives on volumes; cp reads and writes the volume', T, async () => {
    const d = daemon();
    const berth = d.berth.bind(d);
    await okRun(berth, ['run', '--name', 'fsv', '-v', 'fsvol:/data', 'busybox', 'sh', '-c', 'echo v > /data/onvol && echo l > /onlayer']);
    const diff = await okRun(berth, ['diff', 'fsv']);
    assert.match(diff, /^A \/onlayer$/m);
    assert.doesNotMatch(diff, /onvol/);
    const exported = await d.berth(['export', 'fsv']);
    assert.equal(exported.code, 0);
    assert.match(exported.stdout, /onlayer/);
    assert.doesNotMatch(exported.stdout, /onvol/);
    // cp reads and writes the volume, not the layer under it
    const src = mkdtempSync(path.join(d.dir, 'cp-'));
    writeFileSync(path.join(src, 'copied'), 'in\n');
    await okRun(berth, ['cp', path.join(src, 'copied'), 'fsv:/data/']);
    assert.equal(readFileSync(path.join(d.dataRoot, 'volumes', 'fsvol', '_data', 'copied'), 'utf8'), 'in\n');
    await okRun(berth, ['cp', 'fsv:/data/onvol', path.join(src, 'back')]);
    assert.equal(readFileSync(path.join(src, 'back'), 'utf8'), 'v\n');
    assert.doesNotMatch(await okRun(berth, ['diff', 'fsv']), /copied/);
    // an archive of a parent directory shows the volume's files at the mount point
    const whole = await d.berth(['cp', 'fsv:/', '-']);
    assert.equal(whole.code, 0, describeResult(whole));
    assert.match(whole.stdout, /data\/onvol/);
    assert.match(whole.stdout, /onlayer/);
    // a bind-mounted file is read from the host file
    await okRun(berth, ['create', '--name', 'fsfile', '-v', `${path.join(src, 'copied')}:/etc/bound`, 'busybox', 'true']);
    await okRun(berth, ['cp', 'fsfile:/etc/bound', path.join(src, 'bound-back')]);
    assert.equal(readFileSync(path.join(src, 'bound-back'), 'utf8'), 'in\n');
    await okRun(berth, ['rm', 'fsfile']);
    await okRun(berth, ['commit', 'fsv', 'fsv:1']);
    assert.equal(await okRun(berth, ['run', '--rm', 'fsv:1', 'sh', '-c', 'cat /onlayer; ls /data']), 'l\n');
    await okRun(berth, ['rm', 'fsv']);
  });

  it('volume rm of a volume in use is refused and its data kept; kill -9 of berthd during run -v loses nothing and leaves no mount', T, async () => {
    const d = daemon();
    const berth = d.berth.bind(d);
    await okRun(berth, ['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'tmpvol']);
    // a foreground `run -v`, its client attached, when the daemon dies
    const client = spawnCli(d, 'berth', ['run', '--name', 'keeper', '-v', 'keepvol:/data', '-v', 'tmpvol:/t', 'busybox', 'sh', '-c', 'echo 42 > /data/n; echo t > /t/f; echo written; sleep 1000']);
    const vdir = path.join(d.dataRoot, 'volumes');
    await eventually(async () => client.stdout().includes('written'));
    assert.deepEqual(hostMountsUnder(vdir), [path.join(vdir, 'tmpvol', '_data')], 'the tmpfs volume is mounted while used');
    const r = await d.berth(['volume', 'rm', '-f', 'keepvol']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /volume is in use/);
    await d.kill9();
    await client.exited;
    await d.start();
    assert.equal(await okRun(berth, ['exec', 'keeper', 'cat', '/data/n', '/t/f']), '42\nt\n');
    await okRun(berth, ['rm', '-f', 'keeper']);
    assert.deepEqual(hostMountsUnder(vdir), [], 'no volume mount left on the host');
    // the rootfs is unmounted by the removal's background cleanup
    await eventually(async () => hostMountsUnder(path.join(d.dataRoot, 'containers')).length === 0);
    assert.equal(readFileSync(path.join(vdir, 'keepvol', '_data', 'n'), 'utf8'), '42\n');
    // a start that fails leaves the tmpfs volume unmounted too
    const failed = await d.berth(['run', '--name', 'failer', '-v', 'tmpvol:/t', 'busybox', '/no/such/cmd']);
    assert.equal(failed.code, 127, describeResult(failed));
    assert.deepEqual(hostMountsUnder(vdir), []);
    await okRun(berth, ['rm', 'failer']);
    await okRun(berth, ['volume', 'rm', 'keepvol', 'tmpvol']);
  });
});
