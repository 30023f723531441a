import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { openDatabase, layersSchema } from '../../store';
import { rwDiffTar } from '../rootfs';
import { OverlayLayerStore } from './overlay-layer-store';

const isRoot = process.getuid?.() === 0;

/** Every entry under `dir` with what a layer must preserve. */
function describe(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const p = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, p));
      let what = `${p} mode=${(st.mode & 0o177777).toString(8)} ${st.uid}:${st.gid} rdev=${st.rdev}`;
      // a whiteout's time is when it was made (neither path gives it one)
      if (!st.isDirectory() && !st.isCharacterDevice()) what += ` mtime=${Math.floor(st.mtimeMs / 1000)}`;
      if (st.isFile()) what += ` ${createHash('sha256').update(fs.readFileSync(path.join(dir, p))).digest('hex').slice(0, 12)} nlink=${st.nlink}`;
      if (st.isSymbolicLink()) what += ` -> ${fs.readlinkSync(path.join(dir, p))}`;
      if (st.isDirectory()) {
        let opaque = '';
        // getfattr fails for a directory without the attribute
        try { opaque = execFileSync('getfattr', ['--absolute-names', '--only-values', '-n', 'trusted.overlay.opaque', path.join(dir, p)], { stdio: ['ignore', 'pipe', 'ignore'] }).toString(); } catch { /* none */ }
        what += ` opaque=${opaque} mtime=${Math.floor(st.mtimeMs / 1000)}`;
      }
      out.push(what);
      if (st.isDirectory()) walk(p);
    }
  };
  walk('');
  return out;
}

test('commit copies the upper dir in one pass: the same layer as unpacking its tar, and save rebuilds that tar', { skip: !isRoot }, async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-diffcopy-'));
  const db = openDatabase(path.join(root, 'berth.db'), [layersSchema]);
  const store = new OverlayLayerStore(db, root);
  try {
    await store.open();
    await store.createRw('c1', null);
    const upper = store.graphData('c1').UpperDir;
    const t = new Date('2024-05-06T07:08:09.5Z');
    const put = (rel: string, data: string | Buffer, mode = 0o644, uid = 0, gid = 0): void => {
      const p = path.join(upper, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data, { mode });
      // chown first: it clears set-id bits
      fs.chownSync(p, uid, gid);
      fs.chmodSync(p, mode);
      fs.utimesSync(p, t, t);
    };
    put('etc/passwd', 'root:x:0:0\n');
    put('bin/tool', '#!/bin/sh\n', 0o4755, 1000, 100);
    put('big/blob', randomBytes(700 * 1024));
    put(`deep/${'n'.repeat(120)}/${'m'.repeat(130)}`, 'long name');
    put('ünï/cödé', 'utf8');
    fs.linkSync(path.join(upper, 'etc/passwd'), path.join(upper, 'etc/passwd-hard'));
    fs.symlinkSync('/etc/passwd', path.join(upper, 'etc/sym'));
    fs.mkdirSync(path.join(upper, 'shared'), { mode: 0o2775 });
    fs.chmodSync(path.join(upper, 'shared'), 0o2775);
    fs.chownSync(path.join(upper, 'shared'), 0, 50);
    put('shared/f', 'g', 0o640, 0, 0);
    fs.mkdirSync(path.join(upper, 'opq/sub'), { recursive: true });
    execFileSync('setfattr', ['-n', 'trusted.overlay.opaque', '-v', 'y', path.join(upper, 'opq')]);
    execFileSync('mknod', [path.join(upper, 'etc/gone'), 'c', '0', '0']);
    execFileSync('mkfifo', [path.join(upper, 'pipe')]);
    fs.mkdirSync(path.join(upper, 'tmp'), { mode: 0o1777 });
    fs.chmodSync(path.join(upper, 'tmp'), 0o1777);
    fs.writeFileSync(path.join(upper, 'etc/hostname'), 'init layer: left out');

    const staged = await store.stageRw('c1');
    assert.ok(staged);
    const layer = await store.registerStaged(null, staged);
    // save's tar hashes to the diff ID, and unpacking it gives the very same tree
    const { stream } = await store.tarLayer(layer.chainId);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    const tar = Buffer.concat(chunks);
    assert.equal(`sha256:${createHash('sha256').update(tar).digest('hex')}`, layer.diffId);
    await store.createRw('c2', null);
    const viaTar = await store.register(null, Readable.from([tar]));
    assert.equal(viaTar.chainId, layer.chainId);
    // and it is what the tar path (rwDiffTar, then unpack) makes of the upper dir
    const other = new OverlayLayerStore(db, path.join(root, 'other'));
    await other.open();
    const old = await other.register(null, (await rwDiffTar(upper)).tar);
    const got = describe(store.diffDir(layer.chainId));
    assert.deepEqual(got, describe(other.diffDir(old.chainId)));
    assert.ok(got.some((l) => l.startsWith('etc/passwd-hard ') && l.endsWith('nlink=2')));
    assert.ok(got.some((l) => l.startsWith('bin/tool mode=104755 1000:100 ')), 'set-uid and owner');
    assert.ok(got.some((l) => l.startsWith('shared/f mode=100640 0:0 ')), 'owner under a set-gid directory');
    assert.ok(got.some((l) => l.startsWith('etc/gone mode=20') && l.includes('rdev=0')), 'whiteout');
    assert.ok(got.some((l) => l.startsWith('opq ') && l.includes('opaque=y')), 'opaque');
    assert.ok(!got.some((l) => l.startsWith('etc/hostname')));
    assert.equal(await store.stageRw('c2'), null, 'nothing changed');
  } finally {
    db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
