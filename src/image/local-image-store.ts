import type { Readable } from 'node:stream';
import type { ImageConfigJson, ImageRecord, ImageStore, ImageUserRef, ImportOptions } from './image-store';
import { ContentStore } from './content-store';
import { applyChanges } from './changes';
import {
  type NamedReference, familiarName, familiarString, fullName, parseAnyReference, parseNormalizedNamed, parseReference,
  storageKey, tagNameOnly,
} from './reference';
import {
  type Db, type ImageRow, childImageIds, deleteImageRef, deleteImageRow, findImageIdsByPrefix, getImage, getImageRef,
  insertImage, listImages, refsOfImage, relaxed, setImageRef, setLastTagTime,
} from '../store';
import { ConflictError, InvalidParameterError, NotFoundError } from '../util/errors';
import { shortId } from '../util/ids';

/** The part of the LayerStore (src/layer) the image store needs; the engine passes it in. */
export interface ImageLayers {
  get(chainId: string): { chainId: string; diffId: string; parent: string | null; size: number } | null;
  register(parent: string | null, tar: Readable): Promise<{ chainId: string; diffId: string; size: number }>;
  retain(chainId: string): void;
  release(chainId: string): Promise<void>;
}

/**
 * Who uses an image: a container ID (treated as a stopped container) or, better, the
 * container and whether it runs, so a running one is a conflict even with force.
 */
export type ImageUser = ImageUserRef;

export interface LocalImageStoreOptions {
  /** clock for `created` (tests pin it) */
  now?: () => Date;
}

type DeleteRecord = { Untagged?: string; Deleted?: string };

class DeleteConflict extends ConflictError {
  constructor(imageId: string, hard: boolean, detail: string, readonly used = false) {
    super(`conflict: unable to delete ${shortId(imageId)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${detail}`);
  }
}

/** docker's GOARCH for this host */
function hostArch(): { architecture: string; variant?: string } {
  switch (process.arch) {
    case 'x64': return { architecture: 'amd64' };
    case 'ia32': return { architecture: '386' };
    case 'arm': return { architecture: 'arm', variant: 'v7' };
    case 'arm64': return { architecture: 'arm64' };
    case 'ppc64': return { architecture: 'ppc64le' };
    default: return { architecture: process.arch };
  }
}

/**
 * Images kept locally: configs as content blobs, rows and references in SQLite, layers in
 * the layer store. An image holds one reference on its top layer (each layer holds its
 * parent). The image row and that reference are committed in one transaction, after the
 * config blob and the layers exist.
 */
export class LocalImageStore implements ImageStore {
  readonly content: ContentStore;
  private readonly now: () => Date;

  constructor(private readonly db: Db, dataRoot: string, private readonly layers: ImageLayers, opts: LocalImageStoreOptions = {}) {
    this.content = new ContentStore(dataRoot);
    this.now = opts.now ?? (() => new Date());
  }

  /** Crash recovery at daemon start: temp blobs go; a config blob lost is rewritten. */
  open(): void {
    this.content.open();
    for (const row of listImages(this.db)) if (!this.content.has(row.id)) this.content.put(Buffer.from(row.config));
  }

  tryResolve(ref: string): ImageRecord | null {
    const any = parseAnyReference(ref);
    if (any.kind === 'digest') return this.byId(any.digest);
    const id = getImageRef(this.db, storageKey(any.ref));
    if (id) return this.byId(id);
    const m = /^(?:sha256:)?([a-f0-9]+)$/.exec(ref);
    if (m) {
      const ids = findImageIdsByPrefix(this.db, m[1], 2);
      // an ambiguous prefix is "no such image", as in Docker
      if (ids.length === 1) return this.byId(ids[0]);
    }
    return null;
  }

  resolve(ref: string): ImageRecord {
    const img = this.tryResolve(ref);
    if (img) return img;
    const any = parseAnyReference(ref);
    throw new NotFoundError(`No such image: ${any.kind === 'digest' ? any.digest : familiarString(tagNameOnly(any.ref))}`);
  }

  list(): ImageRecord[] {
    return listImages(this.db).map((r) => this.record(r));
  }

  layerSize(chainId: string): number {
    return this.layers.get(chainId)?.size ?? 0;
  }

  /** The exact config bytes (their sha256 is the ID). */
  configBytes(id: string): Buffer {
    const b = this.content.get(id);
    if (b) return b;
    const row = getImage(this.db, id);
    if (!row) throw new NotFoundError(`No such image: ${id}`);
    return Buffer.from(row.config);
  }

