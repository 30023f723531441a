import { PassThrough, Readable } from 'node:stream';
import type { ImageDeleteResponseItem, ImageHistoryItem, ImageInspect, ImagePruneResponse, ImageSummary, ProgressMessage } from '../../api-types';
import type { ImageRecord, ImageStore, ImageUserRef } from '../../image';
import { familiarize } from '../../image';
import { InvalidParameterError, SystemError, errorMessage } from '../../util/errors';
import type { Filters, ImageBackend } from '../backends';
import { labelMatch } from '../label-filter';
import type { ContainerRegistry } from '../container/registry';
import type { EventBus } from '../events/bus';
import type { ImageArchives } from './archive';
import { imageHistory } from './history';
import { pruneImages } from './prune';

const IMAGE_FILTERS = new Set(['dangling', 'label', 'before', 'since', 'reference']);

/** The API's view of images; rmi consults the containers, which only the engine knows. */
export class ImageService implements ImageBackend {
  constructor(private readonly images: ImageStore, private readonly containers: ContainerRegistry, private readonly events: EventBus, private readonly archives?: ImageArchives) {}

  async list(opts: { all: boolean; filters: Filters; digests: boolean }): Promise<ImageSummary[]> {
    const f = opts.filters;
    for (const k of Object.keys(f)) if (!IMAGE_FILTERS.has(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
    for (const d of f.dangling ?? []) {
      if (!['true', 'false', '1', '0'].includes(d)) throw new InvalidParameterError(`Invalid filter 'dangling=${d}'`);
    }
    const createdOf = (ref: string): number => created(this.images.resolve(ref));
    const before = f.before?.length ? createdOf(f.before[0]) : null;
    const since = f.since?.length ? createdOf(f.since[0]) : null;
    const out: ImageSummary[] = [];
    const all = this.images.list();
    // Docker hides intermediate images (untagged, with children: a build's steps) unless -a
    const parents = new Set(all.map((i) => i.parent).filter((p) => p !== ''));
    for (const img of all) {
      const tags = img.repoTags.map(familiarize);
      const dangling = tags.length === 0;
      if (!opts.all && dangling && img.repoDigests.length === 0 && parents.has(img.id)) continue;
      if (f.dangling?.length && (f.dangling[0] === 'true' || f.dangling[0] === '1') !== dangling) continue;
      if (f.label?.length && !f.label.every((l) => labelMatch(img.config.config?.Labels ?? {}, l))) continue;
      if (before !== null && created(img) >= before) continue;
      if (since !== null && created(img) <= since) continue;
      let shownTags = tags;
      if (f.reference?.length) {
        shownTags = tags.filter((t) => f.reference.some((r) => referenceMatch(r, t)));
        if (shownTags.length === 0) continue;
      }
      const digests = img.repoDigests.map(familiarize);
      out.push({
        Id: img.id,
        ParentId: img.parent,
        RepoTags: shownTags.length ? shownTags : ['<none>:<none>'],
        RepoDigests: digests.length ? digests : (shownTags.length ? [] : ['<none>@<none>']),
        Created: Math.floor(created(img) / 1000),
        Size: img.size,
        SharedSize: -1,
        VirtualSize: img.size,
        Labels: img.config.config?.Labels ?? null,
        Containers: -1,
      });
    }
    return out.sort((a, b) => b.Created - a.Created);
  }

  async inspect(ref: string): Promise<ImageInspect> {
    const img = this.images.resolve(ref);
    const c = img.config;
    return {
      Id: img.id,
      RepoTags: img.repoTags.map(familiarize),
      RepoDigests: img.repoDigests.map(familiarize),
      Parent: img.parent,
      Comment: c.comment ?? '',
      Created: c.created ?? '0001-01-01T00:00:00Z',
      Container: c.container ?? '',
      ContainerConfig: c.container_config ?? null,
      DockerVersion: c.docker_version ?? '',
      Author: c.author ?? '',
      Config: c.config ?? {},
      Architecture: c.architecture,
      Variant: c.variant,
      Os: c.os,
      Size: img.size,
      VirtualSize: img.size,
      GraphDriver: { Name: 'overlay2', Data: {} },
      RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
      Metadata: { LastTagTime: img.lastTagTime || '0001-01-01T00:00:00Z' },
    };
  }

  import(source: Readable | string, opts: { repo?: string; tag?: string; changes: string[]; message?: string; platform?: string }): Readable {
    const out = new PassThrough({ objectMode: true });
    const reference = opts.repo ? (opts.tag ? `${opts.repo}:${opts.tag}` : opts.repo) : undefined;
    const body = typeof source === 'string' ? download(source, out) : Promise.resolve(source);
    body.then((tar) => this.images.import(tar, { reference, changes: opts.changes, message: opts.message ?? (typeof source === 'string' ? `Imported from ${source}` : undefined), platform: opts.platform }))
      .then((img) => {
        this.events.publish('image', 'import', img.id, { name: img.id });
        if (reference) this.events.publish('image', 'tag', img.id, { name: familiarize(img.repoTags[0] ?? reference) });
        out.end({ status: img.id } satisfies ProgressMessage);
      }, (e: unknown) => {
        const message = errorMessage(e);
        out.end({ error: message, errorDetail: { message } } satisfies ProgressMessage);
      });
    return out;
  }

  async tag(ref: string, repo: string, tag?: string): Promise<void> {
    const img = this.images.resolve(ref);
    const target = tag ? `${repo}:${tag}` : repo;
    this.images.tag(img.id, target);
    this.events.publish('image', 'tag', img.id, { name: familiarize(target) });
  }

  async remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<ImageDeleteResponseItem[]> {
    const users = (imageId: string): ImageUserRef => {
      const using = this.containers.all().filter((c) => c.image === imageId);
      if (using.length === 0) return null;
      const running = using.find((c) => c.state.Running);
      return running ? { containerId: running.id, running: true } : using[0].id;
    };
    const items = await this.images.remove(ref, opts, users);
    for (const it of items) {
      if (it.Untagged) this.events.publish('image', 'untag', it.Untagged, { name: it.Untagged });
      if (it.Deleted) this.events.publish('image', 'delete', it.Deleted, { name: it.Deleted });
    }
    return items;
  }

  async history(ref: string): Promise<ImageHistoryItem[]> {
    return imageHistory(this.images, ref);
  }

  async prune(filters: Filters): Promise<ImagePruneResponse> {
    const r = await pruneImages(this.images, filters, (ref) => this.remove(ref, { force: false, noPrune: false }));
    this.events.publish('image', 'prune', '', { reclaimed: String(r.SpaceReclaimed) });
    return r;
  }

  save(refs: string[]): Readable {
    if (!this.archives) throw new SystemError('save is not available');
    return this.archives.save(refs);
  }

  load(body: Readable, quiet: boolean): Readable {
    if (!this.archives) throw new SystemError('load is not available');
    return this.archives.load(body, quiet);
  }
}

/** fromSrc=URL: Docker downloads the archive itself, reporting progress as it goes. */
async function download(url: string, progress: PassThrough): Promise<Readable> {
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z]+:\/\//i.test(url) ? url : `http://${url}`);
  } catch {
    throw new InvalidParameterError(`invalid URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidParameterError(`unsupported URL scheme: ${parsed.protocol}`);
  const res = await fetch(parsed);
  if (!res.ok || !res.body) throw new InvalidParameterError(`Get "${parsed.href}": bad response status ${res.status} ${res.statusText}`);
  const total = Number(res.headers.get('content-length') ?? 0);
  let current = 0;
  const stream = Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0]);
  stream.on('data', (b: Buffer) => {
    current += b.length;
    progress.write({ status: 'Importing', progressDetail: { current, total: total || undefined } } satisfies ProgressMessage);
  });
  return stream;
}

function created(img: ImageRecord): number {
  const t = Date.parse(img.config.created ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** Docker's reference filter: a glob over the familiar name, with or without the tag. */
function referenceMatch(pattern: string, tag: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  const name = tag.replace(/:[^:/]+$/, '');
  return re.test(tag) || re.test(name);
}
