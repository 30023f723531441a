import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import type { VolumeInfo, VolumeStore } from '../../volume';
import { ContainerMounts, mountFor, mountPoints, mountRedirects } from './container-mounts';
import type { MountOwner } from './container-mounts';
import { parseBind, parseMountSpec, parseVolumesFrom } from './mount-specs';

test('-v specs: named, bind, anonymous, modes and Docker\'s errors', () => {
  const named = parseBind('data:/var/lib/x:ro');
  assert.deepEqual([named.type, named.name, named.destination, named.rw, named.copyData, named.anonymous], ['volume', 'data', '/var/lib/x', false, true, false]);
  assert.equal(parseBind('data:/x:nocopy').copyData, false);
  assert.equal(parseBind('data:/x').mode, 'z');
  assert.equal(parseBind('data:/x:ro').mode, 'ro');
  const bind = parseBind('/host/dir/:/x:ro,rshared');
  assert.deepEqual([bind.type, bind.source, bind.rw, bind.propagation, bind.createSource], ['bind', '/host/dir', false, 'rshared', true]);
  assert.equal(parseBind('/h:/x').propagation, 'rprivate');
  const anon = parseBind('/only');
  assert.deepEqual([anon.type, anon.name, anon.anonymous, anon.destination], ['volume', '', true, '/only']);
  assert.throws(() => parseBind('a:b:c:d'), /invalid volume specification: 'a:b:c:d'/);
  assert.throws(() => parseBind('data:rel'), /invalid volume specification: 'data:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute/);
  assert.throws(() => parseBind('/h:/'), /destination can't be '\/'/);
  assert.throws(() => parseBind('data:/x:bogus'), /invalid mode: bogus/);
  assert.throws(() => parseBind('data:/x:ro,rw'), /invalid mode: ro,rw/);
  assert.throws(() => parseBind('/h:/x:nocopy'), /invalid mode: nocopy/);
});

test('--mount specs are validated as Docker\'s linux parser does', () => {
  assert.throws(() => parseMountSpec({ Type: 'bind', Target: '/x' }), /invalid mount config for type "bind": field Source must not be empty/);
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: 'rel', Target: '/x' }), /invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute/);
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/a', Target: 'x' }), /invalid mount path: 'x' mount path must be absolute/);
  assert.throws(() => parseMountSpec({ Type: 'bind', Source: '/a', Target: '/x', BindOptions: { Propagation: 'weird' } }), /invalid propagation mode: weird/);
  assert.throws(() => parseMountSpec({ Type: 'volume', Target: '/x', ReadOnly: true }), /must not set ReadOnly mode when using anonymous volumes/);
  assert.throws(() => parseMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/x' }), /field Source must not be specified/);
  assert.throws(() => parseMountSpec({ Type: 'npipe', Target: '/x' }), /mount type unknown/);
  const t = parseMountSpec({ Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } });
  assert.deepEqual(t.tmpfsOptions, ['size=1024k', 'mode=1777']);
  const v = parseMountSpec({ Type: 'volume', Source: 'v', Target: '/v', VolumeOptions: { NoCopy: true, Labels: { a: 'b' } } });
  assert.deepEqual([v.name, v.copyData, v.volumeLabels], ['v', false, { a: 'b' }]);
  assert.deepEqual(parseVolumesFrom('c1:ro'), { ref: 'c1', mode: 'ro' });
  assert.deepEqual(parseVolumesFrom('c1'), { ref: 'c1', mode: '' });
  assert.throws(() => parseVolumesFrom('c1:xx'), /invalid mode for volumes-from: xx/);
});

