import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tarStream from 'tar-stream';
import { comparePaths, computeChanges, opaqueDirs, rwDiffTar } from './rw-changes';

/**
 * An image (lower) and a container's upper dir as overlayfs leaves them: copied-up parents
 * with the lower's metadata, whiteouts as 0/0 character devices, an opaque directory.
 */
function fixture(): { lower: string; upper: string; done: () => void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rwchanges-'));
  const lower = path.join(base, 'lower');
  const upper = path.join(base, 'upper');
  const t = new Date('2024-01-01T00:00:00Z');
  for (const d of ['bin', 'etc', 'var/spool/mail', 'root/old', 'tmp', 'home']) fs.mkdirSync(path.join(lower, d), { recursive: true });
  for (const f of ['bin/ls', 'bin/sh', 'etc/passwd', 'etc/group', 'root/old/f']) fs.writeFileSync(path.join(lower, f), 'x');
  // upper: copy-ups keep the lower's mode, owner and times
  for (const d of ['bin', 'etc', 'var', 'root', 'tmp', 'home/h', 'newdir/sub']) fs.mkdirSync(path.join(upper, d), { recursive: true });
  execFileSync('mknod', [path.join(upper, 'bin/ls'), 'c', '0', '0']);
  execFileSync('mknod', [path.join(upper, 'var/spool'), 'c', '0', '0']);
  fs.writeFileSync(path.join(upper, 'etc/passwd'), 'xy');
  fs.writeFileSync(path.join(upper, 'etc/hostname'), '');
  fs.writeFileSync(path.join(upper, 'etc/hosts'), '');
  fs.writeFileSync(path.join(upper, 'etc/group'), 'x');
  fs.writeFileSync(path.join(upper, 'tmp/x'), '');
  fs.writeFileSync(path.join(upper, 'newdir/sub/f'), 'a');
  fs.writeFileSync(path.join(upper, 'root/new'), '');
  execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(upper, 'root')]);
  for (const p of ['etc/group', 'bin', 'etc', 'var', 'root', 'tmp', 'home']) {
    const low = fs.statSync(path.join(lower, p));
    fs.chmodSync(path.join(upper, p), low.mode & 0o7777);
    fs.utimesSync(path.join(upper, p), t, t);
    fs.utimesSync(path.join(lower, p), t, t);
  }
  return { lower, upper, done: () => fs.rmSync(base, { recursive: true, force: true }) };
}

test('computeChanges gives Docker\'s A/C/D with parents, without the init layer\'s files', async () => {
  const f = fixture();
  try {
    const changes = computeChanges(f.upper, f.lower, await opaqueDirs(f.upper));
    assert.deepEqual(changes.map((c) => `${'CAD'[c.Kind]} ${c.Path}`), [
      'C /bin', 'D /bin/ls', 'C /etc', 'C /etc/passwd', 'C /home', 'A /home/h', 'A /newdir', 'A /newdir/sub', 'A /newdir/sub/f',
      'C /root', 'A /root/new', 'D /root/old', 'C /tmp', 'A /tmp/x', 'C /var', 'D /var/spool',
    ]);
  } finally {
    f.done();
  }
});

test('rwDiffTar writes whiteouts as .wh. files and the opaque marker, and leaves out /etc/hosts', async () => {
  const f = fixture();
  try {
    const { tar, empty } = await rwDiffTar(f.upper);
    assert.equal(empty, false);
    const extract = tarStream.extract();
    tar.pipe(extract as unknown as NodeJS.WritableStream);
    const names: string[] = [];
    for await (const e of extract) { names.push(e.header.name); e.resume(); }
    assert.deepEqual(names, [
      'bin/', 'bin/.wh.ls', 'etc/', 'etc/group', 'etc/passwd', 'home/', 'home/h/', 'newdir/', 'newdir/sub/', 'newdir/sub/f',
      'root/', 'root/.wh..wh..opq', 'root/new', 'tmp/', 'tmp/x', 'var/', 'var/.wh.spool',
    ]);
  } finally {
    f.done();
  }
});

test('an upper dir holding only the runtime\'s mount points is an empty commit', async () => {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'rwempty-'));
  try {
    fs.mkdirSync(path.join(base, 'etc'));
    fs.mkdirSync(path.join(base, 'proc'));
    fs.writeFileSync(path.join(base, 'etc', 'resolv.conf'), '');
    const { tar, empty } = await rwDiffTar(base);
    tar.resume();
    assert.equal(empty, true);
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});

test('comparePaths keeps a directory\'s entries right after it', () => {
  assert.deepEqual(['/etc-x', '/etc/passwd', '/etc', '/a'].sort(comparePaths), ['/a', '/etc', '/etc/passwd', '/etc-x']);
});
