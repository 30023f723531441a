import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase, layersSchema, getLayer, type Db } from '../../store';
import { InvalidParameterError } from '../../util/errors';
import { OverlayLayerStore } from './overlay-layer-store';
import { isMounted, overlayOptions } from './mount';
import { makeTar, type TarEntry } from '../../util/archive/test-tar';

const isRoot = process.getuid?.() === 0;

function setup(): { root: string; db: Db; store: OverlayLayerStore; done: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-layers-'));
  const db = openDatabase(path.join(root, 'berth.db'), [layersSchema]);
  const store = new OverlayLayerStore(db, root);
  return { root, db, store, done: () => { db.close(); fs.rmSync(root, { recursive: true, force: true }); } };
}

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const xattr = (p: string, name: string): string => execFileSync('getfattr', ['--only-values', '-n', name, p]).toString();

test('register unpacks files, dirs, links, modes, owners and times; IDs follow the OCI spec', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const tar = await makeTar([
      { name: 'etc/', type: 'directory', mode: 0o755, mtime: new Date(1_000_000_000_000) },
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644 },
      { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o4755, uid: 1000, gid: 100 },
      { name: 'bin/link', type: 'link', linkname: 'bin/tool' },
      { name: 'bin/sym', type: 'symlink', linkname: '/bin/tool' },
      { name: '/abs/file', content: 'rerooted' },
      { name: 'tmp/', type: 'directory', mode: 0o1777 },
      { name: 'old', content: 'gone' },
      { name: 'old', content: 'replaced' },
    ]);
    const layer = await store.register(null, Readable.from([tar]));
    assert.equal(layer.diffId, sha(tar));
    assert.equal(layer.chainId, layer.diffId);
    assert.equal(layer.size, 26 + 10 + 8 + 4 + 8);
    const d = store.diffDir(layer.chainId);
    assert.equal(fs.readFileSync(path.join(d, 'etc/passwd'), 'utf8'), 'root:x:0:0::/root:/bin/sh\n');
    const tool = fs.statSync(path.join(d, 'bin/tool'));
    assert.equal(tool.mode & 0o7777, 0o4755);
    assert.equal(tool.uid, 1000);
    assert.equal(tool.gid, 100);
    assert.equal(tool.nlink, 2);
    assert.equal(fs.statSync(path.join(d, 'bin/link')).ino, tool.ino);
    assert.equal(fs.readlinkSync(path.join(d, 'bin/sym')), '/bin/tool');
    assert.equal(fs.readFileSync(path.join(d, 'abs/file'), 'utf8'), 'rerooted');
    assert.equal(fs.statSync(path.join(d, 'tmp')).mode & 0o7777, 0o1777);
    assert.equal(fs.statSync(path.join(d, 'etc')).mtimeMs, 1_000_000_000_000);
    assert.equal(fs.statSync(path.join(d, 'etc/passwd')).mtimeMs, 1_600_000_000_000);
    assert.equal(fs.readFileSync(path.join(d, 'old'), 'utf8'), 'replaced');
    assert.equal(fs.statSync(d).mode & 0o777, 0o755);

    // gzip is detected by magic; same content, same diff ID, same chain: idempotent
    const again = await store.register(null, Readable.from([await makeTar([{ name: 'etc/' , type: 'directory', mode: 0o755, mtime: new Date(1_000_000_000_000) },
      { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644 }, { name: 'bin/tool', content: '#!/bin/sh\n', mode: 0o4755, uid: 1000, gid: 100 },
      { name: 'bin/link', type: 'link', linkname: 'bin/tool' }, { name: 'bin/sym', type: 'symlink', linkname: '/bin/tool' }, { name: '/abs/file', content: 'rerooted' },
      { name: 'tmp/', type: 'directory', mode: 0o1777 }, { name: 'old', content: 'gone' }, { name: 'old', content: 'replaced' }], { gzip: true })]));
    assert.deepEqual(again, layer);

    const childTar = await makeTar([{ name: 'x', content: 'x' }]);
    const child = await store.register(layer.chainId, Readable.from([childTar]));
    assert.equal(child.parent, layer.chainId);
    assert.equal(child.chainId, `sha256:${createHash('sha256').update(`${layer.chainId} ${sha(childTar)}`).digest('hex')}`);
  } finally {
    done();
  }
});

