import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VolumeInfo, VolumeStore } from '../../volume';
import { ContainerMounts } from './container-mounts';
import type { MountOwner } from './container-mounts';
import { VolumeService } from './service';

class MemStore implements VolumeStore {
  vols = new Map<string, VolumeInfo>();
  async create(name: string, opts: { labels?: Record<string, string>; options?: Record<string, string> | null }): Promise<VolumeInfo> {
    const v = this.vols.get(name) ?? { name, driver: 'local', mountpoint: `/v/${name}/_data`, labels: opts.labels ?? {}, options: opts.options ?? null, createdAt: '2026-01-01T00:00:00Z' };
    this.vols.set(name, v);
    return v;
  }
  get(name: string): VolumeInfo | null { return this.vols.get(name) ?? null; }
  list(): VolumeInfo[] { return [...this.vols.values()]; }
  async mount(name: string): Promise<string> { return `/v/${name}/_data`; }
  async unmount(): Promise<void> {}
  async remove(name: string): Promise<void> { this.vols.delete(name); }
  async size(name: string): Promise<number> { return name.length; }
}

function setup(): { svc: VolumeService; owners: MountOwner[]; events: string[] } {
  const store = new MemStore();
  const owners: MountOwner[] = [];
  const events: string[] = [];
  const bus = { publish: (_t: string, action: string, id: string) => { events.push(`${action} ${id}`); } };
  const mounts = new ContainerMounts(store, { tryGet: () => null, all: () => owners }, bus);
  return { svc: new VolumeService(store, mounts, bus as never), owners, events };
}

const used = (id: string, name: string): MountOwner => ({
  id, state: { Running: false },
  mounts: [{ type: 'volume', name, source: `/v/${name}/_data`, destination: '/d', driver: 'local', mode: 'z', rw: true, propagation: '', copyData: false, anonymous: false }],
});

test('list filters: name, label, driver, dangling; unknown filters refused', async () => {
  const { svc, owners } = setup();
  await svc.create({ Name: 'alpha', Labels: { team: 'a' } });
  await svc.create({ Name: 'beta' });
  owners.push(used('c1', 'beta'));
  const names = async (f: Record<string, string[]>): Promise<string[]> => ((await svc.list(f)).Volumes ?? []).map((v) => v.Name);
  assert.deepEqual(await names({ name: ['alp'] }), ['alpha']);
  assert.deepEqual(await names({ label: ['team=a'] }), ['alpha']);
  assert.deepEqual(await names({ label: ['team'] }), ['alpha']);
  assert.deepEqual(await names({ dangling: ['true'] }), ['alpha']);
  assert.deepEqual(await names({ dangling: ['0'] }), ['beta']);
  assert.deepEqual(await names({ driver: ['local'] }), ['alpha', 'beta']);
  await assert.rejects(svc.list({ bogus: ['x'] }), /invalid filter 'bogus'/);
  await assert.rejects(svc.list({ dangling: ['maybe'] }), /invalid filter 'dangling=maybe'/);
  const [a] = (await svc.list({ name: ['alpha'] })).Volumes ?? [];
  assert.deepEqual(a, { CreatedAt: '2026-01-01T00:00:00Z', Driver: 'local', Labels: { team: 'a' }, Mountpoint: '/v/alpha/_data', Name: 'alpha', Options: {}, Scope: 'local' });
});

test('remove: in use refused with Docker\'s message, even forced; missing ones 404 unless forced', async () => {
  const { svc, owners, events } = setup();
  await svc.create({ Name: 'v1' });
  owners.push(used('c1', 'v1'), used('c2', 'v1'));
  await assert.rejects(svc.remove('v1', true), (e: Error & { status?: number }) => e.message === 'remove v1: volume is in use - [c1, c2]' && e.status === 409);
  await assert.rejects(svc.remove('nosuch', false), (e: Error & { status?: number }) => e.message === 'get nosuch: no such volume' && e.status === 404);
  await svc.remove('nosuch', true);
  owners.length = 0;
  await svc.remove('v1', false);
  await assert.rejects(svc.inspect('v1'), /get v1: no such volume/);
  assert.deepEqual(events, ['create v1', 'destroy v1']);
  await assert.rejects(svc.create({ Name: 'x', Driver: 'nfs' }), /plugin "nfs" not found/);
});

test('prune removes the unused ones (with label filters); usage counts links', async () => {
  const { svc, owners } = setup();
  for (const n of ['keep', 'free', 'lab']) await svc.create({ Name: n, Labels: n === 'lab' ? { x: '1' } : {} });
  owners.push(used('c1', 'keep'));
  assert.deepEqual((await svc.usage()).map((v) => [v.Name, v.UsageData?.RefCount, v.UsageData?.Size]), [['keep', 1, 4], ['free', 0, 4], ['lab', 0, 3]]);
  assert.deepEqual(await svc.prune({ 'label!': ['x=1'] }), { VolumesDeleted: ['free'], SpaceReclaimed: 4 });
  assert.deepEqual(await svc.prune({}), { VolumesDeleted: ['lab'], SpaceReclaimed: 3 });
  assert.deepEqual(await svc.prune({}), { VolumesDeleted: null, SpaceReclaimed: 0 });
  await assert.rejects(svc.prune({ until: ['1h'] }), /invalid filter 'until'/);
  await svc.create({ Name: 'named' });
  await svc.create({ Name: 'anon', Labels: { 'com.docker.volume.anonymous': '' } });
  assert.deepEqual((await svc.prune({ all: ['false'] })).VolumesDeleted, ['anon']);
  await assert.rejects(svc.prune({ all: ['maybe'] }), /invalid filter 'all=maybe'/);
});
