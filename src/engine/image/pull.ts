import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable, Transform, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { AuthConfig, ProgressMessage } from '../../api-types';
import {
  type ImageConfigJson, type ImageLayers, type ImageRecord, type NamedReference, chainIdOf, familiarName, familiarString,
  fullName, parseDigest, parseNormalizedNamed, storageKey,
} from '../../image';
import {
  BlobDownload, type Credentials, type Descriptor, type GrowingFile, MEDIA, type ImageManifest, type ManifestIndex, type Platform, type RepositoryClient,
  formatPlatform, isImageManifest, isIndex, parsePlatform, platformMatches, selectManifest,
} from '../../registry';
import type { LayerStore, StagedLayer } from '../../layer';
import { InvalidParameterError, NotFoundError, errorMessage } from '../../util/errors';
import type { EventBus } from '../events/bus';
import { type RegistryAccess, credentialsOf, registryFailure } from './registry-access';
import { Throttle, errorMsg, progressMsg, shortDigest, statusMsg } from './progress';

/** layers unpacked at once (each inflates, hashes and writes files as its blob arrives) */
const STAGE_CONCURRENCY = 3;
const GZIP_LAYERS = new Set<string>([MEDIA.dockerLayer, MEDIA.ociLayerGzip]);
/**
 * Inflated chunk size: zlib's 16 KiB default meant a thread-pool round trip per 16 KiB for
 * the inflate and again for each file write (tens of thousands per image); 1 MiB: hundreds
 */
const INFLATE_CHUNK = 1 << 20;

/** What a pull needs of the layer store: layers are staged as they arrive, registered at the end. */
export type PullLayers = ImageLayers & Pick<LayerStore, 'stage' | 'registerStaged' | 'discardStaged'>;

/** What a pull needs of the image store (LocalImageStore has it). */
export interface PullTarget {
  addImage(config: Buffer, chainIds: string[], opts?: { reference?: string }): ImageRecord;
  tryResolve(ref: string): ImageRecord | null;
}

export interface PullOptions {
  tag?: string;
  platform?: string;
  auth?: AuthConfig;
}

/**
 * docker pull: manifest (an index resolved for the platform), config, then the layers.
 * Layers download concurrently into content/tmp, each verified against its digest and
 * size; each is staged in the layer store (unpacked without its parent) while it streams
 * in, then all are registered in chain order. The image is recorded only when every layer
 * is registered and its diff ID matches the config; on failure nothing is registered (and
 * layers this pull registered are released), so the store is as it was. A download cut short stays in tmp/ and is resumed by the next pull.
 */
export class ImagePuller {
  /** downloads in flight, by blob digest: two pulls of one layer share the download */
  private readonly inflight = new Map<string, { dl: BlobDownload; users: number }>();

  constructor(
    private readonly images: PullTarget,
    private readonly layers: PullLayers,
    private readonly access: RegistryAccess,
    private readonly events: EventBus,
  ) {}

  pull(fromImage: string, opts: PullOptions, abort?: AbortSignal): Readable {
    const out = new PassThrough({ objectMode: true });
    let started = false;
    const emit = (m: ProgressMessage): void => {
      started = true;
      if (!out.destroyed) out.write(m);
    };
    const ctl = new AbortController();
    abort?.addEventListener('abort', () => ctl.abort());
    out.on('close', () => ctl.abort());
    void (async () => {
      const ref = parseRef(fromImage, opts.tag);
      const creds = credentialsOf(opts.auth);
      const platform = parsePlatform(opts.platform);
      const repo = this.access.client.repo({ domain: ref.domain, path: ref.path }, creds);
      if (ref.tag === undefined && ref.digest === undefined) {
        // no tag: every tag of the repository (docker pull --all-tags)
        const tags = await repo.tags().catch((e: unknown) => { throw registryFailure(e, ref, 'pull'); });
        let fresh = false;
        for (const tag of tags) fresh = (await this.pullOne(repo, { ...ref, tag }, platform, creds, emit, ctl.signal, Boolean(opts.platform))) || fresh;
        emit(statusMsg(`Status: ${fresh ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarName(ref)}`));
      } else {
        await this.pullOne(repo, ref, platform, creds, emit, ctl.signal, Boolean(opts.platform));
      }
      out.end();
    })().catch((e: unknown) => {
      if (!started) out.destroy(e instanceof Error ? e : new Error(String(e)));
      else out.end(errorMsg(errorMessage(e)));
    });
    return out;
  }