test('files keep the tar\'s owner and mode when creation alone would not give them (umask, set-id, set-gid parents)', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  const umask = process.umask(0o027);
  try {
    const tar = await makeTar([
      { name: 'plain', content: 'a', mode: 0o644 },
      { name: 'open', content: 'b', mode: 0o666 },
      { name: 'suid', content: 'c', mode: 0o4755 },
      { name: 'user', content: 'd', mode: 0o600, uid: 1000, gid: 1000 },
      { name: 'shared/', type: 'directory', mode: 0o2775, gid: 50 },
      { name: 'shared/f', content: 'e', mode: 0o644 },
      { name: 'shared/implicit/g', content: 'f', mode: 0o644 },
    ]);
    const d = store.diffDir((await store.register(null, Readable.from([tar]))).chainId);
    const st = (p: string): [number, number, number] => { const s = fs.lstatSync(path.join(d, p)); return [s.mode & 0o7777, s.uid, s.gid]; };
    assert.deepEqual(st('plain'), [0o644, 0, 0]);
    assert.deepEqual(st('open'), [0o666, 0, 0]);
    assert.deepEqual(st('suid'), [0o4755, 0, 0]);
    assert.deepEqual(st('user'), [0o600, 1000, 1000]);
    assert.deepEqual(st('shared'), [0o2775, 0, 50]);
    assert.deepEqual(st('shared/f'), [0o644, 0, 0]);
    assert.deepEqual(st('shared/implicit/g'), [0o644, 0, 0]);
  } finally {
    process.umask(umask);
    done();
  }
});

test('whiteouts become 0/0 char devices and opaque markers the overlay xattr', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const layer = await store.register(null, Readable.from([await makeTar([
      { name: 'dir/', type: 'directory', mode: 0o755 },
      { name: 'dir/.wh.gone', content: '' },
      { name: '.wh.top', content: '' },
      { name: 'opq/.wh..wh..opq', content: '' },
      { name: 'opq/kept', content: 'k' },
      { name: '.wh..wh.plnk/123', content: '' },
    ])]));
    const d = store.diffDir(layer.chainId);
    for (const p of ['dir/gone', 'top']) {
      const st = fs.lstatSync(path.join(d, p));
      assert.ok(st.isCharacterDevice(), p);
      assert.equal(st.rdev, 0);
    }
    assert.equal(xattr(path.join(d, 'opq'), 'trusted.overlay.opaque'), 'y');
    assert.equal(fs.readFileSync(path.join(d, 'opq/kept'), 'utf8'), 'k');
    assert.ok(!fs.existsSync(path.join(d, '.wh..wh.plnk')));
    assert.equal(layer.size, 1);
  } finally {
    done();
  }
});

