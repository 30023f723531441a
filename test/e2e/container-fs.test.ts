/**
 * The container filesystem with berth and the real docker CLI: diff's A/C/D lines, export
 * then import, commit then run, cp both ways on running and stopped containers (files,
 * directories, trailing "/.", tar streams), the classic symlink-to-/ escape of `docker cp`,
 * and hostile tars sent to PUT /containers/{id}/archive.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLIS, cliBinary, cliFor, describeResult, okRun } from './support/cli';
import { useDaemon } from './support/daemon';
import * as http from 'node:http';

const T = { timeout: 120000 };
const EDITS = 'touch /tmp/x; echo hi >> /etc/passwd; mkdir -p /newdir/sub; echo a > /newdir/sub/f; rm -rf /var/spool; rm /bin/ls; mkdir /home/h; ln -s /etc /lnk';

/** A tar made by the host's tar from a directory tree described as {path: content}. */
function makeTar(dir: string, name: string, files: Record<string, string>, extra: string[] = []): string {
  const root = path.join(dir, `${name}-root`);
  for (const [p, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    writeFileSync(path.join(root, p), content);
  }
  const out = path.join(dir, `${name}.tar`);
  const r = spawnSync('tar', ['-C', root, '-cf', out, ...extra, ...Object.keys(files)]);
  assert.equal(r.status, 0, r.stderr.toString());
  return out;
}

/** PUT of a binary body over the daemon's socket; resolves with the status. */
function putTar(socketPath: string, urlPath: string, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'PUT', path: urlPath, headers: { 'Content-Type': 'application/x-tar', 'Content-Length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A tar with one hostile entry, written by python's tarfile (GNU tar refuses to make them). */
function hostileTar(out: string, kind: string, args: string[]): void {
  const script = `
import tarfile, io, sys
kind, out = sys.argv[1], sys.argv[2]
with tarfile.open(out, 'w') as t:
    def f(name):
        ti = tarfile.TarInfo(name); ti.size = 6; t.addfile(ti, io.BytesIO(b'PWNED\\n'))
    def l(name, target, typ):
        ti = tarfile.TarInfo(name); ti.type = typ; ti.linkname = target; t.addfile(ti)
    if kind == 'dotdot': f('../../../../../../../../' + sys.argv[3])
    if kind == 'symlink': l('out', sys.argv[3], tarfile.SYMTYPE); f('out/' + sys.argv[4])
    if kind == 'hardlink': l('h', '../../../../../../../etc/passwd', tarfile.LNKTYPE)
    if kind == 'device':
        ti = tarfile.TarInfo('mem'); ti.type = tarfile.CHRTYPE; ti.devmajor = 1; ti.devminor = 1; t.addfile(ti)
`;
  const r = spawnSync('python3', ['-c', script, kind, out, ...args]);
  assert.equal(r.status, 0, r.stderr.toString());
}

describe('container filesystem', () => {
  const daemon = useDaemon('container-fs');
  let work = '';
  before(() => { work = mkdtempSync(path.join(os.tmpdir(), 'berth-cfs-')); });
  after(() => { rmSync(work, { recursive: true, force: true }); });

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const c = `fs-${name}`;
      const r = `fsrun-${name}`;
      const dir = (): string => path.join(work, name);

      it('diff after edits prints Docker\'s lines, parents included, sorted by path', T, async () => {
        mkdirSync(dir(), { recursive: true });
        await okRun(cli, ['run', '--name', c, '--network', 'none', 'busybox', 'sh', '-c', `${EDITS}; rm /etc/hostname 2>/dev/null; true`]);
        const out = await okRun(cli, ['diff', c]);
        assert.equal(out, [
          'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'C /home', 'A /home/h', 'A /lnk', 'A /newdir', 'A /newdir/sub',
          'A /newdir/sub/f', 'C /tmp', 'A /tmp/x', 'C /var', 'D /var/spool', '',
        ].join('\n'));
      });

      it('diff of an unchanged container prints nothing', T, async () => {
        await okRun(cli, ['create', '--name', `${c}-clean`, 'busybox', 'true']);
        assert.equal(await okRun(cli, ['diff', `${c}-clean`]), '');
      });

      it('export then import - update < update.tar gives a runnable image', T, async () => {
        const tar = path.join(dir(), 'update.tar');
        await okRun(cli, ['export', '-o', tar, c]);
        const listing = spawnSync('tar', ['-tf', tar]).stdout.toString().split('\n');
        assert.ok(listing.includes('newdir/sub/f') && listing.includes('bin/') && !listing.includes('bin/ls'), 'the merged filesystem');
        const id = (await okRun(cli, ['import', '-', `update-${name}`], { input: readFileSync(tar) })).trim();
        assert.match(id, /sha256:[0-9a-f]{64}/);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', 'none', `update-${name}`, '/bin/cat', '/newdir/sub/f']), 'a\n');
        const piped = await cli(['export', c]);
        assert.equal(piped.code, 0, describeResult(piped));
        assert.ok(piped.stdout.length > 1024, 'export to a pipe writes the tar to stdout');
      });

      it('export to a terminal is refused as Docker does', T, async () => {
        const r = spawnSync('script', ['-qec', `${cliBinary(name)} export ${c}`, '/dev/null'], { env: daemon().env, timeout: 60000 });
        assert.equal(r.status, 1, r.stdout.toString());
        assert.match(r.stdout.toString(), /cowardly refusing to save to a terminal\. Use the -o flag or redirect/);
      });

      it('commit -a "autor" -m "desc" c repo:tag, then run repo:tag sees the change', T, async () => {
        const id = (await okRun(cli, ['commit', '-a', 'autor', '-m', 'desc', c, `repo-${name}:tag`])).trim();
        assert.match(id, /^sha256:[0-9a-f]{64}$/);
        const out = await okRun(cli, ['run', '--rm', '--network', 'none', `repo-${name}:tag`, 'sh', '-c', 'cat /newdir/sub/f; ls /bin/ls /var/spool 2>&1; tail -1 /etc/passwd']);
        assert.equal(out, 'a\nls: /bin/ls: No such file or directory\nls: /var/spool: No such file or directory\nhi\n');
        assert.equal(await okRun(cli, ['inspect', '-f', '{{.Author}}|{{.Comment}}|{{json .Config.Cmd}}', `repo-${name}:tag`]), `autor|desc|["sh","-c","${EDITS}; rm /etc/hostname 2>/dev/null; true"]\n`);
        const parent = (await okRun(cli, ['inspect', '-f', '{{.Id}}', 'busybox'])).trim();
        assert.equal((await okRun(cli, ['inspect', '-f', '{{.Parent}}', `repo-${name}:tag`])).trim(), parent);
      });

      it('commit -c CMD of a running container (paused meanwhile) changes the config', T, async () => {
        await okRun(cli, ['run', '-d', '--name', r, '--network', 'none', 'busybox', 'sleep', '300']);
        await okRun(cli, ['exec', r, 'sh', '-c', 'echo live > /live']);
        await okRun(cli, ['commit', '-c', 'CMD ["cat", "/live"]', r, `live-${name}`]);
        assert.equal(await okRun(cli, ['run', '--rm', '--network', 'none', `live-${name}`]), 'live\n');
        assert.equal((await okRun(cli, ['inspect', '-f', '{{.State.Status}}', r])).trim(), 'running');
      });

      it('cp of files and directories into a running container', T, async () => {
        writeFileSync(path.join(dir(), 'file.txt'), 'file\n');
        mkdirSync(path.join(dir(), 'src', 'sub'), { recursive: true });
        writeFileSync(path.join(dir(), 'src', 'sub', 'a'), 'hello\n');
        await okRun(cli, ['cp', path.join(dir(), 'file.txt'), `${r}:/tmp`]);
        await okRun(cli, ['cp', path.join(dir(), 'file.txt'), `${r}:/tmp/renamed.txt`]);
        await okRun(cli, ['cp', path.join(dir(), 'src'), `${r}:/tmp/newsrc`]);
        await okRun(cli, ['cp', path.join(dir(), 'src'), `${r}:/tmp`]);
        await okRun(cli, ['cp', `${path.join(dir(), 'src')}/.`, `${r}:/tmp/dotcopy`]);
        const found = await okRun(cli, ['exec', r, 'find', '/tmp', '-type', 'f']);
        assert.deepEqual(found.split('\n').filter(Boolean).sort(), [
          '/tmp/dotcopy/sub/a', '/tmp/file.txt', '/tmp/newsrc/sub/a', '/tmp/renamed.txt', '/tmp/src/sub/a',
        ]);
        const missing = await cli(['cp', path.join(dir(), 'file.txt'), `${r}:/nonexist/x`]);
        assert.equal(missing.code, 1);
        assert.equal(missing.stderr.trim(), `Error response from daemon: Could not find the file /nonexist in container ${r}`);
        const dirOnFile = await cli(['cp', path.join(dir(), 'src'), `${r}:/tmp/file.txt`]);
        // the docker CLI may also log its abandoned tar writer: its last line is the error
        assert.equal(dirOnFile.code, 1);
        assert.equal(dirOnFile.stderr.trim().split('\n').pop(), 'cannot copy directory');
      });

      it('cp - takes a tar stream into a directory, and refuses a file destination', T, async () => {
        const tar = makeTar(dir(), 'stream', { 'streamed/one': '1\n' });
        await okRun(cli, ['cp', '-', `${r}:/tmp`], { input: readFileSync(tar) });
        assert.equal(await okRun(cli, ['exec', r, 'cat', '/tmp/streamed/one']), '1\n');
        const gz = gzipSync(readFileSync(makeTar(dir(), 'gz', { 'zipped/two': '2\n' })));
        await okRun(cli, ['cp', '-', `${r}:/tmp`], { input: gz });
        assert.equal(await okRun(cli, ['exec', r, 'cat', '/tmp/zipped/two']), '2\n', 'a gzip stream is unpacked');
        const cut = await cli(['cp', '-', `${r}:/tmp`], { input: gz.subarray(0, gz.length - 12) });
        assert.equal(cut.code, 1, `a truncated gzip stream fails: ${describeResult(cut)}`);
        assert.match(cut.stderr, /Error response from daemon: Error processing tar file: .*(unexpected end|Unexpected end)/i);
        const bad = await cli(['cp', '-', `${r}:/tmp/file.txt`], { input: readFileSync(tar) });
        assert.equal(bad.code, 1);
        assert.equal(bad.stderr.trim(), `destination "${r}:/tmp/file.txt" must be a directory`);
      });

      it('cp of files and directories out of running and stopped containers', T, async () => {
        for (const ctr of [r, c]) {
          const out = path.join(dir(), `out-${ctr}`);
          mkdirSync(out);
          await okRun(cli, ['cp', `${ctr}:/etc/passwd`, path.join(out, 'pw')]);
          assert.match(readFileSync(path.join(out, 'pw'), 'utf8'), /^root:x:0:0/);
          await okRun(cli, ['cp', `${ctr}:/etc`, path.join(out, 'etc-copy')]);
          assert.ok(existsSync(path.join(out, 'etc-copy', 'group')));
          await okRun(cli, ['cp', `${ctr}:/etc/.`, path.join(out, 'dot')]);
          assert.ok(existsSync(path.join(out, 'dot', 'passwd')));
          const stream = await cli(['cp', `${ctr}:/etc/passwd`, '-']);
          assert.equal(stream.code, 0);
          assert.equal(stream.stdout.slice(0, 6), 'passwd', 'a tar whose entry is named passwd');
        }
        const nope = await cli(['cp', `${c}:/nope`, path.join(dir(), 'x')]);
        assert.equal(nope.code, 1);
        assert.equal(nope.stderr.trim(), `Error response from daemon: Could not find the file /nope in container ${c}`);
        const noDir = await cli(['cp', `${c}:/etc/passwd`, path.join(dir(), 'no-such-dir') + '/']);
        assert.equal(noDir.stderr.trim(), 'no such directory');
        await okRun(cli, ['cp', `${c}:/lnk`, path.join(dir(), 'lnk')]);
        assert.equal(spawnSync('readlink', [path.join(dir(), 'lnk')]).stdout.toString().trim(), '/etc', 'the link itself');
        await okRun(cli, ['cp', '-L', `${c}:/lnk`, path.join(dir(), 'lnk-followed')]);
        assert.ok(existsSync(path.join(dir(), 'lnk-followed', 'passwd')), '-L copies the directory it points to');
      });

      it('cp into a stopped container, seen by the next start', T, async () => {
        await okRun(cli, ['cp', path.join(dir(), 'file.txt'), `${c}:/newdir/`]);
        await okRun(cli, ['start', c]);
        await okRun(cli, ['wait', c]);
        assert.ok((await okRun(cli, ['diff', c])).includes('A /newdir/file.txt'));
      });

      it('cp -a gives the files to the container\'s user, read from its own passwd; a FIFO there stops nothing', T, async () => {
        const u = `${c}-user`;
        await okRun(cli, ['run', '-d', '--name', u, '--user', 'nobody', 'busybox', 'sleep', '300']);
        await okRun(cli, ['cp', '-a', path.join(dir(), 'file.txt'), `${u}:/tmp/`]);
        assert.equal(await okRun(cli, ['exec', u, 'stat', '-c', '%u:%g', '/tmp/file.txt']), '65534:65534\n');
        // a container's root swaps its passwd for a FIFO: the lookup must not wait for a writer
        await okRun(cli, ['exec', '-u', '0', u, 'sh', '-c', 'rm /etc/passwd && mkfifo /etc/passwd']);
        const again = await cli(['cp', '-a', path.join(dir(), 'file.txt'), `${u}:/tmp/again.txt`], { timeoutMs: 30_000 });
        assert.equal(again.code, 1, describeResult(again));
        assert.match(again.stderr, /unable to find user nobody: no matching entries in passwd file/);
        await okRun(cli, ['version'], { timeoutMs: 10_000 }); // the daemon still answers
        await okRun(cli, ['rm', '-f', u]);
      });

      it('a link to / in the container cannot make cp read or write the host', T, async () => {
        const marker = path.join(os.tmpdir(), `berth-escape-${name}-${process.pid}`);
        writeFileSync(marker, 'host secret\n');
        try {
          await okRun(cli, ['exec', r, 'sh', '-c', 'ln -s / /escape; ln -s ../../../../../../.. /up']);
          for (const p of [`/escape${marker}`, `/up${marker}`]) {
            const read = await cli(['cp', `${r}:${p}`, '-']);
            assert.equal(read.code, 1, `reading ${p}: ${describeResult(read)}`);
            assert.ok(!read.stdout.includes('host secret'));
          }
          const target = path.join(os.tmpdir(), `berth-escape-written-${name}-${process.pid}`);
          await okRun(cli, ['cp', path.join(dir(), 'file.txt'), `${r}:/escape${target}`]);
          assert.ok(!existsSync(target), 'nothing written on the host');
          assert.equal(await okRun(cli, ['exec', r, 'cat', target]), 'file\n', 'written inside the container instead');
          await okRun(cli, ['cp', path.join(dir(), 'src'), `${r}:/up/tmp`]);
          assert.ok(!existsSync(path.join(os.tmpdir(), 'src', 'sub', 'a')) || readFileSync(path.join(os.tmpdir(), 'src', 'sub', 'a'), 'utf8') !== 'hello\n');
        } finally {
          rmSync(marker, { force: true });
        }
      });

      it('hostile tars sent to the archive API are refused or re-rooted, never written outside', T, async () => {
        const d = daemon();
        const outside = path.join(work, `outside-${name}`);
        mkdirSync(outside, { recursive: true });
        const args: Record<string, string[]> = { dotdot: [`${outside.slice(1)}/dotdot`], symlink: [outside, 'through-link'], hardlink: [], device: [] };
        const status: Record<string, number> = {};
        for (const kind of Object.keys(args)) {
          const tar = path.join(dir(), `hostile-${kind}.tar`);
          hostileTar(tar, kind, args[kind]);
          status[kind] = await putTar(d.sock, `/v1.41/containers/${r}/archive?path=/tmp`, readFileSync(tar));
        }
        assert.deepEqual(status, { dotdot: 400, symlink: 200, hardlink: 400, device: 400 });
        assert.deepEqual(spawnSync('ls', ['-A', outside]).stdout.toString(), '', 'nothing outside');
        assert.equal(await okRun(cli, ['exec', r, 'cat', `${outside}/through-link`]), 'PWNED\n', 'the link re-rooted in the container');
        const dev = await cli(['exec', r, 'ls', '/tmp/mem']);
        assert.notEqual(dev.code, 0, 'no device node created');
      });

      it('cleanup', T, async () => {
        await okRun(cli, ['rm', '-f', r, c, `${c}-clean`]);
      });
    });
  }
});