  /** Pulls one tag or digest; true when it changed what the reference names. */
  private async pullOne(repo: RepositoryClient, ref: NamedReference, want: Platform, _creds: Credentials, emit: (m: ProgressMessage) => void, signal: AbortSignal, explicitPlatform: boolean): Promise<boolean> {
    const tagOrDigest = ref.digest ?? ref.tag ?? 'latest';
    let top;
    try {
      top = await repo.getManifest(tagOrDigest);
    } catch (e) {
      throw registryFailure(e, ref, 'pull');
    }
    let manifestBytes = top.bytes;
    let mediaType = top.mediaType;
    if (isIndex(mediaType)) {
      const index = JSON.parse(top.bytes.toString()) as ManifestIndex;
      const pick = selectManifest(index.manifests ?? [], want);
      if (!pick) throw new NotFoundError(`no matching manifest for ${formatPlatform(want)} in the manifest list entries`);
      const m = await repo.getManifest(pick.digest).catch((e: unknown) => { throw registryFailure(e, ref, 'pull'); });
      manifestBytes = m.bytes;
      mediaType = m.mediaType;
    }
    if (!isImageManifest(mediaType)) throw new InvalidParameterError(`unsupported manifest media type ${mediaType} for ${familiarString(ref)}`);
    const manifest = JSON.parse(manifestBytes.toString()) as ImageManifest;
    if (!manifest.config?.digest || !Array.isArray(manifest.layers)) throw new InvalidParameterError(`invalid manifest for ${familiarString(ref)}`);
    emit(statusMsg(`Pulling from ${ref.path}`, tagOrDigest));

    const configBytes = await repo.getBlobBytes(manifest.config.digest).catch((e: unknown) => { throw registryFailure(e, ref, 'pull'); });
    const config = JSON.parse(configBytes.toString()) as ImageConfigJson;
    if (explicitPlatform && !isIndex(top.mediaType) && !platformMatches(want, { os: config.os, architecture: config.architecture, variant: config.variant })) {
      throw new NotFoundError(`image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant })}`);
    }
    const diffIds = config.rootfs?.diff_ids ?? [];
    const layerDescs = manifest.layers.filter((l) => !/foreign/.test(l.mediaType));
    if (diffIds.length !== layerDescs.length) {
      throw new InvalidParameterError(`invalid image ${familiarString(ref)}: config lists ${diffIds.length} layers, manifest ${layerDescs.length}`);
    }
    const repoName = fullName(ref);
    const chainIds: string[] = [];
    for (let i = 0; i < diffIds.length; i++) chainIds.push(chainIdOf(i ? chainIds[i - 1] : null, diffIds[i]));
    const before = this.images.tryResolve(storageKey(ref.digest ? ref : { ...ref, tag: tagOrDigest }));
    await this.fetchLayers(repo, repoName, layerDescs, diffIds, chainIds, emit, signal);

    const digest = top.digest;
    const tagKey = ref.digest === undefined ? storageKey(ref) : undefined;
    let img = this.images.addImage(configBytes, chainIds, { reference: tagKey });
    img = this.images.addImage(configBytes, chainIds, { reference: `${repoName}@${digest}` });
    emit(statusMsg(`Digest: ${digest}`));
    const shown = familiarString(ref.digest ? { domain: ref.domain, path: ref.path, digest } : ref);
    emit(statusMsg(before?.id === img.id ? `Status: Image is up to date for ${shown}` : `Status: Downloaded newer image for ${shown}`));
    this.events.publish('image', 'pull', familiarString(ref), { name: familiarString(ref) });
    return before?.id !== img.id;
  }