test('hostile tars are refused, write nothing outside and leave no half layer', { skip: !isRoot }, async () => {
  const { root, db, store, done } = setup();
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-outside-'));
  try {
    const cases: [string, Buffer, RegExp][] = [
      ['dot-dot', await makeTar([{ name: '../escape', content: 'x' }]), /path escapes the layer/],
      ['dot-dot deep', await makeTar([{ name: 'a/../../escape', content: 'x' }]), /path escapes the layer/],
      ['absolute symlink then a file through it', await makeTar([
        { name: 'evil', type: 'symlink', linkname: outside },
        { name: 'evil/owned', content: 'x' },
      ]), /parent "evil" is a symbolic link/],
      ['relative symlinked parent', await makeTar([
        { name: 'up', type: 'symlink', linkname: '../../../..' + outside },
        { name: 'up/owned', content: 'x' },
      ]), /is a symbolic link/],
      ['hard link outside', await makeTar([{ name: 'pw', type: 'link', linkname: '../../../etc/passwd' }]), /path escapes the layer/],
      ['hard link through a symlink', await makeTar([
        { name: 'evil', type: 'symlink', linkname: '/etc' },
        { name: 'pw', type: 'link', linkname: 'evil/passwd' },
      ]), /is a symbolic link/],
      ['opaque dir later replaced by a symlink', await makeTar([
        { name: 'd/.wh..wh..opq', content: '' },
        { name: 'd', type: 'symlink', linkname: outside },
      ]), /parent "d" is a symbolic link/],
      ['whiteout dir later replaced by a symlink', await makeTar([
        { name: 'd/.wh.x', content: '' },
        { name: 'd', type: 'symlink', linkname: outside },
      ]), /parent "d" is a symbolic link/],
      ['device node', await makeTar([{ name: 'mem', type: 'character-device', devmajor: 1, devminor: 1 }]), /device nodes are not allowed/],
      ['block device', await makeTar([{ name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 }]), /device nodes are not allowed/],
      ['truncated gzip', (await makeTar([{ name: 'big', content: randomBytes(100_000).toString('base64') }], { gzip: true })).subarray(0, 20_000), /invalid tar stream/],
      ['truncated tar', (await makeTar([{ name: 'big', content: 'y'.repeat(100_000) }])).subarray(0, 5000), /invalid tar stream|Unexpected end/],
      ['corrupt xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]), /invalid xz stream/],
      ['corrupt zstd', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 1, 2, 3]), /invalid zstd stream/],
    ];
    for (const [label, tar, msg] of cases) {
      await assert.rejects(store.register(null, Readable.from([tar])), (e: unknown) => e instanceof InvalidParameterError && msg.test(e.message), label);
    }
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers')).sort(), ['l', 'tmp']);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers', 'tmp')), []);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers', 'l')), []);
    assert.equal((db.prepare('SELECT count(*) AS n FROM layers').get() as { n: number }).n, 0);
  } finally {
    fs.rmSync(outside, { recursive: true, force: true });
    done();
  }
});

test('fifos are created; a missing parent layer is refused; concurrent registers of one layer agree', { skip: !isRoot }, async () => {
  const { db, store, done } = setup();
  try {
    const tar = await makeTar([{ name: 'run/pipe', type: 'fifo', mode: 0o620, uid: 5 }, { name: 'f', content: 'same' }]);
    const [a, b] = await Promise.all([store.register(null, Readable.from([tar])), store.register(null, Readable.from([tar]))]);
    assert.deepEqual(a, b);
    assert.equal((db.prepare('SELECT count(*) AS n FROM layers').get() as { n: number }).n, 1);
    const st = fs.lstatSync(path.join(store.diffDir(a.chainId), 'run/pipe'));
    assert.ok(st.isFIFO());
    assert.equal(st.mode & 0o777, 0o620);
    assert.equal(st.uid, 5);
    await assert.rejects(store.register(`sha256:${'0'.repeat(64)}`, Readable.from([tar])), /layer does not exist/);
  } finally {
    done();
  }
});

test('refcounts: release at zero deletes the layer and parents nothing else holds', { skip: !isRoot }, async () => {
  const { root, db, store, done } = setup();
  try {
    const base = await store.register(null, Readable.from([await makeTar([{ name: 'a', content: 'a' }])]));
    const top = await store.register(base.chainId, Readable.from([await makeTar([{ name: 'b', content: 'b' }])]));
    assert.equal(getLayer(db, base.chainId)?.refcount, 1);
    store.retain(top.chainId);
    store.retain(top.chainId);
    await store.release(top.chainId);
    assert.ok(store.get(top.chainId));
    await store.release(top.chainId);
    assert.equal(store.get(top.chainId), null);
    assert.equal(store.get(base.chainId), null);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers')).sort(), ['l', 'tmp']);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers', 'l')), []);
  } finally {
    done();
  }
});

