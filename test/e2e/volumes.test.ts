/**
 * Volumes as the Docker notes use them: named volumes outliving containers, anonymous ones
 * shared with --volumes-from, bind mounts of host directories, --mount, and the volume
 * commands (create, ls, inspect, rm, prune). With berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { CLIS, cliBinary, cliFor, describeResult, inspectField, okRun } from './support/cli';
import { TmuxPty } from './support/tmux-pty';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

interface MountJson { Type: string; Name?: string; Source: string; Destination: string; Driver?: string; Mode: string; RW: boolean; Propagation: string }

describe('volumes', () => {
  const daemon = useDaemon('volumes');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const volumeNames = async (): Promise<string[]> => (await okRun(cli, ['volume', 'ls', '-q'])).split('\n').filter(Boolean);

      it('a counter on -v NAME:/data survives rm and a new run', T, async () => {
        const vol = `counter-${name}`;
        const script = 'n=$(cat /data/n 2>/dev/null || echo 0); echo $((n+1)) > /data/n; cat /data/n';
        assert.equal(await okRun(cli, ['run', '--name', `count1-${name}`, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', script]), '1\n');
        await okRun(cli, ['rm', `count1-${name}`]);
        assert.equal(await okRun(cli, ['run', '--rm', '-v', `${vol}:/data`, 'busybox', 'sh', '-c', script]), '2\n');
        assert.ok((await volumeNames()).includes(vol), 'the named volume stays after rm and --rm');
      });

      it('-v /pepe is an anonymous volume that --volumes-from shares; inspect shows it under the data-root; rm -v removes it', T, async () => {
        const c1 = `cont1-${name}`;
        // the notes' line as typed, in a terminal: -ti needs one
        const pty = new TmuxPty(daemon(), `vol-${name}`);
        try {
          await pty.start();
          await pty.untilHostPrompt(() => pty.type(`${cliBinary(name)} run -ti --name=${c1} -v /pepe busybox touch /pepe/foobar; echo "rc=$?"`));
          await pty.waitFor(/^rc=0$/m);
        } finally {
          await pty.close();
        }
        assert.equal(await okRun(cli, ['run', '--rm', `--volumes-from=${c1}`, 'busybox', 'ls', '/pepe']), 'foobar\n');
        const mounts = JSON.parse(await inspectField(cli, c1, '{{json .Mounts}}')) as MountJson[];
        assert.equal(mounts.length, 1);
        const m = mounts[0];
        assert.equal(m.Type, 'volume');
        assert.match(m.Name ?? '', /^[0-9a-f]{64}$/);
        assert.equal(m.Source, path.join(daemon().dataRoot, 'volumes', m.Name ?? '', '_data'));
        assert.equal(m.Destination, '/pepe');
        assert.equal(m.Driver, 'local');
        assert.equal(m.RW, true);
        assert.equal(m.Mode, '');
        assert.equal(m.Propagation, '');
        assert.ok(existsSync(path.join(m.Source, 'foobar')), 'the file is in the volume on the host');
        // ps shows the volume in its MOUNTS column
        assert.match(await okRun(cli, ['ps', '-a', '--filter', `name=${c1}`, '--format', '{{.Mounts}}']), new RegExp(`^${(m.Name ?? '').slice(0, 12)}`));
        await okRun(cli, ['rm', '-v', c1]);
        assert.ok(!(await volumeNames()).includes(m.Name ?? ''), 'rm -v removed the anonymous volume');
        assert.ok(!existsSync(m.Source), 'and its data');
      });

      it('-v "$PWD":/pepe binds the host directory; -v creates a missing one', T, async () => {
        const dir = mkdtempSync(path.join(daemon().dir, `pwd-${name}-`));
        writeFileSync(path.join(dir, 'hello.txt'), 'from the host\n');
        const ctr = `bind-${name}`;
        assert.equal(await okRun(cli, ['run', '--name', ctr, '-v', `${dir}:/pepe`, 'busybox', 'sh', '-c', 'cat /pepe/hello.txt; echo back > /pepe/out']), 'from the host\n');
        assert.ok(existsSync(path.join(dir, 'out')));
        const [m] = JSON.parse(await inspectField(cli, ctr, '{{json .Mounts}}')) as MountJson[];
        assert.deepEqual({ Type: m.Type, Source: m.Source, Destination: m.Destination, Mode: m.Mode, RW: m.RW, Propagation: m.Propagation }, { Type: 'bind', Source: dir, Destination: '/pepe', Mode: '', RW: true, Propagation: 'rprivate' });
        await okRun(cli, ['rm', ctr]);
        // the notes' long form, trailing slashes and all
        assert.equal(await okRun(cli, ['run', '--rm', '--mount', `type=bind,source=${dir}/,target=/var/www/html/`, 'busybox', 'cat', '/var/www/html/hello.txt']), 'from the host\n');
        const missing = path.join(dir, 'made', 'by', 'v');
        await okRun(cli, ['run', '--rm', '-v', `${missing}:/x`, 'busybox', 'true']);
        assert.ok(existsSync(missing), '-v created the host directory');
      });

      it('--mount source=myvol2,target=/app creates myvol2; volume inspect shows Docker\'s fields', T, async () => {
        const vol = `myvol2-${name}`;
        const ctr = `devtest-${name}`;
        await okRun(cli, ['run', '--name', ctr, '--mount', `source=${vol},target=/app`, 'busybox', 'sh', '-c', 'echo x > /app/f']);
        assert.ok((await volumeNames()).includes(vol));
        const [m] = JSON.parse(await inspectField(cli, ctr, '{{json .Mounts}}')) as MountJson[];
        assert.equal(m.Type, 'volume');
        assert.equal(m.Name, vol);
        assert.equal(m.Destination, '/app');
        assert.equal(m.Mode, 'z');
        assert.equal(m.Driver, 'local');
        const [v] = JSON.parse(await okRun(cli, ['volume', 'inspect', vol])) as { Name: string; Driver: string; Mountpoint: string; Scope: string; CreatedAt: string; Labels: unknown }[];
        assert.equal(v.Name, vol);
        assert.equal(v.Driver, 'local');
        assert.equal(v.Scope, 'local');
        assert.equal(v.Mountpoint, path.join(daemon().dataRoot, 'volumes', vol, '_data'));
        assert.ok(!Number.isNaN(Date.parse(v.CreatedAt)));
        assert.equal(await okRun(cli, ['volume', 'inspect', '-f', '{{.Mountpoint}}', vol]), `${m.Source}\n`);
        await okRun(cli, ['rm', ctr]);
      });

      it('volume create/ls/rm: labels, filters, --format, refusal while in use', T, async () => {
        const a = `lsa-${name}`;
        const b = `lsb-${name}`;
        assert.equal(await okRun(cli, ['volume', 'create', '--label', `team=${name}`, a]), `${a}\n`);
        assert.equal(await okRun(cli, ['volume', 'create', b]), `${b}\n`);
        const table = await okRun(cli, ['volume', 'ls', '--filter', `name=ls.-${name}`]);
        assert.match(table, /^DRIVER\s+VOLUME NAME\n/);
        assert.match(table, new RegExp(`^local\\s+${a}$`, 'm'));
        assert.equal(await okRun(cli, ['volume', 'ls', '-q', '--filter', `label=team=${name}`]), `${a}\n`);
        assert.equal(await okRun(cli, ['volume', 'ls', '--filter', `name=${b}`, '--format', '{{.Name}} {{.Driver}}']), `${b} local\n`);
        // an anonymous name: create without a name prints a 64-hex name
        const anon = (await okRun(cli, ['volume', 'create'])).trim();
        assert.match(anon, /^[0-9a-f]{64}$/);
        await okRun(cli, ['volume', 'rm', anon]);
        // in use by a stopped container: refused, with Docker's message, even with -f
        const ctr = `user-${name}`;
        await okRun(cli, ['create', '--name', ctr, '-v', `${b}:/data`, 'busybox', 'true']);
        const id = await inspectField(cli, ctr, '{{.Id}}');
        assert.match(await okRun(cli, ['volume', 'ls', '-q', '--filter', 'dangling=false']), new RegExp(`^${b}$`, 'm'));
        assert.doesNotMatch(await okRun(cli, ['volume', 'ls', '-q', '--filter', 'dangling=true']), new RegExp(`^${b}$`, 'm'));
        for (const args of [['volume', 'rm', b], ['volume', 'rm', '-f', b]]) {
          const r = await cli(args);
          assert.notEqual(r.code, 0, describeResult(r));
          assert.match(r.stderr, new RegExp(`remove ${b}: volume is in use - \\[${id}\\]`));
        }
        const nosuch = await cli(['volume', 'rm', `nosuch-${name}`]);
        assert.notEqual(nosuch.code, 0);
        assert.match(nosuch.stderr, new RegExp(`get nosuch-${name}: no such volume`));
        await okRun(cli, ['rm', ctr]);
        assert.equal(await okRun(cli, ['volume', 'rm', a, b]), `${a}\n${b}\n`);
      });

      it('a new volume over image content is filled with it, unless nocopy', T, async () => {
        assert.match(await okRun(cli, ['run', '--rm', '-v', `etc-${name}:/etc`, 'busybox', 'cat', '/etc/passwd']), /^root:/);
        const r = await cli(['run', '--rm', '-v', `etc2-${name}:/etc:nocopy`, 'busybox', 'ls', '/etc/passwd']);
        assert.notEqual(r.code, 0, describeResult(r));
        await okRun(cli, ['volume', 'rm', `etc-${name}`, `etc2-${name}`]);
      });

      it('system df counts volumes: their size and the containers that use them', T, async () => {
        const vol = `df-${name}`;
        const ctr = `df1-${name}`;
        await okRun(cli, ['run', '--name', ctr, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'head -c 5000 /dev/zero > /data/f']);
        const row = async (): Promise<string> => (await okRun(cli, ['system', 'df', '-v'])).split('\n').find((l) => l.startsWith(`${vol} `)) ?? '';
        // VOLUME NAME, LINKS, SIZE
        assert.match(await row(), new RegExp(`^${vol}\\s+1\\s+5kB$`));
        const summary = (await okRun(cli, ['system', 'df', '--format', '{{.Type}} {{.TotalCount}}'])).split('\n');
        assert.ok(summary.some((l) => /^Local Volumes [1-9]\d*$/.test(l)), summary.join('\n'));
        await okRun(cli, ['rm', ctr]);
        assert.match(await row(), new RegExp(`^${vol}\\s+0\\s+5kB$`));
        await okRun(cli, ['volume', 'rm', vol]);
        assert.equal(await row(), '');
      });
    });
  }

  it('VOLUME in an image makes an anonymous volume filled from the image; --rm removes it', T, async () => {
    const d = daemon();
    await okRun(d.berth.bind(d), ['run', '--name', 'seedsrc', 'busybox', 'sh', '-c', 'mkdir /seed && echo seeded > /seed/f']);
    await okRun(d.berth.bind(d), ['commit', '--change', 'VOLUME ["/seed"]', 'seedsrc', 'seeded:1']);
    const before = (await okRun(d.berth.bind(d), ['volume', 'ls', '-q'])).split('\n').filter(Boolean);
    assert.equal(await okRun(d.berth.bind(d), ['run', '--rm', 'seeded:1', 'cat', '/seed/f']), 'seeded\n');
    await okRun(d.berth.bind(d), ['run', '--name', 'seeduser', 'seeded:1', 'true']);
    const [m] = JSON.parse(await inspectField(d.berth.bind(d), 'seeduser', '{{json .Mounts}}')) as MountJson[];
    assert.equal(m.Destination, '/seed');
    assert.match(m.Name ?? '', /^[0-9a-f]{64}$/);
    await okRun(d.berth.bind(d), ['rm', 'seeduser', 'seedsrc']);
    // plain rm keeps the anonymous volume; --rm did remove its own
    const after = (await okRun(d.berth.bind(d), ['volume', 'ls', '-q'])).split('\n').filter(Boolean);
    assert.deepEqual(after.filter((v) => !before.includes(v)), [m.Name]);
  });

  it('volume events: create, mount, unmount, destroy', T, async () => {
    const d = daemon();
    const berth = d.berth.bind(d);
    const since = String(Math.floor(Date.now() / 1000) - 1);
    await okRun(berth, ['run', '--rm', '-v', 'evvol:/data', 'busybox', 'true']);
    await okRun(berth, ['volume', 'rm', 'evvol']);
    const out = await okRun(berth, ['events', '--since', since, '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'type=volume', '--format', '{{.Action}} {{.Actor.ID}}']);
    assert.deepEqual(out.split('\n').filter((l) => l.endsWith(' evvol')), ['create evvol', 'mount evvol', 'unmount evvol', 'destroy evvol']);
  });

  it('volume prune removes only the volumes no container uses: anonymous ones by default with berth, all with -a or the docker CLI', T, async () => {
    const d = daemon();
    const berth = d.berth.bind(d);
    await okRun(berth, ['volume', 'create', 'prune-free']);
    await okRun(berth, ['volume', 'create', '--label', 'keep=1', 'prune-labelled']);
    await okRun(berth, ['create', '--name', 'prune-user', '-v', 'prune-used:/data', '-v', '/anon-used', 'busybox', 'true']);
    await okRun(berth, ['run', '--name', 'prune-gone', '-v', '/anon-free', 'busybox', 'true']);
    const anonFree = JSON.parse(await inspectField(berth, 'prune-gone', '{{json .Mounts}}'))[0].Name as string;
    await okRun(berth, ['rm', 'prune-gone']);
    const ls = async (): Promise<string[]> => (await okRun(berth, ['volume', 'ls', '-q'])).split('\n').filter(Boolean);
    // berth without -a: the Docker 23+ default, anonymous volumes only
    const plain = await berth(['volume', 'prune'], { input: 'y\n' });
    assert.equal(plain.code, 0, describeResult(plain));
    assert.match(plain.stdout, /WARNING! This will remove anonymous local volumes not used by at least one container\./);
    const deleted = /Deleted Volumes:\n([\s\S]*?)\n\nTotal reclaimed space: /.exec(plain.stdout)?.[1].split('\n') ?? [];
    assert.ok(deleted.includes(anonFree), plain.stdout);
    assert.ok(deleted.every((v) => /^[0-9a-f]{64}$/.test(v)), `only anonymous volumes: ${deleted}`);
    assert.ok((await ls()).includes('prune-free'));
    // -a with a label filter
    assert.match(await okRun(berth, ['volume', 'prune', '-a', '-f', '--filter', 'label=keep=1']), /^Deleted Volumes:\nprune-labelled\n\nTotal reclaimed space: /);
    // the docker CLI 28 speaks 1.41 to berthd, where prune means every unused volume, and says so
    const r = await d.docker(['volume', 'prune'], { input: 'y\n' });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /WARNING! This will remove all local volumes not used by at least one container\./);
    assert.match(r.stdout, /prune-free/);
    assert.doesNotMatch(r.stdout, /prune-used/);
    const left = await ls();
    assert.ok(left.includes('prune-used'));
    assert.equal(left.length, 2, `the used named and anonymous volumes stay: ${left}`);
    await okRun(berth, ['rm', '-v', 'prune-user']);
  });
});
