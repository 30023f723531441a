import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openDatabase, imagesSchema, type Db } from '../store';
import { ConflictError, InvalidParameterError, NotFoundError } from '../util/errors';
import { type ImageLayers, type ImageUser, LocalImageStore } from './local-image-store';

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** In-memory layers: diff ID = sha256 of the (inflated) bytes, refcounted like the real store. */
class FakeLayers implements ImageLayers {
  readonly layers = new Map<string, { chainId: string; diffId: string; parent: string | null; size: number; refs: number }>();
  get(c: string): { chainId: string; diffId: string; parent: string | null; size: number } | null {
    const l = this.layers.get(c);
    return l ? { chainId: l.chainId, diffId: l.diffId, parent: l.parent, size: l.size } : null;
  }
  async register(parent: string | null, tar: Readable): Promise<{ chainId: string; diffId: string; size: number }> {
    const chunks: Buffer[] = [];
    for await (const c of tar) chunks.push(Buffer.from(c as Buffer));
    let data = Buffer.concat(chunks);
    if (data[0] === 0x1f && data[1] === 0x8b) data = gunzipSync(data);
    const diffId = sha(data);
    const chainId = parent ? sha(`${parent} ${diffId}`) : diffId;
    if (!this.layers.has(chainId)) this.layers.set(chainId, { chainId, diffId, parent, size: data.length, refs: 0 });
    return { chainId, diffId, size: data.length };
  }
  retain(c: string): void { (this.layers.get(c) as { refs: number }).refs++; }
  async release(c: string): Promise<void> {
    const l = this.layers.get(c);
    if (l && --l.refs === 0) this.layers.delete(c);
  }
}

function setup(now = new Date('2024-05-01T12:00:00.000Z')): { db: Db; layers: FakeLayers; store: LocalImageStore; root: string; done: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-images-'));
  const db = openDatabase(path.join(root, 'berth.db'), [imagesSchema]);
  const layers = new FakeLayers();
  const store = new LocalImageStore(db, root, layers, { now: () => now });
  return { db, layers, store, root, done: () => { db.close(); fs.rmSync(root, { recursive: true, force: true }); } };
}

const rootfs = Buffer.from('pretend this is a tar of a root filesystem');
const notUsed = (): ImageUser => null;

test('import builds the config as docker import does, with a stable content-addressed ID', async () => {
  const { store, root, done } = setup();
  try {
    const img = await store.import(Readable.from([gzipSync(rootfs)]), {
      reference: 'busybox', changes: ['CMD ["sh"]', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'EXPOSE 80', 'WORKDIR /root'],
    });
    const bytes = fs.readFileSync(path.join(root, 'content/blobs/sha256', img.id.slice(7)));
    assert.equal(img.id, sha(bytes));
    assert.equal(img.config.os, 'linux');
    assert.equal(img.config.architecture, process.arch === 'x64' ? 'amd64' : img.config.architecture);
    assert.equal(img.config.comment, 'Imported from -');
    assert.equal(img.config.created, '2024-05-01T12:00:00.000Z');
    assert.deepEqual(img.config.history, [{ created: '2024-05-01T12:00:00.000Z', comment: 'Imported from -' }]);
    assert.deepEqual(img.config.rootfs, { type: 'layers', diff_ids: [sha(rootfs)] });
    assert.deepEqual(img.config.config, { Cmd: ['sh'], Env: ['PATH=/usr/sbin:/usr/bin:/sbin:/bin'], ExposedPorts: { '80/tcp': {} }, WorkingDir: '/root' });
    assert.deepEqual(img.repoTags, ['docker.io/library/busybox:latest']);
    assert.deepEqual(img.chainIds, [sha(rootfs)]);
    assert.equal(img.size, rootfs.length);
    assert.equal(img.lastTagTime, '2024-05-01T12:00:00.000Z');

    // same tar, same changes, same time: same ID (plain tar this time)
    const again = await store.import(Readable.from([rootfs]), { changes: ['CMD ["sh"]', 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'EXPOSE 80', 'WORKDIR /root'] });
    assert.equal(again.id, img.id);
    const other = await store.import(Readable.from([rootfs]), { changes: ['CMD ["sh"]'], message: 'hello' });
    assert.notEqual(other.id, img.id);
    assert.equal(other.config.comment, 'hello');
    assert.equal(store.list().length, 2);
  } finally {
    done();
  }
});