test('overlay mount of a two-layer image shows merged content with whiteouts applied', { skip: !isRoot }, async () => {
  const { root, store, done } = setup();
  const id = 'c'.repeat(64);
  try {
    const l1 = await store.register(null, Readable.from([await makeTar([
      { name: 'a', content: 'a1' }, { name: 'dir/b', content: 'b1' }, { name: 'dir/c', content: 'c1' },
      { name: 'opq/x', content: 'x1' }, { name: 'keep', content: 'k' },
    ])]));
    const l2 = await store.register(l1.chainId, Readable.from([await makeTar([
      { name: '.wh.a', content: '' }, { name: 'dir/.wh.c', content: '' }, { name: 'dir/b', content: 'b2' },
      { name: 'opq/.wh..wh..opq', content: '' }, { name: 'opq/y', content: 'y2' },
    ])]));
    await store.createRw(id, l2.chainId);
    const merged = await store.mount(id);
    try {
      assert.equal(await store.mount(id), merged);
      const count = fs.readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.split(' ')[4] === merged).length;
      assert.equal(count, 1);
      assert.deepEqual(fs.readdirSync(merged).sort(), ['dir', 'keep', 'opq']);
      assert.deepEqual(fs.readdirSync(path.join(merged, 'dir')), ['b']);
      assert.equal(fs.readFileSync(path.join(merged, 'dir/b'), 'utf8'), 'b2');
      assert.deepEqual(fs.readdirSync(path.join(merged, 'opq')), ['y']);
      fs.writeFileSync(path.join(merged, 'new'), '12345');
      assert.equal(await store.rwSize(id), 5);
      const g = store.graphData(id);
      assert.equal(g.LowerDir, `${store.diffDir(l2.chainId)}:${store.diffDir(l1.chainId)}`);
      assert.equal(g.MergedDir, merged);
      assert.equal(g.UpperDir, path.join(root, 'containers', id, 'upper'));
    } finally {
      await store.unmount(id);
    }
    assert.equal(isMounted(merged), false);
    await store.unmount(id);
    // the rw layer holds the chain: the image's reference can go first
    store.retain(l2.chainId);
    await store.release(l2.chainId);
    assert.ok(store.get(l2.chainId));
    await store.removeRw(id);
    assert.equal(store.get(l2.chainId), null);
    assert.equal(store.get(l1.chainId), null);
    assert.ok(!fs.existsSync(path.join(root, 'containers', id, 'upper')));
  } finally {
    try { execFileSync('umount', [path.join(root, 'containers', id, 'merged')], { stdio: 'ignore' }); } catch { /* not mounted */ }
    done();
  }
});

test('a scratch container gets an empty lower dir', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  const id = 'scratch1';
  try {
    await store.createRw(id, null);
    const merged = await store.mount(id);
    try {
      assert.deepEqual(fs.readdirSync(merged), []);
      fs.writeFileSync(path.join(merged, 'f'), 'x');
      assert.equal(store.graphData(id).LowerDir, undefined);
    } finally {
      await store.unmount(id);
    }
    await store.removeRw(id);
  } finally {
    done();
  }
});

