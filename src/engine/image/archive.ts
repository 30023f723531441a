import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, type Readable, Transform } from 'node:stream';
import type { ProgressMessage } from '../../api-types';
import {
  type ImageRecord, type LoadEvent, type LoadLayers, type LoadTarget, type SaveImage, extractArchive, familiarName, familiarString,
  fullName, loadImages, tagNameOnly, parseAnyReference, parseArchive, parseReference, referenceString, writeArchive,
} from '../../image';
import { decompressedTar } from '../../layer';
import type { LayerStore, StagedLayer } from '../../layer';
import { errorMessage } from '../../util/errors';
import type { EventBus } from '../events/bus';

/** What save/load need of the image store (LocalImageStore). */
export interface ArchiveImageStore extends LoadTarget {
  resolve(ref: string): ImageRecord;
  list(): ImageRecord[];
  configBytes(id: string): Buffer;
}

/**
 * docker save / docker load: combines the image store (configs, tags), the layer store
 * (layer tars) and the archive format of src/image/archive. Loads unpack into `tmpDir`
 * (content/tmp, wiped at start), so a killed load leaves nothing behind.
 */
export class ImageArchives {
  constructor(
    private readonly images: ArchiveImageStore,
    private readonly layers: LoadLayers & Pick<LayerStore, 'stage' | 'registerStaged' | 'discardStaged'>,
    private readonly events: EventBus,
    private readonly tmpDir: string,
  ) {}

  /** Throws (before any byte is streamed) when a name does not resolve. */
  save(names: string[]): Readable {
    const byId = new Map<string, { img: ImageRecord; refs: string[] }>();
    const add = (img: ImageRecord, ref: string | null): void => {
      const e = byId.get(img.id) ?? { img, refs: [] };
      if (ref && !e.refs.includes(ref)) e.refs.push(ref);
      byId.set(img.id, e);
    };
    for (const name of names) {
      const any = parseAnyReference(name);
      if (any.kind === 'named' && any.ref.tag === undefined && any.ref.digest === undefined) {
        // a bare repository name saves every tag of it, as docker save does
        let found = false;
        for (const other of this.images.list()) {
          for (const t of other.repoTags) if (fullName(parseReference(t)) === fullName(any.ref)) { add(other, t); found = true; }
        }
        if (found) continue;
      }
      const img = this.images.resolve(name);
      const named = any.kind === 'named' && any.ref.digest === undefined ? referenceString(tagNameOnly(any.ref)) : null;
      // by ID (or a digest reference): no tag goes with it
      add(img, named && this.images.tryResolve(named)?.id === img.id ? named : null);
    }
    const images: SaveImage[] = [...byId.values()].map(({ img, refs }) => ({
      id: img.id,
      config: this.images.configBytes(img.id),
      created: img.config.created,
      refs: refs.map((r) => {
        const p = parseReference(r);
        return { full: r, familiar: familiarString(p), familiarName: familiarName(p), tag: p.tag ?? 'latest' };
      }),
      layers: img.chainIds.map((c, i) => ({ diffId: img.config.rootfs.diff_ids[i], open: () => this.layers.tarLayer(c) })),
    }));
    for (const i of images) this.events.publish('image', 'save', i.id, { name: i.refs[0]?.familiar ?? i.id });
    return writeArchive(images);
  }

  /** objectMode Readable of ProgressMessage; per-layer progress unless quiet. */
  load(body: Readable, quiet: boolean): Readable {
    const out = new PassThrough({ objectMode: true });
    const emit = (e: LoadEvent): void => {
      if (quiet && !e.stream) return;
      if (!out.destroyed) out.write(e satisfies ProgressMessage);
    };
    void (async () => {
      fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
      const dir = await fs.promises.mkdtemp(path.join(this.tmpDir, 'load-'));
      const staged: StagedLayer[] = [];
      try {
        // layers are unpacked as they stream by (written once, not first extracted as files)
        const layers = await extractArchive(await decompressedTar(body), dir, {
          layer: async (name, size, content) => {
            const s = await this.layers.stage(withProgress(content, layerProgressId(name), size, emit));
            staged.push(s);
            return s;
          },
        });
        const loaded = await loadImages(parseArchive(dir), this.images, this.layers, emit, layers);
        for (const img of loaded) this.events.publish('image', 'load', img.id, { name: img.repoTags[0] ? familiarString(parseReference(img.repoTags[0])) : img.id });
        out.end();
      } catch (e) {
        body.destroy();
        const message = errorMessage(e);
        out.end({ error: message, errorDetail: { message } } satisfies ProgressMessage);
      } finally {
        // registered ones are gone already (moved into the store)
        for (const s of staged) await this.layers.discardStaged(s);
        await fs.promises.rm(dir, { recursive: true, force: true });
      }
    })();
    return out;
  }
}

/** Docker's progress id for a layer: 12 hex of the digest its archive name carries. */
function layerProgressId(name: string): string {
  const hex = /[a-f0-9]{64}/.exec(name)?.[0] ?? createHash('sha256').update(name).digest('hex');
  return hex.slice(0, 12);
}

/** Passes `input` through, reporting "Loading layer" progress about every 1 % (and at the end). */
function withProgress(input: Readable, id: string, total: number, emit: (e: LoadEvent) => void): Readable {
  let current = 0;
  let shown = -1;
  const step = Math.max(total / 100, 512 * 1024);
  const counter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      current += chunk.length;
      if (current - shown >= step || current === total) {
        shown = current;
        emit({ status: 'Loading layer', id, progressDetail: { current, total } });
      }
      cb(null, chunk);
    },
  });
  input.on('error', (e) => counter.destroy(e));
  counter.on('close', () => input.destroy());
  return input.pipe(counter);
}