test('import refuses bad changes and references before reading the tar', async () => {
  const { store, layers, done } = setup();
  try {
    await assert.rejects(store.import(Readable.from([rootfs]), { changes: ['RUN rm -rf /'] }), (e: unknown) => e instanceof InvalidParameterError && e.message === 'run is not a valid change command');
    await assert.rejects(store.import(Readable.from([rootfs]), { reference: 'Foo', changes: [] }), /repository name \(library\/Foo\) must be lowercase/);
    assert.equal(layers.layers.size, 0);
  } finally {
    done();
  }
});

test('resolve by name, full name, ID, short ID, digest; Docker wording when missing', async () => {
  const { db, store, done } = setup();
  try {
    const img = await store.import(Readable.from([rootfs]), { reference: '127.0.0.1:5000/pepito/mi_app', changes: [] });
    store.tag(img.id, 'busybox:1');
    const hex = img.id.slice(7);
    for (const ref of ['busybox:1', 'docker.io/library/busybox:1', '127.0.0.1:5000/pepito/mi_app', '127.0.0.1:5000/pepito/mi_app:latest', img.id, hex, hex.slice(0, 12), hex.slice(0, 3), `sha256:${hex.slice(0, 5)}`]) {
      assert.equal(store.resolve(ref).id, img.id, ref);
    }
    assert.throws(() => store.resolve('busybox'), (e: unknown) => e instanceof NotFoundError && e.message === 'No such image: busybox:latest');
    assert.throws(() => store.resolve('nosuch/thing:v1'), /^NotFoundError: No such image: nosuch\/thing:v1$/);
    assert.throws(() => store.resolve('f'.repeat(64)), new RegExp(`No such image: sha256:${'f'.repeat(64)}`));
    assert.throws(() => store.resolve('Bad'), InvalidParameterError);
    assert.equal(store.tryResolve('busybox'), null);
    // an ambiguous prefix is not found
    const twin = `sha256:${hex.slice(0, 4)}${hex[4] === '0' ? '1' : '0'}${'0'.repeat(59)}`;
    db.prepare("INSERT INTO images (id, config, chain_ids, size, created) VALUES (?, '{}', '[]', 0, 'x')").run(twin);
    assert.equal(store.tryResolve(hex.slice(0, 4)), null);
    assert.throws(() => store.resolve(hex.slice(0, 4)), new RegExp(`No such image: ${hex.slice(0, 4)}:latest`));
    assert.equal(store.resolve(hex.slice(0, 5)).id, img.id);
  } finally {
    done();
  }
});

test('tag moves references and refuses digests', async () => {
  const { store, done } = setup();
  try {
    const a = await store.import(Readable.from([rootfs]), { reference: 'app:1', changes: [] });
    const b = await store.import(Readable.from([Buffer.from('b')]), { changes: [] });
    store.tag(b.id, 'app:1');
    assert.deepEqual(store.resolve(a.id).repoTags, []);
    assert.deepEqual(store.resolve(b.id).repoTags, ['docker.io/library/app:1']);
    assert.throws(() => store.tag(b.id, `app@sha256:${'a'.repeat(64)}`), /refusing to create a tag with a digest reference/);
    assert.throws(() => store.tag(b.id, 'sha256:x'), /ambiguous tag using digest algorithm as name/);
    assert.throws(() => store.tag('nosuch', 'x'), /No such image: nosuch:latest/);
  } finally {
    done();
  }
});

