import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VolumesTable, openDatabase, volumesSchema } from '../store';
import { isMounted } from '../util/mountinfo';
import { LocalVolumes } from './local-volumes';
import { parseMountOptions } from './mount-options';
import { copyTree } from './copy';

function fresh(): { root: string; vols: LocalVolumes; table: VolumesTable } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vol-'));
  const table = new VolumesTable(openDatabase(path.join(root, 'berth.db'), [volumesSchema]));
  return { root, vols: new LocalVolumes(table, root), table };
}

test('o= splits into mount flags and filesystem data', () => {
  assert.deepEqual(parseMountOptions('size=1m,uid=1000,ro,nosuid'), { flags: 1 | 2, data: 'size=1m,uid=1000' });
  assert.deepEqual(parseMountOptions('bind'), { flags: 4096, data: '' });
});

test('create is idempotent, validates names and options; remove deletes data and row', async () => {
  const { root, vols } = fresh();
  await vols.open();
  const v = await vols.create('data1', { labels: { a: 'b' } });
  assert.equal(v.mountpoint, path.join(root, 'volumes', 'data1', '_data'));
  assert.ok(fs.statSync(v.mountpoint).isDirectory());
  assert.equal((await vols.create('data1', {})).labels.a, 'b');
  await assert.rejects(vols.create('a/b', {}), /create a\/b: "a\/b" includes invalid characters for a local volume name/);
  await assert.rejects(vols.create('x1', { options: { bogus: '1' } }), /invalid option key: "bogus"/);
  await assert.rejects(vols.create('x2', { options: { type: 'tmpfs' } }), /missing required option: "device"/);
  fs.writeFileSync(path.join(v.mountpoint, 'f'), 'abc');
  assert.equal(await vols.size('data1'), 3);
  await vols.remove('data1');
  assert.equal(vols.get('data1'), null);
  assert.ok(!fs.existsSync(path.join(root, 'volumes', 'data1')));
  await assert.rejects(vols.remove('data1'), /get data1: no such volume/);
  fs.rmSync(root, { recursive: true, force: true });
});

test('a tmpfs volume is mounted at use and unmounted after; an orphan directory goes at open', { skip: process.getuid?.() !== 0 }, async () => {
  const { root, vols } = fresh();
  await vols.open();
  const v = await vols.create('t1', { options: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } });
  assert.equal(await vols.mount('t1'), v.mountpoint);
  assert.ok(isMounted(v.mountpoint));
  await vols.mount('t1'); // idempotent
  await vols.unmount('t1');
  assert.ok(!isMounted(v.mountpoint));
  await vols.create('bad', { options: { type: 'tmpfs', device: 'tmpfs', o: 'nosuchopt=1' } });
  await assert.rejects(vols.mount('bad'), /error while mounting volume '.*bad\/_data': failed to mount local volume: mount tmpfs:.*: invalid argument$/);
  await vols.remove('bad');
  fs.mkdirSync(path.join(root, 'volumes', 'orphan', '_data'), { recursive: true });
  await vols.open();
  assert.ok(!fs.existsSync(path.join(root, 'volumes', 'orphan')));
  await vols.remove('t1');
  fs.rmSync(root, { recursive: true, force: true });
});

test('a bind device volume shows the host directory while mounted, and removing it never deletes the host data', { skip: process.getuid?.() !== 0 }, async () => {
  const { root, vols } = fresh();
  await vols.open();
  const host = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-vol-host-'));
  fs.writeFileSync(path.join(host, 'precious'), 'keep');
  const v = await vols.create('b1', { options: { type: 'none', o: 'bind', device: host } });
  await vols.mount('b1');
  assert.equal(fs.readFileSync(path.join(v.mountpoint, 'precious'), 'utf8'), 'keep');
  await vols.remove('b1');
  assert.equal(fs.readFileSync(path.join(host, 'precious'), 'utf8'), 'keep');
  const ro = await vols.create('b2', { options: { type: 'none', o: 'bind,ro', device: host } });
  await vols.mount('b2');
  assert.throws(() => fs.writeFileSync(path.join(ro.mountpoint, 'x'), 'x'), /EROFS/);
  await vols.remove('b2');
  assert.deepEqual(fs.readdirSync(host), ['precious']);
  fs.rmSync(host, { recursive: true });
  fs.rmSync(root, { recursive: true, force: true });
});

test('copyTree copies files, links (not followed) and modes', async () => {
  const src = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-src-'));
  const dst = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-cp-dst-'));
  fs.mkdirSync(path.join(src, 'd'));
  fs.writeFileSync(path.join(src, 'd', 'f'), 'x', { mode: 0o640 });
  fs.symlinkSync('/etc/passwd', path.join(src, 'link'));
  fs.chmodSync(src, 0o1777);
  await copyTree(src, dst);
  assert.equal(fs.readFileSync(path.join(dst, 'd', 'f'), 'utf8'), 'x');
  assert.equal(fs.statSync(path.join(dst, 'd', 'f')).mode & 0o777, 0o640);
  assert.equal(fs.readlinkSync(path.join(dst, 'link')), '/etc/passwd');
  assert.equal(fs.statSync(dst).mode & 0o7777, 0o1777);
  fs.rmSync(src, { recursive: true });
  fs.rmSync(dst, { recursive: true });
});
