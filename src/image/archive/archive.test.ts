import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { InvalidParameterError } from '../../util/errors';
import { extractArchive, resolveIn } from './extract';
import { parseArchive } from './parse';
import { MEDIA, type SaveImage, writeArchive } from './save';

const sha = (b: Buffer | string): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function tarOf(entries: (Partial<tarStream.Header> & { name: string; content?: string | Buffer })[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const done = collect(pack as unknown as Readable);
  for (const { content, ...h } of entries) {
    await new Promise<void>((resolve, reject) => pack.entry(h, content ?? '', (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  return done;
}

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'berth-archive-'));
}

function image(layers: Buffer[], tags: string[], cmd: string): SaveImage {
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: [cmd] }, rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l)) } }));
  return {
    id: sha(config),
    config,
    refs: tags.map((t) => {
      const [n, tag] = t.split(':');
      return { full: `docker.io/library/${t}`, familiar: t, familiarName: n, tag };
    }),
    layers: layers.map((l) => ({ diffId: sha(l), open: async () => ({ size: l.length, stream: Readable.from([l]) }) })),
  };
}

test('save writes manifest.json, repositories and an OCI layout that load reads back', async () => {
  const l1 = Buffer.alloc(1024, 1);
  const l2 = Buffer.alloc(2048, 2);
  const a = image([l1, l2], ['a:1', 'a:2'], 'x');
  const b = image([l1], [], 'y');
  const dir = tmp();
  try {
    await extractArchive(writeArchive([a, b]), dir);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { Config: string; RepoTags: string[]; Layers: string[] }[];
    assert.deepEqual(manifest[0], { Config: `blobs/sha256/${a.id.slice(7)}`, RepoTags: ['a:1', 'a:2'], Layers: [l1, l2].map((l) => `blobs/sha256/${sha(l).slice(7)}`) });
    assert.deepEqual(manifest[1].RepoTags, []);
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'repositories'), 'utf8')), { a: { 1: sha(l2).slice(7), 2: sha(l2).slice(7) } });
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(dir, 'oci-layout'), 'utf8')), { imageLayoutVersion: '1.0.0' });
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations?: Record<string, string> }[] };
    assert.deepEqual(index.manifests.map((m) => m.annotations ?? null), [
      { 'io.containerd.image.name': 'docker.io/library/a:1', 'org.opencontainers.image.ref.name': '1' },
      { 'io.containerd.image.name': 'docker.io/library/a:2', 'org.opencontainers.image.ref.name': '2' },
      null,
    ]);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'blobs/sha256', index.manifests[0].digest.slice(7)), 'utf8')) as { mediaType: string; layers: { digest: string; size: number }[] };
    assert.equal(m.mediaType, MEDIA.ociManifest);
    assert.deepEqual(m.layers.map((l) => l.size), [1024, 2048]);
    // a shared layer is written once
    assert.equal(fs.readdirSync(path.join(dir, 'blobs/sha256')).length, 2 + 2 + 2);

    const docker = parseArchive(dir);
    assert.equal(docker.length, 2);
    assert.ok(docker[0].config.equals(a.config));
    assert.deepEqual(docker[0].refs, ['a:1', 'a:2']);
    assert.ok(fs.readFileSync(docker[0].layers[1]).equals(l2));

    // without manifest.json, the OCI layout alone gives the same images and names
    fs.rmSync(path.join(dir, 'manifest.json'));
    const oci = parseArchive(dir);
    assert.equal(oci.length, 2);
    assert.deepEqual(oci[0].refs, ['docker.io/library/a:1', 'docker.io/library/a:2']);
    assert.ok(oci[1].config.equals(b.config));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('load follows a nested index to the host platform and checks blob digests', async () => {
  const layer = Buffer.from('layer');
  const config = Buffer.from(JSON.stringify({ os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] } }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociManifest, config: { digest: sha(config), size: config.length }, layers: [{ digest: sha(layer), size: layer.length }] }));
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const nested = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [
    { mediaType: MEDIA.ociManifest, digest: sha('other'), size: 5, platform: { os: 'linux', architecture: 'riscv' } },
    { mediaType: MEDIA.ociManifest, digest: sha(manifest), size: manifest.length, platform: { os: 'linux', architecture: arch } },
  ] }));
  const index = { schemaVersion: 2, manifests: [{ mediaType: MEDIA.ociIndex, digest: sha(nested), size: nested.length, annotations: { 'io.containerd.image.name': 'docker.io/x/y:z' } }] };
  const blob = (b: Buffer): { name: string; content: Buffer } => ({ name: `blobs/sha256/${sha(b).slice(7)}`, content: b });
  const dir = tmp();
  try {
    await extractArchive(Readable.from([await tarOf([blob(layer), blob(config), blob(manifest), blob(nested), { name: 'index.json', content: JSON.stringify(index) }])]), dir);
    const [img] = parseArchive(dir);
    assert.deepEqual(img.refs, ['docker.io/x/y:z']);
    assert.ok(img.config.equals(config));
    fs.writeFileSync(path.join(dir, 'blobs/sha256', sha(config).slice(7)), 'tampered');
    assert.throws(() => parseArchive(dir), /does not match its digest/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('archive extraction refuses escapes and bad input with clear errors', async () => {
  const dir = tmp();
  try {
    await assert.rejects(extractArchive(Readable.from([await tarOf([{ name: '../evil', content: 'x' }])]), dir), /escapes the archive/);
    await assert.rejects(extractArchive(Readable.from([await tarOf([{ name: 'l', type: 'symlink', linkname: '/etc' }])]), dir), /points outside/);
    const whole = await tarOf([{ name: 'f', content: 'x'.repeat(5000) }]);
    await assert.rejects(extractArchive(Readable.from([whole.subarray(0, 2000)]), fs.mkdtempSync(path.join(dir, 'x'))), InvalidParameterError);
    await assert.rejects(extractArchive(Readable.from([Buffer.alloc(1024, 7)]), fs.mkdtempSync(path.join(dir, 'y'))), InvalidParameterError);
    // a manifest pointing through a relative symlink out of the archive is refused
    const d2 = fs.mkdtempSync(path.join(dir, 'z'));
    await extractArchive(Readable.from([await tarOf([{ name: 'up', type: 'symlink', linkname: '../../..' }, { name: 'manifest.json', content: JSON.stringify([{ Config: 'up/etc/passwd', Layers: [] }]) }])]), d2);
    assert.throws(() => resolveIn(d2, 'up/etc/passwd'), /escapes the archive/);
    assert.throws(() => parseArchive(d2), /escapes the archive/);
    assert.throws(() => parseArchive(fs.mkdtempSync(path.join(dir, 'e'))), /no manifest.json or index.json/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a reader that goes away mid-save closes the layer being copied; a failing layer fails the stream', async () => {
  const big = Buffer.alloc(1 << 20, 3);
  let opened: Readable | null = null;
  const img = image([big], ['a:1'], 'x');
  img.layers[0].open = async () => {
    opened = new Readable({ read() { /* never ends */ } });
    opened.push(big.subarray(0, 1000));
    return { size: big.length, stream: opened };
  };
  const out = writeArchive([img]);
  for await (const _ of out) { out.destroy(); break; }
  await new Promise((r) => setImmediate(r));
  assert.equal((opened as Readable | null)?.destroyed, true);

  const bad = image([big], ['a:1'], 'y');
  bad.layers[0].open = async () => { throw new Error('layer does not exist: x'); };
  await assert.rejects(collect(writeArchive([bad])), /layer does not exist/);
});