test('rmi: untag, multiple repositories, forced delete releases the layer', async () => {
  const { store, layers, root, done } = setup();
  try {
    const img = await store.import(Readable.from([rootfs]), { reference: 'busybox', changes: [] });
    store.tag('busybox', 'mirror/busybox:v1');
    assert.deepEqual(await store.remove('mirror/busybox:v1', { force: false, noPrune: false }, notUsed), [{ Untagged: 'mirror/busybox:v1' }]);
    store.tag('busybox', 'mirror/busybox:v1');
    const short = img.id.slice(7, 19);
    await assert.rejects(store.remove(short, { force: false, noPrune: false }, notUsed),
      (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`);
    const out = await store.remove(short, { force: true, noPrune: false }, notUsed);
    assert.deepEqual(out, [{ Untagged: 'busybox:latest' }, { Untagged: 'mirror/busybox:v1' }, { Deleted: img.id }, { Deleted: img.chainIds[0] }]);
    assert.equal(layers.layers.size, 0);
    assert.equal(store.list().length, 0);
    assert.ok(!fs.existsSync(path.join(root, 'content/blobs/sha256', img.id.slice(7))));
    // the last tag deletes the image
    const again = await store.import(Readable.from([rootfs]), { reference: 'busybox', changes: [] });
    assert.deepEqual(await store.remove('busybox', { force: false, noPrune: false }, notUsed), [{ Untagged: 'busybox:latest' }, { Deleted: again.id }, { Deleted: again.chainIds[0] }]);
    await assert.rejects(store.remove('busybox', { force: false, noPrune: false }, notUsed), /No such image: busybox:latest/);
  } finally {
    done();
  }
});

test('rmi: two tags of one repository by ID need force; a tag plus its digest do not', async () => {
  const { db, store, done } = setup();
  try {
    const img = await store.import(Readable.from([rootfs]), { reference: 'busybox:1', changes: [] });
    store.tag(img.id, 'busybox:2');
    await assert.rejects(store.remove(img.id, { force: false, noPrune: false }, notUsed), /referenced in multiple repositories/);
    await store.remove('busybox:2', { force: false, noPrune: false }, notUsed);
    db.prepare('INSERT INTO image_refs (ref, image_id, created) VALUES (?, ?, ?)').run(`docker.io/library/busybox@sha256:${'d'.repeat(64)}`, img.id, 'x');
    assert.deepEqual(store.resolve(img.id).repoDigests, [`docker.io/library/busybox@sha256:${'d'.repeat(64)}`]);
    const out = await store.remove(img.id, { force: false, noPrune: false }, notUsed);
    assert.deepEqual(out.map((r) => r.Untagged ?? r.Deleted), ['busybox:1', `busybox@sha256:${'d'.repeat(64)}`, img.id, img.chainIds[0]]);
  } finally {
    done();
  }
});

test('rmi: images used by containers', async () => {
  const { store, layers, done } = setup();
  const ctr = 'e'.repeat(64);
  try {
    const img = await store.import(Readable.from([rootfs]), { reference: 'busybox', changes: [] });
    const short = img.id.slice(7, 19);
    const stopped = (id: string): ImageUser => (id === img.id ? ctr : null);
    const running = (id: string): ImageUser => (id === img.id ? { containerId: ctr, running: true } : null);
    await assert.rejects(store.remove('busybox', { force: false, noPrune: false }, stopped),
      (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to remove repository reference "busybox" (must force) - container ${ctr.slice(0, 12)} is using its referenced image ${short}`);
    await assert.rejects(store.remove(short, { force: false, noPrune: false }, stopped),
      (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${ctr.slice(0, 12)}`);
    await assert.rejects(store.remove(short, { force: true, noPrune: false }, running),
      (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${ctr.slice(0, 12)}`);
    // forcing the tag away from a running container's image leaves the image, dangling
    assert.deepEqual(await store.remove('busybox', { force: true, noPrune: false }, running), [{ Untagged: 'busybox:latest' }]);
    assert.deepEqual(store.resolve(img.id).repoTags, []);
    assert.equal(layers.layers.size, 1);
    // and the ID with force deletes it despite a stopped container (its rw layer keeps the layer)
    assert.deepEqual(await store.remove(img.id, { force: true, noPrune: false }, stopped), [{ Deleted: img.id }, { Deleted: img.chainIds[0] }]);
    // as does a forced untag of the last tag, as in Docker
    const again = await store.import(Readable.from([rootfs]), { reference: 'busybox', changes: [] });
    assert.deepEqual(await store.remove('busybox', { force: true, noPrune: false }, stopped), [{ Untagged: 'busybox:latest' }, { Deleted: again.id }, { Deleted: again.chainIds[0] }]);
  } finally {
    done();
  }
});

test('open() removes temp blobs and restores a lost config blob', async () => {
  const { db, layers, store, root, done } = setup();
  try {
    const img = await store.import(Readable.from([rootfs]), { changes: [] });
    const blob = path.join(root, 'content/blobs/sha256', img.id.slice(7));
    const before = fs.readFileSync(blob);
    fs.rmSync(blob);
    fs.writeFileSync(path.join(root, 'content/tmp/blob-half'), 'partial');
    const reopened = new LocalImageStore(db, root, layers);
    reopened.open();
    assert.deepEqual(fs.readFileSync(blob), before);
    assert.deepEqual(fs.readdirSync(path.join(root, 'content/tmp')), []);
    assert.deepEqual(reopened.configBytes(img.id), before);
  } finally {
    done();
  }
});