  async import(tar: Readable, opts: ImportOptions): Promise<ImageRecord> {
    let ref: NamedReference | null = null;
    let runtimeConfig;
    let platform: { os: string; architecture: string; variant?: string };
    try {
      if (opts.reference) {
        ref = parseNormalizedNamed(opts.reference);
        if (ref.digest !== undefined) throw new InvalidParameterError('cannot import digest reference');
      }
      runtimeConfig = applyChanges({}, opts.changes ?? []);
      platform = parsePlatform(opts.platform);
    } catch (e) {
      tar.destroy();
      throw e;
    }
    const layer = await this.layers.register(null, tar);
    const created = this.now().toISOString();
    const comment = opts.message || 'Imported from -';
    const config: ImageConfigJson = {
      architecture: platform.architecture,
      ...(platform.variant ? { variant: platform.variant } : {}),
      comment,
      config: runtimeConfig,
      created,
      history: [{ created, comment }],
      os: platform.os,
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    };
    return this.addImage(Buffer.from(JSON.stringify(config)), [layer.chainId], { reference: ref ? storageKey(tagNameOnly(ref)) : undefined });
  }

  /**
   * Records an image whose layers are registered (bottom first): for build, commit, load
   * and pull. Stores the config blob, then the row and the top layer's reference at once.
   */
  addImage(config: Buffer, chainIds: string[], opts: { parent?: string; reference?: string } = {}): ImageRecord {
    const parsed = JSON.parse(config.toString()) as ImageConfigJson;
    if (!parsed || typeof parsed !== 'object' || !parsed.rootfs) throw new InvalidParameterError('invalid image config');
    let size = 0;
    for (const c of chainIds) {
      const l = this.layers.get(c);
      if (!l) throw new NotFoundError(`layer does not exist: ${c}`);
      size += l.size;
    }
    const id = this.content.put(config);
    const now = this.now().toISOString();
    this.db.transaction(() => {
      const fresh = insertImage(this.db, {
        id, config: config.toString(), chainIds, size, parent: opts.parent ?? '', created: parsed.created ?? now, lastTagTime: '',
      });
      if (fresh && chainIds.length) this.layers.retain(chainIds[chainIds.length - 1]);
      if (opts.reference) {
        setImageRef(this.db, opts.reference, id, now);
        setLastTagTime(this.db, id, now);
      }
    })();
    return this.byId(id) as ImageRecord;
  }

  tag(ref: string, target: string): void {
    const img = this.resolve(ref);
    const named = parseNormalizedNamed(target);
    if (named.digest !== undefined) throw new InvalidParameterError('refusing to create a tag with a digest reference');
    if (familiarName(named) === 'sha256') throw new InvalidParameterError('refusing to create an ambiguous tag using digest algorithm as name');
    const now = this.now().toISOString();
    const key = storageKey(tagNameOnly(named));
    if (getImageRef(this.db, key) === img.id) {
      // the tag is already there (a rebuild): only the tag time changes, no need to fsync
      relaxed(this.db, () => setLastTagTime(this.db, img.id, now));
      return;
    }
    this.db.transaction(() => {
      setImageRef(this.db, key, img.id, now);
      setLastTagTime(this.db, img.id, now);
    })();
  }

  /** docker rmi, following Docker's ImageDelete step by step. */
  async remove(ref: string, opts: { force: boolean; noPrune: boolean }, isUsed: (imageId: string) => ImageUser): Promise<DeleteRecord[]> {
    const img = this.resolve(ref);
    const records: DeleteRecord[] = [];
    let repoRefs = this.refs(img.id);
    let quiet = false;
    if (!isIdPrefix(img.id, ref)) {
      const parsed = tagNameOnlyUnlessDigest(parseNormalizedNamed(ref));
      if (!opts.force && isSingleReference(repoRefs)) {
        const user = userOf(isUsed(img.id));
        if (user) {
          throw new ConflictError(`conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(user.containerId)} is using its referenced image ${shortId(img.id)}`);
        }
      }
      this.untag(parsed, records);
      repoRefs = this.refs(img.id);
      // a removed tag takes the digest references of its repository with it
      if (parsed.digest === undefined && !repoRefs.some((r) => r.digest === undefined && fullName(r) === fullName(parsed))) {
        for (const r of repoRefs) if (r.digest !== undefined && fullName(r) === fullName(parsed)) this.untag(r, records);
        repoRefs = this.refs(img.id);
      }
      if (repoRefs.length > 0) return records;
      quiet = true;
    } else if (isSingleReference(repoRefs)) {
      const conflict = this.conflict(img.id, { hard: true, soft: !opts.force, activeRefs: false }, isUsed);
      if (conflict) throw conflict;
      for (const r of repoRefs) this.untag(r, records);
    }
    await this.deleteHelper(img.id, records, opts, quiet, isUsed);
    return records;
  }