  /**
   * Every layer the store lacks: each downloads (verified as it streams) and is staged
   * (inflated and unpacked without its parent) while it arrives, several at once; once all
   * are staged and match the config's diff IDs they are registered in chain order. Any
   * failure discards what was staged: nothing is registered.
   */
  private async fetchLayers(repo: RepositoryClient, repoName: string, descs: Descriptor[], diffIds: string[], chainIds: string[], emit: (m: ProgressMessage) => void, signal: AbortSignal): Promise<void> {
    const missing: number[] = [];
    for (let i = 0; i < descs.length; i++) {
      if (this.layers.get(chainIds[i])) emit(statusMsg('Already exists', shortDigest(descs[i].digest)));
      else missing.push(i);
    }
    if (missing.length === 0) return;
    for (const i of missing) emit(statusMsg('Pulling fs layer', shortDigest(descs[i].digest)));
    const throttle = new Throttle();
    const limit = Math.max(1, this.access.concurrency);
    const downloadSlots = new Semaphore(limit);
    const stageSlots = new Semaphore(Math.max(1, STAGE_CONCURRENCY));
    const ctl = new AbortController();
    const onAbort = (): void => ctl.abort();
    signal.addEventListener('abort', onAbort);
    for (const i of missing.slice(limit)) emit(statusMsg('Waiting', shortDigest(descs[i].digest)));

    const held: string[] = [];
    const staged = new Map<number, StagedLayer>();
    const fetchOne = async (i: number): Promise<void> => {
      const d = descs[i];
      const id = shortDigest(d.digest);
      const freeDownload = await downloadSlots.take();
      let dl: BlobDownload;
      try {
        if (ctl.signal.aborted) throw new Error('pull cancelled');
        dl = this.startDownload(repo, d, ctl.signal);
        held.push(d.digest);
      } catch (e) {
        freeDownload();
        throw e;
      }
      const onGrow = (): void => {
        if (dl.written < d.size && throttle.due(id, false)) emit(progressMsg('Downloading', id, dl.written, d.size));
      };
      dl.on('grow', onGrow);
      const downloaded = dl.done.then(() => {
        emit(statusMsg('Verifying Checksum', id));
        emit(statusMsg('Download complete', id));
      }).finally(() => {
        dl.off('grow', onGrow);
        freeDownload();
      });
      // the stage reads the blob as it arrives; its stream ends only once the digest matched
      const freeStage = await stageSlots.take();
      try {
        if (ctl.signal.aborted) throw new Error('pull cancelled');
        const blob = this.extracting(dl, id, emit, throttle);
        const s = await this.layers.stage(GZIP_LAYERS.has(d.mediaType) ? inflate(blob) : blob).catch(async (e: unknown) => {
          if (ctl.signal.aborted) throw e;
          // corrupt bytes may break the inflater before the digest is checked: the blob's verdict says why
          throw (await dl.done.then(() => null, (x: unknown) => x)) ?? e;
        });
        staged.set(i, s);
        await downloaded;
        if (s.diffId !== diffIds[i]) {
          throw new InvalidParameterError(`filesystem layer verification failed for digest ${d.digest}: diff ID ${s.diffId}, the config says ${diffIds[i]}`);
        }
        emit(progressMsg('Extracting', id, dl.written, dl.written));
      } finally {
        freeStage();
        void downloaded.catch(() => undefined);
      }
    };
    const created: string[] = [];
    try {
      // the first failure stops the others and is the one reported, once every task has stopped
      let failure: { error: unknown } | null = null;
      await Promise.all(missing.map((i) => fetchOne(i).catch((e: unknown) => {
        failure ??= { error: e };
        ctl.abort();
      })));
      if (failure) throw (failure as { error: unknown }).error;
      for (const i of missing) {
        const s = staged.get(i) as StagedLayer;
        const got = await this.layers.registerStaged(i ? chainIds[i - 1] : null, s);
        staged.delete(i);
        created.push(got.chainId);
        const d = descs[i];
        this.access.metadata.add(got.diffId, { digest: d.digest, size: d.size, mediaType: d.mediaType }, repoName);
        emit(statusMsg('Pull complete', shortDigest(d.digest)));
      }
    } catch (e) {
      for (const s of staged.values()) await this.layers.discardStaged(s).catch(() => undefined);
      for (const c of [...new Set(created)].reverse()) {
        if (!this.layers.get(c)) continue;
        this.layers.retain(c);
        await this.layers.release(c);
      }
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const dg of held) this.finishDownload(dg);
    }
  }

  /** The layer's stream for the layer store; "Extracting" progress once it is all here. */
  private extracting(file: GrowingFile, id: string, emit: (m: ProgressMessage) => void, throttle: Throttle): Readable {
    let read = 0;
    let complete = false;
    void file.done.then(() => { complete = true; }, () => undefined);
    const count = new Transform({
      transform(chunk: Buffer, _e, cb) {
        read += chunk.length;
        if (complete && read < file.written && throttle.due(id, false)) emit(progressMsg('Extracting', id, read, file.written));
        cb(null, chunk);
      },
    });
    const src = file.reader();
    src.on('error', (e) => count.destroy(e));
    count.on('close', () => src.destroy());
    return src.pipe(count);
  }

  private startDownload(repo: RepositoryClient, d: Descriptor, signal: AbortSignal): BlobDownload {
    const hit = this.inflight.get(d.digest);
    if (hit) { hit.users++; return hit.dl; }
    fs.mkdirSync(this.access.tmpDir, { recursive: true, mode: 0o700 });
    // a partial download of an earlier pull is resumed from where it stopped
    const file = path.join(this.access.tmpDir, `blob-${parseDigest(d.digest).replace(/^sha256:/, '')}`);
    const dl = new BlobDownload(repo, d.digest, d.size, file, { signal });
    this.inflight.set(d.digest, { dl, users: 1 });
    return dl;
  }

  private finishDownload(digest: string): void {
    const hit = this.inflight.get(digest);
    if (!hit || --hit.users > 0) return;
    this.inflight.delete(digest);
    // complete blobs are not kept (the layer store has the content); partial ones are, to resume
    void hit.dl.done.then(() => fs.promises.rm(hit.dl.file, { force: true }), () => undefined);
  }
}

/** fromImage and tag as the API gives them: tag may be a digest; no tag at all = every tag. */
function parseRef(fromImage: string, tag: string | undefined): NamedReference {
  const ref = parseNormalizedNamed(fromImage);
  if (tag) {
    if (/^[a-z0-9]+:[a-f0-9]{32,}$/.test(tag)) return { domain: ref.domain, path: ref.path, digest: parseDigest(tag) };
    return { domain: ref.domain, path: ref.path, tag };
  }
  return ref;
}

/** At most n holders at once; take() resolves with the function that gives the slot back. */
class Semaphore {
  private running = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly n: number) {}
  async take(): Promise<() => void> {
    if (this.running >= this.n) await new Promise<void>((r) => this.queue.push(r));
    else this.running++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const next = this.queue.shift();
      if (next) next();
      else this.running--;
    };
  }
}

/** A gzip blob inflated in large chunks (the layer store sniffs and takes plain tars as they are). */
function inflate(blob: Readable): Readable {
  return pipeline(blob, createGunzip({ chunkSize: INFLATE_CHUNK }), () => { /* errors reach the layer store through the last stream */ });
}
