import { createHash } from 'node:crypto';
import { PassThrough, type Readable, Transform } from 'node:stream';
import { constants as zc, createGzip } from 'node:zlib';
import type { AuthConfig, ProgressMessage } from '../../api-types';
import {
  type ImageRecord, type NamedReference, familiarName, familiarString, fullName, parseNormalizedNamed, parseReference, storageKey,
} from '../../image';
import type { LayerStore } from '../../layer';
import { type Descriptor, MEDIA, type RepositoryClient } from '../../registry';
import { NotFoundError, errorMessage } from '../../util/errors';
import type { EventBus } from '../events/bus';
import { type RegistryAccess, credentialsOf, registryFailure } from './registry-access';
import { Throttle, errorMsg, progressMsg, shortDigest, statusMsg } from './progress';

/** What a push needs of the image store (LocalImageStore has it). */
export interface PushSource {
  list(): ImageRecord[];
  resolve(ref: string): ImageRecord;
  configBytes(id: string): Buffer;
  addImage(config: Buffer, chainIds: string[], opts?: { reference?: string }): ImageRecord;
}

/**
 * docker push: each layer is uploaded only when the repository lacks it. A layer pulled or
 * pushed before has its compressed blob recorded (distribution metadata): a HEAD finds it
 * in this repository, a cross-repository mount links it from another one on the same
 * registry; otherwise the layer's tar is gzipped as it is uploaded (chunked, its digest
 * learnt on the way). The config follows, the manifest (Docker v2 schema 2) last, so a
 * reader never sees a manifest whose blobs are missing.
 */
export class ImagePusher {
  constructor(
    private readonly images: PushSource,
    private readonly layers: Pick<LayerStore, 'tarLayer' | 'get'>,
    private readonly access: RegistryAccess,
    private readonly events: EventBus,
  ) {}

  push(name: string, opts: { tag?: string; auth?: AuthConfig }, abort?: AbortSignal): Readable {
    const out = new PassThrough({ objectMode: true });
    let started = false;
    const emit = (m: ProgressMessage): void => {
      started = true;
      if (!out.destroyed) out.write(m);
    };
    void (async () => {
      const parsed = parseNormalizedNamed(name);
      const ref: NamedReference = { domain: parsed.domain, path: parsed.path, tag: opts.tag || parsed.tag };
      const repoName = fullName(ref);
      // no tag: every local tag of the repository (docker push --all-tags)
      const targets = ref.tag !== undefined
        ? [{ tag: ref.tag, img: this.images.resolve(storageKey(ref)) }]
        : this.images.list().flatMap((img) => img.repoTags.map(parseReference).filter((r) => fullName(r) === repoName && r.tag).map((r) => ({ tag: r.tag as string, img })));
      if (targets.length === 0) throw new NotFoundError(`An image does not exist locally with the tag: ${familiarName(ref)}`);
      const repo = this.access.client.repo({ domain: ref.domain, path: ref.path }, credentialsOf(opts.auth), 'push');
      await repo.ping().catch((e: unknown) => { throw registryFailure(e, ref, 'push'); });
      emit(statusMsg(`The push refers to repository [${fullName(ref)}]`));
      for (const t of targets.sort((a, b) => a.tag.localeCompare(b.tag))) {
        if (abort?.aborted) throw new Error('push cancelled');
        await this.pushOne(repo, { ...ref, tag: t.tag }, t.img, emit).catch((e: unknown) => { throw registryFailure(e, ref, 'push'); });
      }
      out.end();
    })().catch((e: unknown) => {
      if (!started) out.destroy(e instanceof Error ? e : new Error(String(e)));
      else out.end(errorMsg(errorMessage(e)));
    });
    return out;
  }