test('open() cleans what a crash left: temp dirs, rowless layers, links and rw dirs, unreferenced layers', { skip: !isRoot }, async () => {
  const { root, db, store, done } = setup();
  try {
    const kept = await store.register(null, Readable.from([await makeTar([{ name: 'k', content: 'k' }])]));
    store.retain(kept.chainId);
    const orphan = await store.register(null, Readable.from([await makeTar([{ name: 'o', content: 'o' }])]));
    fs.mkdirSync(path.join(root, 'layers', 'tmp', 'reg-123', 'diff', 'half'), { recursive: true });
    fs.mkdirSync(path.join(root, 'layers', 'f'.repeat(64), 'diff'), { recursive: true });
    fs.symlinkSync('../nowhere/diff', path.join(root, 'layers', 'l', 'DANGLING'));
    fs.mkdirSync(path.join(root, 'containers', 'cut-short', 'upper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'containers', 'cut-short', 'hostname'), 'engine file');
    const reopened = new OverlayLayerStore(db, root);
    await reopened.open();
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers', 'tmp')), []);
    assert.deepEqual(fs.readdirSync(path.join(root, 'layers')).sort(), [kept.chainId.slice(7), 'l', 'tmp'].sort());
    assert.equal(fs.readdirSync(path.join(root, 'layers', 'l')).length, 1);
    assert.equal(reopened.get(orphan.chainId), null);
    assert.ok(reopened.get(kept.chainId));
    assert.deepEqual(fs.readdirSync(path.join(root, 'containers', 'cut-short')), ['hostname']);
  } finally {
    done();
  }
});

test('a chain too long for absolute lowerdirs mounts through the short links', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  const id = 'deep';
  try {
    let parent: string | null = null;
    for (let i = 0; i < 45; i++) parent = (await store.register(parent, Readable.from([await makeTar([{ name: `f${i}`, content: String(i) }])]))).chainId;
    await store.createRw(id, parent);
    const merged = await store.mount(id);
    try {
      assert.equal(fs.readdirSync(merged).length, 45);
      assert.equal(fs.readFileSync(path.join(merged, 'f44'), 'utf8'), '44');
    } finally {
      await store.unmount(id);
    }
    await store.removeRw(id);
  } finally {
    done();
  }
});

test('mount options fall back to short links when absolute paths exceed a page', () => {
  const abs = Array.from({ length: 60 }, (_, i) => `/var/lib/berth/layers/${String(i).padStart(64, '0')}/diff`);
  const links = Array.from({ length: 60 }, (_, i) => `l/${String(i).padStart(26, 'A')}`);
  const many = overlayOptions(abs, links, '/u', '/w');
  assert.equal(many.relative, true);
  assert.ok(many.options.startsWith(`lowerdir=${links[0]}:`));
  const few = overlayOptions(abs.slice(0, 3), links.slice(0, 3), '/u', '/w');
  assert.equal(few.relative, false);
  assert.equal(few.options, `lowerdir=${abs.slice(0, 3).join(':')},upperdir=/u,workdir=/w`);
  assert.throws(() => overlayOptions(Array(200).fill(abs[0]), Array(200).fill(links[0]), '/u', '/w'), /exceed the mount options limit/);
});

test('tarLayer gives back the registered tar byte for byte, from gzip, xz and zstd input too', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const tar = await makeTar([{ name: 'a/', type: 'directory' }, { name: 'a/.wh.b', content: '' }, { name: 'a/c', content: 'x'.repeat(3000) }]);
    const inputs: [string, Buffer][] = [
      ['plain', tar],
      ['gzip', await makeTar([{ name: 'a/', type: 'directory' }, { name: 'a/.wh.b', content: '' }, { name: 'a/c', content: 'x'.repeat(3000) }], { gzip: true })],
      ['xz', execFileSync('xz', ['-c'], { input: tar })],
      ['zstd', execFileSync('zstd', ['-c', '-q'], { input: tar })],
    ];
    for (const [kind, input] of inputs) {
      const layer = await store.register(null, Readable.from([input]));
      assert.equal(layer.diffId, sha(tar), kind);
      const { size, stream } = await store.tarLayer(layer.chainId);
      const chunks: Buffer[] = [];
      for await (const c of stream) chunks.push(c as Buffer);
      assert.equal(size, tar.length, kind);
      assert.ok(Buffer.concat(chunks).equals(tar), kind);
    }
    await assert.rejects(store.register(null, Readable.from([Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), randomBytes(100)])])), InvalidParameterError);
    await assert.rejects(store.tarLayer(`sha256:${'1'.repeat(64)}`), /layer does not exist/);
  } finally {
    done();
  }
});

async function tarBytes(store: OverlayLayerStore, chainId: string): Promise<Buffer> {
  const { size, stream } = await store.tarLayer(chainId);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  const out = Buffer.concat(chunks);
  assert.equal(out.length, size);
  return out;
}

