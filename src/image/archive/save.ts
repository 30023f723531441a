import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import * as tarStream from 'tar-stream';

/**
 * `docker save`'s archive as current Docker writes it: the OCI image layout (oci-layout,
 * index.json, blobs/sha256/<hex> for layers, configs and manifests) plus the Docker
 * archive's manifest.json and repositories, both pointing into blobs/.
 */

export interface SaveLayer {
  diffId: string;
  /** the uncompressed layer tar (its sha256 must be diffId) and its length */
  open(): Promise<{ size: number; stream: Readable }>;
}

export interface SaveImage {
  /** "sha256:<hex>" */
  id: string;
  config: Buffer;
  /** normalised references to record ("docker.io/library/busybox:latest"), in order */
  refs: { full: string; familiar: string; familiarName: string; tag: string }[];
  layers: SaveLayer[];
  created?: string;
}

export const MEDIA = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: { os?: string; architecture?: string; variant?: string } }

const hex = (digest: string): string => digest.replace(/^sha256:/, '');
const blobPath = (digest: string): string => `blobs/sha256/${hex(digest)}`;

/** The OCI manifest of one image, as bytes (its digest names it in index.json). */
export function ociManifest(img: SaveImage, sizes: Map<string, number>): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    config: { mediaType: MEDIA.ociConfig, digest: img.id, size: img.config.length },
    layers: img.layers.map((l) => ({ mediaType: MEDIA.ociLayer, digest: l.diffId, size: sizes.get(l.diffId) ?? 0 })),
  }));
}

/** The small JSON files of the archive: manifest.json, repositories, index.json, oci-layout. */
export function archiveIndexes(images: SaveImage[], sizes: Map<string, number>): { manifests: Map<string, Buffer>; files: [string, Buffer][] } {
  const manifests = new Map<string, Buffer>();
  const index: Descriptor[] = [];
  const manifestJson: { Config: string; RepoTags: string[]; Layers: string[] }[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const img of images) {
    const m = ociManifest(img, sizes);
    const digest = `sha256:${createHash('sha256').update(m).digest('hex')}`;
    manifests.set(digest, m);
    const base = { mediaType: MEDIA.ociManifest, digest, size: m.length };
    if (img.refs.length === 0) index.push(base);
    for (const r of img.refs) {
      index.push({ ...base, annotations: { 'io.containerd.image.name': r.full, 'org.opencontainers.image.ref.name': r.tag } });
      const top = img.layers[img.layers.length - 1];
      if (top) (repositories[r.familiarName] ??= {})[r.tag] = hex(top.diffId);
    }
    manifestJson.push({ Config: blobPath(img.id), RepoTags: img.refs.map((r) => r.familiar), Layers: img.layers.map((l) => blobPath(l.diffId)) });
  }
  const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
  const files: [string, Buffer][] = [
    ['index.json', json({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests: index })],
    ['manifest.json', json(manifestJson)],
    ['oci-layout', json({ imageLayoutVersion: '1.0.0' })],
  ];
  if (Object.keys(repositories).length) files.push(['repositories', json(repositories)]);
  return { manifests, files };
}

/**
 * Streams the archive of `images`; each layer shared by several images is written once.
 * A layer that fails to open or read destroys the stream with that error.
 */
export function writeArchive(images: SaveImage[]): Readable {
  const pack = tarStream.pack();
  const out = new PassThrough();
  pack.on('error', (e: Error) => out.destroy(e));
  pack.pipe(out);
  const mtime = new Date(Date.parse(images[0]?.created ?? '') || 0);
  const put = (name: string, data: Buffer): Promise<void> => new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o644, mtime }, data, (e) => (e ? reject(e) : resolve()));
  });
  const dir = (name: string): Promise<void> => new Promise((resolve, reject) => {
    pack.entry({ name, type: 'directory', mode: 0o755, mtime }, (e) => (e ? reject(e) : resolve()));
  });
  // the layer being copied: closed if the reader goes away mid-way
  let current: Readable | null = null;
  void (async () => {
    await dir('blobs/');
    await dir('blobs/sha256/');
    const written = new Set<string>();
    const sizes = new Map<string, number>();
    for (const img of images) {
      for (const l of img.layers) {
        if (written.has(l.diffId)) continue;
        written.add(l.diffId);
        const { size, stream: src } = await l.open();
        current = src;
        if (out.destroyed) { src.destroy(); return; }
        sizes.set(l.diffId, size);
        await new Promise<void>((resolve, reject) => {
          const entry = pack.entry({ name: blobPath(l.diffId), size, mode: 0o644, mtime }, (e) => (e ? reject(e) : resolve()));
          // a client leaving destroys the pack, which fails the entry: not an uncaught error
          entry.on('error', reject);
          src.on('error', (e) => { entry.destroy(e); reject(e); });
          src.pipe(entry);
        });
      }
      if (!written.has(img.id)) { written.add(img.id); await put(blobPath(img.id), img.config); }
    }
    const { manifests, files } = archiveIndexes(images, sizes);
    for (const [digest, m] of manifests) if (!written.has(digest)) { written.add(digest); await put(blobPath(digest), m); }
    for (const [name, data] of files) await put(name, data);
    pack.finalize();
  })().catch((e: unknown) => { out.destroy(e instanceof Error ? e : new Error(String(e))); pack.destroy(); });
  out.on('close', () => {
    current?.destroy();
    if (!pack.destroyed) pack.destroy();
  });
  return out;
}