  private async deleteHelper(id: string, records: DeleteRecord[], opts: { force: boolean; noPrune: boolean }, quiet: boolean, isUsed: (imageId: string) => ImageUser): Promise<void> {
    const conflict = this.conflict(id, { hard: true, soft: !opts.force, activeRefs: !opts.force }, isUsed);
    if (conflict) {
      // an untag that leaves a used (or still referenced) image is not an error
      if (quiet && (this.refs(id).length > 0 || childImageIds(this.db, id).length > 0 || conflict.used)) return;
      throw conflict;
    }
    const row = getImage(this.db, id);
    if (!row) return;
    for (const r of this.refs(id)) this.untag(r, records);
    let released: Promise<void> | null = null;
    const top = row.chainIds[row.chainIds.length - 1];
    this.db.transaction(() => {
      deleteImageRow(this.db, id);
      // the layer store does its database work before its first await: same transaction
      if (top) released = this.layers.release(top);
    })();
    if (released) await released;
    this.content.delete(id);
    records.push({ Deleted: id });
    for (const c of [...row.chainIds].reverse()) if (!this.layers.get(c)) records.push({ Deleted: c });
    if (!opts.noPrune && row.parent && getImage(this.db, row.parent) && this.refs(row.parent).length === 0
      && childImageIds(this.db, row.parent).length === 0) {
      await this.deleteHelper(row.parent, records, { force: false, noPrune: false }, true, isUsed);
    }
  }

  private conflict(id: string, mask: { hard: boolean; soft: boolean; activeRefs: boolean }, isUsed: (imageId: string) => ImageUser): DeleteConflict | null {
    const user = userOf(isUsed(id));
    if (mask.hard && childImageIds(this.db, id).length > 0) return new DeleteConflict(id, true, 'image has dependent child images');
    if (mask.hard && user?.running) return new DeleteConflict(id, true, `image is being used by running container ${shortId(user.containerId)}`, true);
    if (mask.soft && mask.activeRefs && this.refs(id).length > 0) return new DeleteConflict(id, false, 'image is referenced in multiple repositories');
    if (mask.soft && user && !user.running) return new DeleteConflict(id, false, `image is being used by stopped container ${shortId(user.containerId)}`, true);
    return null;
  }

  private untag(ref: NamedReference, records: DeleteRecord[]): void {
    if (!deleteImageRef(this.db, storageKey(ref))) throw new NotFoundError(`No such image: ${familiarString(ref)}`);
    records.push({ Untagged: familiarString(ref) });
  }

  private refs(id: string): NamedReference[] {
    return refsOfImage(this.db, id).map(parseReference);
  }

  private byId(id: string): ImageRecord | null {
    const row = getImage(this.db, id);
    return row ? this.record(row) : null;
  }

  private record(row: ImageRow): ImageRecord {
    const refs = refsOfImage(this.db, row.id);
    return {
      id: row.id,
      config: JSON.parse(row.config) as ImageConfigJson,
      chainIds: row.chainIds,
      repoTags: refs.filter((r) => !r.includes('@')),
      repoDigests: refs.filter((r) => r.includes('@')),
      size: row.size,
      parent: row.parent,
      lastTagTime: row.lastTagTime,
    };
  }
}

function userOf(u: ImageUser): { containerId: string; running: boolean } | null {
  if (!u) return null;
  return typeof u === 'string' ? { containerId: u, running: false } : u;
}

/** Docker's isImageIDPrefix: "ab12" or "sha256:ab12" naming the image by ID */
function isIdPrefix(id: string, s: string): boolean {
  return id.startsWith(s) || id.slice('sha256:'.length).startsWith(s);
}

function tagNameOnlyUnlessDigest(r: NamedReference): NamedReference {
  if (r.digest !== undefined) return { domain: r.domain, path: r.path, digest: r.digest };
  return tagNameOnly(r);
}

/** Docker's isSingleReference: one repository, at most one tag; false when none. */
function isSingleReference(refs: NamedReference[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: NamedReference | null = null;
  const names = new Set<string>();
  for (const r of refs) {
    if (r.digest !== undefined) names.add(fullName(r));
    else if (!single) { names.add(fullName(r)); single = r; } else return false;
  }
  return names.size === 1 && names.has(fullName(single ?? refs[0]));
}

function parsePlatform(p: string | undefined): { os: string; architecture: string; variant?: string } {
  const host = hostArch();
  if (!p) return { os: 'linux', ...host };
  const [os, arch, variant] = p.toLowerCase().split('/');
  if (os !== 'linux') throw new InvalidParameterError(`"${p}": unsupported platform, only linux is supported`);
  if (!arch) return { os, ...host };
  const architecture = arch === 'x86_64' || arch === 'x86-64' ? 'amd64' : arch === 'aarch64' ? 'arm64' : arch;
  return variant ? { os, architecture, variant } : { os, architecture };
}