test('a layer keeps no copy of its tar: tar-split metadata rebuilds it byte for byte (long names, PAX, odd entries)', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const long = `${'d'.repeat(120)}/${'n'.repeat(150)}`;
    const big = randomBytes(3 << 20);
    const tar = await makeTar([
      { name: 'dir/', type: 'directory' },
      { name: long, content: 'long name, PAX path' },
      { name: 'dir/big', content: big as unknown as string },
      { name: 'dir/empty', content: '' },
      { name: 'dir/ln', type: 'symlink', linkname: 'x'.repeat(200) },
      { name: 'dir/fifo', type: 'fifo' },
      { name: 'dir/.wh.gone', content: '' },
    ]);
    // junk after the end-of-archive blocks is part of the diff ID too
    const input = Buffer.concat([tar, Buffer.alloc(1024), Buffer.from('trailing')]);
    const layer = await store.register(null, Readable.from([input.subarray(0, 1000), input.subarray(1000)]));
    assert.equal(layer.diffId, sha(input));
    const dir = path.dirname(store.diffDir(layer.chainId));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['diff', 'tar-split']);
    assert.ok(fs.statSync(path.join(dir, 'tar-split')).size < 4096);
    assert.ok((await tarBytes(store, layer.chainId)).equals(input));
    // a layer file changed on disk: the rebuilt stream fails instead of giving other bytes
    fs.writeFileSync(path.join(store.diffDir(layer.chainId), 'dir/big'), Buffer.alloc(big.length, 1));
    await assert.rejects(tarBytes(store, layer.chainId), /no longer matches its digest/);
    // a layer an older berthd registered has its full layer.tar, which is served as is
    fs.rmSync(path.join(dir, 'tar-split'));
    fs.writeFileSync(path.join(dir, 'layer.tar'), input);
    assert.ok((await tarBytes(store, layer.chainId)).equals(input));
  } finally {
    done();
  }
});

test('stage unpacks without a parent; registerStaged places it on any parent; discardStaged drops it', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const base = await store.register(null, Readable.from([await makeTar([{ name: 'base', content: 'b' }])]));
    const tar = await makeTar([{ name: 'top', content: 't' }]);
    const staged = await store.stage(Readable.from([tar]));
    assert.equal(staged.diffId, sha(tar));
    const top = await store.registerStaged(base.chainId, staged);
    assert.equal(top.parent, base.chainId);
    assert.equal(fs.readFileSync(path.join(store.diffDir(top.chainId), 'top'), 'utf8'), 't');
    assert.ok((await tarBytes(store, top.chainId)).equals(tar));
    const again = await store.stage(Readable.from([tar]));
    await store.discardStaged(again);
    assert.equal(fs.existsSync(again.dir), false);
  } finally {
    done();
  }
});

test('later entries replace earlier ones in tar order: a file twice, a directory over a file, a file over a directory', { skip: !isRoot }, async () => {
  const { store, done } = setup();
  try {
    const entries: TarEntry[] = [];
    for (let i = 0; i < 40; i++) entries.push({ name: `many/f${i}`, content: `file ${i}`, mode: 0o640, uid: 1000 + i, gid: 2000 + i, mtime: new Date(1_600_000_000_000 + i * 1000) });
    entries.push(
      { name: 'dup', content: 'first' },
      { name: 'dup', content: 'second, wins' },
      { name: 'target', content: 'shared' },
      { name: 'hard', type: 'link', linkname: 'target' },
      { name: 'was-file', content: 'replaced by a directory' },
      { name: 'was-file/', type: 'directory' },
      { name: 'was-file/inside', content: 'in the directory' },
      { name: 'was-dir/', type: 'directory' },
      { name: 'was-dir/child', content: 'gone with its directory' },
      { name: 'was-dir', content: 'a file now' },
    );
    const l = await store.register(null, Readable.from([await makeTar(entries)]));
    const d = store.diffDir(l.chainId);
    for (let i = 0; i < 40; i++) {
      const st = fs.statSync(path.join(d, 'many', `f${i}`));
      assert.equal(fs.readFileSync(path.join(d, 'many', `f${i}`), 'utf8'), `file ${i}`);
      assert.deepEqual([st.mode & 0o7777, st.uid, st.gid, st.mtimeMs], [0o640, 1000 + i, 2000 + i, 1_600_000_000_000 + i * 1000], `f${i}`);
    }
    assert.equal(fs.readFileSync(path.join(d, 'dup'), 'utf8'), 'second, wins');
    assert.equal(fs.statSync(path.join(d, 'hard')).ino, fs.statSync(path.join(d, 'target')).ino);
    assert.equal(fs.readFileSync(path.join(d, 'was-file', 'inside'), 'utf8'), 'in the directory');
    assert.equal(fs.readFileSync(path.join(d, 'was-dir'), 'utf8'), 'a file now');
    // what later entries replaced is kept aside, so save still gives back the very tar
    assert.ok((await tarBytes(store, l.chainId)).equals(await makeTar(entries)));
  } finally {
    done();
  }
});