test('mountFor picks the deepest mount and keeps a trailing separator', () => {
  const mounts = [parseBind('/h1:/data'), parseBind('/h2:/data/sub:ro')];
  assert.deepEqual(mountFor(mounts, '/data/f'), { root: '/h1', rel: '/f', rw: true });
  assert.deepEqual(mountFor(mounts, '/data/sub/'), { root: '/h2', rel: '//', rw: false });
  assert.deepEqual(mountFor(mounts, '/data'), { root: '/h1', rel: '/', rw: true });
  assert.equal(mountFor(mounts, '/database'), null);
  assert.deepEqual([...mountRedirects([...mounts, parseMountSpec({ Type: 'tmpfs', Target: '/t' })], '/root')], [['/root/data', '/h1'], ['/h1/sub', '/h2']]);
});

class FakeStore implements VolumeStore {
  vols = new Map<string, VolumeInfo>();
  async create(name: string, opts: { labels?: Record<string, string> }): Promise<VolumeInfo> {
    const v = this.vols.get(name) ?? { name, driver: 'local', mountpoint: `/vols/${name}/_data`, labels: opts.labels ?? {}, options: null, createdAt: '' };
    this.vols.set(name, v);
    return v;
  }
  get(name: string): VolumeInfo | null { return this.vols.get(name) ?? null; }
  list(): VolumeInfo[] { return [...this.vols.values()]; }
  async mount(name: string): Promise<string> { return `/vols/${name}/_data`; }
  async unmount(): Promise<void> {}
  async remove(name: string): Promise<void> { this.vols.delete(name); }
  async size(): Promise<number> { return 0; }
}

test('resolve: binds override image volumes, volumes-from first, duplicates refused, tmpfs wins', async () => {
  const store = new FakeStore();
  const owners: MountOwner[] = [];
  const created: string[] = [];
  const cm = new ContainerMounts(store, { tryGet: (r) => owners.find((o) => o.id === r) ?? null, all: () => owners }, { publish: (_t, action, id) => { if (action === 'create') created.push(id); } });
  const host = os.tmpdir();
  const mounts = await cm.resolve({ Volumes: { '/img': {}, '/over': {}, '/tmp': {} } }, { Binds: [`${host}:/over:ro`, 'named:/n'], Tmpfs: { '/tmp': '' } });
  const byDest = Object.fromEntries(mounts.map((m) => [m.destination, m]));
  assert.deepEqual(Object.keys(byDest).sort(), ['/img', '/n', '/over']);
  assert.match(byDest['/img'].name, /^[0-9a-f]{64}$/);
  assert.equal(byDest['/img'].anonymous, true);
  assert.deepEqual(store.get(byDest['/img'].name)?.labels, { 'com.docker.volume.anonymous': '' });
  assert.equal(byDest['/over'].type, 'bind');
  assert.equal(byDest['/n'].source, '/vols/named/_data');
  assert.deepEqual(created.sort(), [byDest['/img'].name, 'named'].sort());
  assert.deepEqual(mountPoints([byDest['/n']]), [{ Type: 'volume', Name: 'named', Source: '/vols/named/_data', Destination: '/n', Driver: 'local', Mode: 'z', RW: true, Propagation: '' }]);

  owners.push({ id: 'c1', mounts, state: { Running: false } });
  const from = await cm.resolve({}, { VolumesFrom: ['c1:ro'] });
  assert.ok(from.every((m) => !m.rw && !m.anonymous && !m.copyData));
  assert.equal(cm.users('named').length, 1);

  await assert.rejects(cm.resolve({}, { Binds: ['a:/d'], Mounts: [{ Type: 'volume', Source: 'b', Target: '/d' }] }), /Duplicate mount point: \/d/);
  await assert.rejects(cm.resolve({}, { VolumesFrom: ['nosuch'] }), /No such container: nosuch/);
  await assert.rejects(cm.resolve({}, { Mounts: [{ Type: 'bind', Source: '/nonexistent/berth', Target: '/d' }] }), /bind source path does not exist: \/nonexistent\/berth/);
  await assert.rejects(cm.resolve({}, { Mounts: [{ Type: 'volume', Source: 'x', Target: '/d', VolumeOptions: { DriverConfig: { Name: 'nfsplug' } } }] }), /plugin "nfsplug" not found/);
});