  private async pushOne(repo: RepositoryClient, ref: NamedReference, img: ImageRecord, emit: (m: ProgressMessage) => void): Promise<void> {
    const repoName = fullName(ref);
    const diffIds = img.config.rootfs.diff_ids;
    // Docker lists the top layer first
    const order = diffIds.map((_, i) => i).reverse();
    for (const i of order) emit(statusMsg('Preparing', shortDigest(diffIds[i])));
    const limit = Math.max(1, this.access.concurrency);
    for (const i of order.slice(limit)) emit(statusMsg('Waiting', shortDigest(diffIds[i])));
    const descs: Descriptor[] = new Array(diffIds.length);
    const throttle = new Throttle();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < order.length) {
        const i = order[next++];
        descs[i] = await this.pushLayer(repo, repoName, img.chainIds[i], diffIds[i], emit, throttle);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, order.length) }, worker));

    const config = this.images.configBytes(img.id);
    const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
    if ((await repo.headBlob(configDigest)) === null) await repo.uploadBytes(configDigest, config);
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.dockerManifest,
      config: { mediaType: MEDIA.dockerConfig, size: config.length, digest: configDigest },
      layers: descs.map((d) => ({ mediaType: d.mediaType, size: d.size, digest: d.digest })),
    }, null, 3));
    const digest = await repo.putManifest(ref.tag as string, MEDIA.dockerManifest, manifest);
    this.images.addImage(config, img.chainIds, { reference: `${repoName}@${digest}` });
    emit(statusMsg(`${ref.tag}: digest: ${digest} size: ${manifest.length}`));
    emit({ progressDetail: {}, aux: { Tag: ref.tag, Digest: digest, Size: manifest.length } });
    this.events.publish('image', 'push', familiarString(ref), { name: familiarString(ref) });
  }

  private async pushLayer(repo: RepositoryClient, repoName: string, chainId: string, diffId: string, emit: (m: ProgressMessage) => void, throttle: Throttle): Promise<Descriptor> {
    const id = shortDigest(diffId);
    const known = this.access.metadata.blobsOf(diffId).filter((b) => b.mediaType !== MEDIA.ociLayer);
    const domain = repo.repo.domain;
    // this repository first, then others of the same registry (mountable), newest first
    for (const b of known) {
      if (!b.repos.includes(repoName)) continue;
      if ((await repo.headBlob(b.digest)) !== null) {
        emit(statusMsg('Layer already exists', id));
        return { mediaType: b.mediaType, digest: b.digest, size: b.size };
      }
    }
    for (const b of known) {
      for (const from of [...b.repos].reverse()) {
        if (from === repoName || !from.startsWith(`${domain}/`)) continue;
        const path = from.slice(domain.length + 1);
        const r = await repo.mountBlob(b.digest, path).catch(() => null);
        if (r?.mounted) {
          this.access.metadata.add(diffId, b, repoName);
          emit(statusMsg(`Mounted from ${path}`, id));
          return { mediaType: b.mediaType, digest: b.digest, size: b.size };
        }
      }
      if ((await repo.headBlob(b.digest)) !== null) {
        this.access.metadata.add(diffId, b, repoName);
        emit(statusMsg('Layer already exists', id));
        return { mediaType: b.mediaType, digest: b.digest, size: b.size };
      }
    }
    const { size: total, stream } = await this.layers.tarLayer(chainId);
    let read = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        read += chunk.length;
        if (throttle.due(id, read === total)) emit(progressMsg('Pushing', id, read, total));
        cb(null, chunk);
      },
    });
    // level 1: the registry's bytes cost less than the CPU of a tighter gzip on every push
    const gz = createGzip({ level: zc.Z_BEST_SPEED });
    stream.on('error', (e) => gz.destroy(e));
    const up = await repo.uploadStream(stream.pipe(counter).pipe(gz));
    const blob = { digest: up.digest, size: up.size, mediaType: MEDIA.dockerLayer };
    this.access.metadata.add(diffId, blob, repoName);
    emit(statusMsg('Pushed', id));
    return blob;
  }
}
