import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { InvalidParameterError } from '../../util/errors';
import { readArchiveFile, resolveIn } from './extract';
import { type Descriptor, MEDIA } from './save';

/**
 * Reads an unpacked image archive: Docker's manifest.json when present (what docker save
 * and skopeo's docker-archive write), else the OCI layout's index.json (oci-archive),
 * following nested indexes. Blobs named by digest are checked against it.
 */

export interface ArchiveImage {
  config: Buffer;
  /** references to tag the image with, as written ("busybox:latest", "docker.io/x/y:1") */
  refs: string[];
  /** absolute paths of the layer files, bottom first (possibly compressed) */
  layers: string[];
}

function bad(msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid image archive: ${msg}`);
}

function parseJson<T>(data: Buffer, what: string): T {
  try {
    return JSON.parse(data.toString('utf8')) as T;
  } catch {
    throw bad(`${what} is not valid JSON`);
  }
}

const DIGEST = /^sha256:([a-f0-9]{64})$/;

function blobFile(dir: string, digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw bad(`unsupported digest "${digest}"`);
  return resolveIn(dir, `blobs/sha256/${m[1]}`);
}

/** A blob small enough to hold in memory (configs, manifests), verified against its digest. */
function readBlob(dir: string, d: Descriptor): Buffer {
  const m = DIGEST.exec(d.digest ?? '');
  if (!m) throw bad(`unsupported digest "${d.digest}"`);
  const data = readArchiveFile(dir, `blobs/sha256/${m[1]}`);
  if (createHash('sha256').update(data).digest('hex') !== m[1]) throw bad(`blob ${d.digest} does not match its digest`);
  return data;
}

export function parseArchive(dir: string): ArchiveImage[] {
  if (fs.existsSync(resolveIn(dir, 'manifest.json'))) return parseDockerManifest(dir);
  if (fs.existsSync(resolveIn(dir, 'index.json'))) return parseOciLayout(dir);
  throw bad('no manifest.json or index.json found (is it a docker save or OCI archive?)');
}

interface DockerManifestEntry { Config?: unknown; RepoTags?: unknown; Layers?: unknown }

function parseDockerManifest(dir: string): ArchiveImage[] {
  const list = parseJson<DockerManifestEntry[]>(readArchiveFile(dir, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(list)) throw bad('manifest.json is not a list');
  return list.map((e, i) => {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers) || !e.Layers.every((l) => typeof l === 'string')) {
      throw bad(`manifest.json entry ${i} lacks Config or Layers`);
    }
    const refs = Array.isArray(e.RepoTags) ? e.RepoTags.filter((t): t is string => typeof t === 'string') : [];
    return { config: readArchiveFile(dir, e.Config), refs, layers: (e.Layers as string[]).map((l) => resolveIn(dir, l)) };
  });
}

interface OciIndex { manifests?: Descriptor[] }
interface OciManifest { mediaType?: string; config?: Descriptor; layers?: Descriptor[]; manifests?: Descriptor[] }

const hostArch = (): string => ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;

function isIndex(d: Descriptor, body?: OciManifest): boolean {
  return d.mediaType === MEDIA.ociIndex || d.mediaType === MEDIA.dockerManifestList || (!d.mediaType && Array.isArray(body?.manifests));
}

function parseOciLayout(dir: string): ArchiveImage[] {
  const index = parseJson<OciIndex>(readArchiveFile(dir, 'index.json'), 'index.json');
  if (!Array.isArray(index.manifests)) throw bad('index.json has no manifests');
  const byId = new Map<string, ArchiveImage>();
  for (const d of index.manifests) {
    const img = resolveManifest(dir, d, 0);
    if (!img) continue;
    const id = createHash('sha256').update(img.config).digest('hex');
    const seen = byId.get(id) ?? img;
    const a = d.annotations ?? {};
    const name = a['io.containerd.image.name'] ?? (a['org.opencontainers.image.ref.name']?.includes(':') || a['org.opencontainers.image.ref.name']?.includes('/') ? a['org.opencontainers.image.ref.name'] : undefined);
    if (name && !seen.refs.includes(name)) seen.refs.push(name);
    byId.set(id, seen);
  }
  if (byId.size === 0) throw bad('index.json names no image for this platform');
  return [...byId.values()];
}

/** One image for a manifest descriptor; an index picks the host's platform (or its only entry). */
function resolveManifest(dir: string, d: Descriptor, depth: number): ArchiveImage | null {
  if (depth > 4) throw bad('indexes nested too deeply');
  const body = parseJson<OciManifest>(readBlob(dir, d), `manifest ${d.digest}`);
  if (isIndex(d, body)) {
    const entries = body.manifests ?? [];
    const pick = entries.find((m) => !m.platform || (m.platform.os === 'linux' && m.platform.architecture === hostArch())) ?? (entries.length === 1 ? entries[0] : undefined);
    return pick ? resolveManifest(dir, pick, depth + 1) : null;
  }
  if (!body.config || !Array.isArray(body.layers)) throw bad(`manifest ${d.digest} lacks config or layers`);
  return { config: readBlob(dir, body.config), refs: [], layers: body.layers.map((l) => blobFile(dir, l.digest)) };
}
