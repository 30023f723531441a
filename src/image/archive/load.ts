import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { type Readable, Transform } from 'node:stream';
import type { ImageConfigJson, ImageRecord } from '../image-store';
import type { ImageLayers } from '../local-image-store';
import { familiarString, parseNormalizedNamed, storageKey, tagNameOnly } from '../reference';
import { InvalidParameterError } from '../../util/errors';
import type { ArchiveImage } from './parse';

/** What load needs of the image store (LocalImageStore has it). */
export interface LoadTarget {
  addImage(config: Buffer, chainIds: string[], opts?: { parent?: string; reference?: string }): ImageRecord;
  tag(ref: string, target: string): void;
  tryResolve(ref: string): ImageRecord | null;
}

/** Progress of a load, in the shape of Docker's JSON progress messages. */
export interface LoadEvent {
  status?: string;
  id?: string;
  progressDetail?: { current: number; total: number };
  stream?: string;
}

/** A layer unpacked while the archive streamed in (the layer store's StagedLayer). */
export interface StagedLayerRef { readonly diffId: string }

/** What load needs of the layer store beyond ImageLayers. */
export interface LoadLayers extends ImageLayers {
  registerStaged(parent: string | null, staged: StagedLayerRef): Promise<{ chainId: string; diffId: string; size: number }>;
  tarLayer(chainId: string): Promise<{ size: number; stream: Readable }>;
}

/** Layers of the archive already unpacked, by the path of their file (ExtractOptions.layer). */
export type StagedLayers = Map<string, { ok: true; value: StagedLayerRef } | { ok: false; error: unknown }>;

export function chainIdOf(parent: string | null, diffId: string): string {
  return parent ? `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}` : diffId;
}

/**
 * Registers every layer of every image (checking each against the config's diff IDs),
 * then records all images at once, so a failure leaves the image list as it was: layers
 * this load created are released again. A crash in between leaves only unreferenced
 * layers, which the layer store collects at its next start.
 */
export async function loadImages(images: ArchiveImage[], target: LoadTarget, layers: LoadLayers, emit: (e: LoadEvent) => void, staged: StagedLayers = new Map()): Promise<ImageRecord[]> {
  const created: string[] = [];
  /** a staged layer registers once; where the same file comes again (on another parent), its tar is rebuilt from there */
  const placed = new Map<string, string>();
  const plans: { config: Buffer; chainIds: string[]; refs: string[] }[] = [];
  try {
    for (const img of images) {
      let config: ImageConfigJson;
      try {
        config = JSON.parse(img.config.toString('utf8')) as ImageConfigJson;
      } catch {
        throw new InvalidParameterError('invalid image archive: image config is not valid JSON');
      }
      const diffIds = config?.rootfs?.diff_ids;
      if (!Array.isArray(diffIds) || diffIds.length !== img.layers.length) {
        throw new InvalidParameterError(`invalid image archive: config lists ${Array.isArray(diffIds) ? diffIds.length : 0} layers, manifest ${img.layers.length}`);
      }
      const refs = img.refs.map((r) => storageKey(tagNameOnly(parseNormalizedNamed(r))));
      const chainIds: string[] = [];
      let parent: string | null = null;
      for (let i = 0; i < diffIds.length; i++) {
        const want = chainIdOf(parent, diffIds[i]);
        if (!layers.get(want)) {
          const file = img.layers[i];
          const st = staged.get(file);
          if (st && !st.ok) throw st.error;
          const again = placed.get(file);
          let got: { chainId: string; diffId: string };
          if (st && again === undefined) {
            got = await layers.registerStaged(parent, st.value);
            placed.set(file, got.chainId);
          } else if (again !== undefined) {
            got = await layers.register(parent, (await layers.tarLayer(again)).stream);
          } else {
            got = await layers.register(parent, progressStream(file, diffIds[i], emit));
          }
          // retain+release on failure is net zero for a layer some image already holds
          created.push(got.chainId);
          if (got.diffId !== diffIds[i]) {
            throw new InvalidParameterError(`invalid diffID for layer ${i}: expected "${diffIds[i]}", got "${got.diffId}"`);
          }
        }
        chainIds.push(want);
        parent = want;
      }
      plans.push({ config: img.config, chainIds, refs });
    }
  } catch (e) {
    for (const c of [...new Set(created)].reverse()) {
      if (!layers.get(c)) continue;
      layers.retain(c);
      await layers.release(c);
    }
    throw e;
  }
  // no await from here: every image appears in the same turn
  const out: ImageRecord[] = [];
  for (const p of plans) {
    const id = `sha256:${createHash('sha256').update(p.config).digest('hex')}`;
    for (const r of p.refs) {
      const old = target.tryResolve(r);
      if (old && old.id !== id) emit({ stream: `The image ${familiarString(parseNormalizedNamed(r))} already exists, renaming the old one with ID ${old.id} to empty string\n` });
    }
    const img = target.addImage(p.config, p.chainIds, { reference: p.refs[0] });
    for (const r of p.refs.slice(1)) target.tag(img.id, r);
    out.push(img);
    if (p.refs.length === 0) emit({ stream: `Loaded image ID: ${img.id}\n` });
    for (const r of p.refs) emit({ stream: `Loaded image: ${familiarString(parseNormalizedNamed(r))}\n` });
  }
  return out;
}

/** Reads a layer file, reporting "Loading layer" progress about every 1 % (and at the end). */
function progressStream(file: string, diffId: string, emit: (e: LoadEvent) => void): Readable {
  const total = fs.statSync(file).size;
  const id = diffId.replace(/^sha256:/, '').slice(0, 12);
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
  const src = fs.createReadStream(file);
  src.on('error', (e) => counter.destroy(e));
  counter.on('close', () => src.destroy());
  return src.pipe(counter);
}
