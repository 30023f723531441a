import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copyEntry, mkdirAllInRoot, parseChmod, resolveOwner } from './copy-files';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'copy-files-'));
}

describe('COPY file operations', () => {
  it('parses --chmod as octal only', () => {
    assert.equal(parseChmod(''), null);
    assert.equal(parseChmod('0755'), 0o755);
    assert.equal(parseChmod('640'), 0o640);
    assert.throws(() => parseChmod('u+x'), /invalid chmod parameter u\+x/);
    assert.throws(() => parseChmod('0999'), /invalid chmod parameter/);
  });

  it('resolves --chown names in the image and takes numbers as they are', async () => {
    const root = tmp();
    fs.mkdirSync(path.join(root, 'etc'));
    fs.writeFileSync(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1001:1002::/home/app:/bin/sh\n');
    fs.writeFileSync(path.join(root, 'etc/group'), 'root:x:0:\nstaff:x:50:\napp:x:1002:\n');
    assert.deepEqual(await resolveOwner(root, ''), { uid: 0, gid: 0 });
    assert.deepEqual(await resolveOwner(root, 'app'), { uid: 1001, gid: 1002 });
    assert.deepEqual(await resolveOwner(root, 'app:staff'), { uid: 1001, gid: 50 });
    assert.deepEqual(await resolveOwner(root, '7:8'), { uid: 7, gid: 8 });
    assert.deepEqual(await resolveOwner(null, '42'), { uid: 42, gid: 42 });
    await assert.rejects(resolveOwner(root, 'ghost'), /^InvalidParameterError: can't find uid for user ghost: no such user: ghost$/);
    await assert.rejects(resolveOwner(root, 'root:ghosts'), /can't find gid for group ghosts: no such group: ghosts/);
    await assert.rejects(resolveOwner(root, 'a:b:c'), /invalid chown string format: a:b:c/);
    fs.rmSync(root, { recursive: true });
  });

  it('creates directories inside the root even through a symlink pointing out of it', async () => {
    const root = tmp();
    fs.symlinkSync('/tmp/../../etc', path.join(root, 'evil'));
    const made = await mkdirAllInRoot(root, '/evil/sub', { uid: 0, gid: 0 });
    assert.ok(made.startsWith(root + path.sep), made);
    assert.ok(fs.statSync(made).isDirectory());
    fs.rmSync(root, { recursive: true });
  });

  it('copies a tree with its links as links, never following them', async () => {
    const src = tmp();
    const dst = tmp();
    fs.mkdirSync(path.join(src, 'd'));
    fs.writeFileSync(path.join(src, 'd/f'), 'data');
    fs.chmodSync(path.join(src, 'd/f'), 0o751);
    fs.symlinkSync('/etc/passwd', path.join(src, 'd/link'));
    await copyEntry(path.join(src, 'd'), path.join(dst, 'd'), { owner: { uid: 0, gid: 0 }, mode: null });
    assert.equal(fs.readFileSync(path.join(dst, 'd/f'), 'utf8'), 'data');
    assert.equal(fs.statSync(path.join(dst, 'd/f')).mode & 0o777, 0o751);
    assert.equal(fs.readlinkSync(path.join(dst, 'd/link')), '/etc/passwd');
    // --chmod applies to everything copied
    await copyEntry(path.join(src, 'd'), path.join(dst, 'e'), { owner: { uid: 0, gid: 0 }, mode: 0o600 });
    assert.equal(fs.statSync(path.join(dst, 'e/f')).mode & 0o777, 0o600);
    fs.rmSync(src, { recursive: true });
    fs.rmSync(dst, { recursive: true });
  });
});
