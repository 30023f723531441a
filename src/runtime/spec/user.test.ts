import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scopedJoin } from '../../util/archive';
import { resolveUser } from './user';

let root = '';
let bare = '';
let evil = '';

before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-user-'));
  fs.mkdirSync(path.join(root, 'etc'));
  fs.writeFileSync(path.join(root, 'etc/passwd'), [
    'root:x:0:0:root:/root:/bin/sh',
    'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
    '# a comment',
    'app:x:1000:1000:App:/home/app:/bin/sh',
    'nohome:x:1001:1001::',
  ].join('\n') + '\n');
  fs.writeFileSync(path.join(root, 'etc/group'), [
    'root:x:0:root', 'daemon:x:1:', 'wheel:x:10:root,app', 'app:x:1000:', 'video:x:44:app', 'staff:x:50:',
  ].join('\n') + '\n');
  bare = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-user-bare-'));
  // a rootfs whose /etc/passwd points at the host's: must be resolved inside the rootfs
  evil = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-user-evil-'));
  fs.mkdirSync(path.join(evil, 'etc'));
  fs.mkdirSync(path.join(evil, 'inner'));
  fs.writeFileSync(path.join(evil, 'inner/passwd'), 'root:x:0:0:root:/inside:/bin/sh\n');
  fs.symlinkSync('/inner/passwd', path.join(evil, 'etc/passwd'));
  fs.symlinkSync('../../../../../../etc/gshadow', path.join(evil, 'etc/group'));
  fs.symlinkSync('/etc/loop', path.join(evil, 'etc/loop'));
});

after(() => {
  for (const d of [root, bare, evil]) fs.rmSync(d, { recursive: true, force: true });
});

test('empty user is root with its home and groups', () => {
  assert.deepEqual(resolveUser(root, ''), { uid: 0, gid: 0, additionalGids: [0, 10], home: '/root' });
});

test('name resolves uid, gid, home and memberships', () => {
  assert.deepEqual(resolveUser(root, 'app'), { uid: 1000, gid: 1000, additionalGids: [10, 44], home: '/home/app' });
  assert.deepEqual(resolveUser(root, 'nohome'), { uid: 1001, gid: 1001, additionalGids: [], home: '/' });
});

test('numeric uid: from passwd when listed, as is otherwise', () => {
  assert.equal(resolveUser(root, '1000').home, '/home/app');
  assert.deepEqual(resolveUser(root, '4242'), { uid: 4242, gid: 0, additionalGids: [], home: '/' });
  assert.deepEqual(resolveUser(bare, '123:456'), { uid: 123, gid: 456, additionalGids: [], home: '/' });
});

test('explicit group by name or number replaces gid and drops memberships', () => {
  assert.deepEqual(resolveUser(root, 'app:staff'), { uid: 1000, gid: 50, additionalGids: [], home: '/home/app' });
  assert.deepEqual(resolveUser(root, '1000:7'), { uid: 1000, gid: 7, additionalGids: [], home: '/home/app' });
});

test('group-add by name or number is appended', () => {
  assert.deepEqual(resolveUser(root, 'app', ['staff', '999', 'wheel']).additionalGids, [10, 44, 50, 999]);
  assert.throws(() => resolveUser(root, 'app', ['nosuch']), /Unable to find group nosuch: no matching entries in group file/);
});

test("unknown names fail in Docker's words", () => {
  assert.throws(() => resolveUser(root, 'ghost'), (e: Error & { status?: number }) =>
    e.message === 'unable to find user ghost: no matching entries in passwd file' && e.status === 500);
  assert.throws(() => resolveUser(bare, 'app'), /unable to find user app: no matching entries in passwd file/);
  assert.throws(() => resolveUser(root, 'app:ghosts'), /unable to find group ghosts: no matching entries in group file/);
});

test('symlinks never leave the rootfs', () => {
  // absolute and ../ links are taken relative to the rootfs
  assert.equal(scopedJoin(evil, '/etc/passwd'), path.join(evil, 'inner/passwd'));
  assert.equal(scopedJoin(evil, '/etc/group'), path.join(evil, 'etc/gshadow'));
  assert.throws(() => scopedJoin(evil, '/etc/loop'), /too many levels of symbolic links/);
  assert.deepEqual(resolveUser(evil, 'root'), { uid: 0, gid: 0, additionalGids: [], home: '/inside' });
});
