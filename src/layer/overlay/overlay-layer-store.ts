import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { LayerInfo, LayerStore, StagedLayer } from '../layer-store';
import {
  type Db, type LayerRow, addLayerRef, deleteLayerRow, deleteRwLayer, getLayer, getRwLayer, insertLayer, insertRwLayer,
  listLayers, listRwLayers,
} from '../../store';
import { ConflictError, NotFoundError } from '../../util/errors';
import { markTopDir, syncFilesystem } from './host-tools';
import { isMounted, mountOverlay, overlayOptions, unmountAll } from './mount';
import { unpackLayer } from './tar-unpack';
import { copyDiff } from './diff-copy';
import { diffEntries, opaqueDirs } from '../rootfs';
import { TAR_SPLIT, TarSplitWriter, assembleTar } from './tar-split';
import { dirSize } from '../../util/dir-size';

/** the registered tar, as berthd kept it before tar-split: <data-root>/layers/<chain hex>/layer.tar */
const LAYER_TAR = 'layer.tar';

/**
 * LayerStore on overlayfs, laid out as overlay2 does:
 *   <data-root>/layers/<chain hex>/diff    unpacked layer (a lowerdir)
 *   <data-root>/layers/<chain hex>/tar-split  the tar's headers, to rebuild it for save
 *   <data-root>/layers/<chain hex>/stash/  content the tar replaced within itself (rare)
 *   <data-root>/layers/l/<LINK>            short symlink to ../<chain hex>/diff
 *   <data-root>/layers/tmp/                unpacks and deletions in progress (wiped at open)
 *   <data-root>/containers/<id>/           upper/, work/, merged/ (+ lower/ when scratch)
 * Files are complete and synced before the row that points at them is committed; rows
 * are deleted before their files. So after a crash, open() only has to delete files no
 * row points at and layers nothing references.
 */
export class OverlayLayerStore implements LayerStore {
  private readonly layersDir: string;
  private readonly linkDir: string;
  private readonly tmpDir: string;
  private readonly containersDir: string;
  /** layers a register() in progress builds on: never deleted under it */
  private readonly pinned = new Map<string, number>();
  private readonly mounting = new Map<string, Promise<string>>();

  constructor(private readonly db: Db, dataRoot: string) {
    this.layersDir = path.join(dataRoot, 'layers');
    this.linkDir = path.join(this.layersDir, 'l');
    this.tmpDir = path.join(this.layersDir, 'tmp');
    this.containersDir = path.join(dataRoot, 'containers');
    for (const d of [this.layersDir, this.linkDir, this.tmpDir, this.containersDir]) fs.mkdirSync(d, { recursive: true, mode: 0o700 });
  }

  /** Crash recovery; call once at daemon start, before any other method. */
  async open(): Promise<void> {
    // each staged layer and each container's upper dir in a block group of its own
    await markTopDir(this.tmpDir);
    await markTopDir(this.containersDir);
    for (const e of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, e), { recursive: true, force: true });
    const rows = new Map(listLayers(this.db).map((r) => [r.chainId.replace(/^sha256:/, ''), r]));
    for (const e of fs.readdirSync(this.layersDir)) {
      if (e === 'l' || e === 'tmp' || rows.has(e)) continue;
      fs.rmSync(path.join(this.layersDir, e), { recursive: true, force: true });
    }
    const links = new Set([...rows.values()].map((r) => r.link));
    for (const e of fs.readdirSync(this.linkDir)) if (!links.has(e)) fs.rmSync(path.join(this.linkDir, e), { force: true });
    for (const [hex, r] of rows) {
      const link = path.join(this.linkDir, r.link);
      if (!fs.existsSync(link)) fs.symlinkSync(path.join('..', hex, 'diff'), link);
    }
    // read-write dirs of containers without a row: a createRw cut short
    const rw = new Set(listRwLayers(this.db).map((r) => r.containerId));
    for (const id of fs.readdirSync(this.containersDir)) {
      if (rw.has(id) || !fs.existsSync(path.join(this.containersDir, id, 'upper'))) continue;
      await this.removeRwDirs(id);
    }
    // layers no image, child or container references (a register whose image never came)
    for (const r of listLayers(this.db)) if (r.refcount === 0 && getLayer(this.db, r.chainId)) await this.deleteChain(r.chainId);
  }

  rwLayers(): string[] {
    return listRwLayers(this.db).map((r) => r.containerId);
  }

  get(chainId: string): LayerInfo | null {
    const r = getLayer(this.db, chainId);
    return r ? info(r) : null;
  }

  async register(parent: string | null, tar: Readable): Promise<LayerInfo> {
    if (parent !== null && !getLayer(this.db, parent)) {
      tar.destroy();
      throw new NotFoundError(`layer does not exist: ${parent}`);
    }
    if (parent) this.pin(parent, 1);
    try {
      return await this.registerStaged(parent, await this.stage(tar));
    } finally {
      if (parent) this.pin(parent, -1);
    }
  }

  /**
   * Unpacks into layers/tmp/reg-*: diff/ plus the tar-split metadata that rebuilds the tar
   * (no copy of the tar is kept). Wiped at the next open() unless registered.
   */
  async stage(tar: Readable): Promise<StagedLayer> {
    const dir = fs.mkdtempSync(path.join(this.tmpDir, 'reg-'));
    try {
      const diff = path.join(dir, 'diff');
      fs.mkdirSync(diff, { mode: 0o755 });
      const split = new TarSplitWriter(dir);
      const { diffId, size } = await unpackLayer(tar, diff, split);
      split.save();
      return { diffId, size, dir };
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  /**
   * A container's changes as a staged layer (null when it changed nothing), copied from its
   * upper directory in one pass: no tar is written or parsed (see copyDiff).
   */
  async stageRw(containerId: string): Promise<StagedLayer | null> {
    const { upper } = this.rwPaths(containerId);
    const entries = diffEntries(upper, await opaqueDirs(upper));
    if (entries.length === 0) return null;
    const dir = fs.mkdtempSync(path.join(this.tmpDir, 'reg-'));
    try {
      const diff = path.join(dir, 'diff');
      fs.mkdirSync(diff, { mode: 0o755 });
      const split = new TarSplitWriter(dir);
      const { diffId, size } = await copyDiff(upper, entries, diff, split);
      split.save();
      return { diffId, size, dir };
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
  }

  async discardStaged(staged: StagedLayer): Promise<void> {
    await fs.promises.rm(this.stagedDir(staged), { recursive: true, force: true });
  }

  private stagedDir(staged: StagedLayer): string {
    if (path.dirname(staged.dir) !== this.tmpDir || !path.basename(staged.dir).startsWith('reg-')) throw new NotFoundError(`not a staged layer: ${staged.dir}`);
    return staged.dir;
  }

  async registerStaged(parent: string | null, staged: StagedLayer): Promise<LayerInfo> {
    const tmp = this.stagedDir(staged);
    if (parent) this.pin(parent, 1);
    try {
      if (parent !== null && !getLayer(this.db, parent)) throw new NotFoundError(`layer does not exist: ${parent}`);
      const { diffId, size } = staged;
      const chainId = parent ? `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}` : diffId;
      // one syncfs makes every file of the layer durable before its row exists
      if (!getLayer(this.db, chainId)) await syncFilesystem(tmp);
      // from here to the insert nothing awaits: no other register can interleave
      const existing = getLayer(this.db, chainId);
      if (existing) return info(existing);
      const hex = chainId.slice('sha256:'.length);
      const dir = path.join(this.layersDir, hex);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
      const link = linkName(hex);
      fs.rmSync(path.join(this.linkDir, link), { force: true });
      fs.symlinkSync(path.join('..', hex, 'diff'), path.join(this.linkDir, link));
      fsyncDir(this.layersDir);
      fsyncDir(this.linkDir);
      insertLayer(this.db, { chainId, diffId, parent, size, link, created: new Date().toISOString() });
      return info(getLayer(this.db, chainId) as LayerRow);
    } finally {
      if (parent) this.pin(parent, -1);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }

  /**
   * The layer's tar exactly as it was registered (uncompressed): its sha256 is the diff ID.
   * Rebuilt from the tar-split metadata and diff/ (verified against the diff ID as it
   * streams); a layer registered by an older berthd still has its full layer.tar.
   */
  async tarLayer(chainId: string): Promise<{ size: number; stream: Readable }> {
    const row = getLayer(this.db, chainId);
    if (!row) throw new NotFoundError(`layer does not exist: ${chainId}`);
    const dir = path.join(this.layersDir, chainId.replace(/^sha256:/, ''));
    if (fs.existsSync(path.join(dir, TAR_SPLIT))) return assembleTar(dir, row.diffId);
    const fh = await fs.promises.open(path.join(dir, LAYER_TAR), 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new NotFoundError(`layer ${chainId} has no saved tar (registered by an older berthd)`) : e;
    });
    const { size } = await fh.stat();
    return { size, stream: fh.createReadStream() };
  }

  retain(chainId: string): void {
    if (addLayerRef(this.db, chainId, 1) === null) throw new NotFoundError(`layer does not exist: ${chainId}`);
  }

  /**
   * Drops a reference; deletes the layer (and parents left unreferenced) at zero.
   * The database work is done synchronously before the first await, so a caller may call
   * it inside its own transaction.
   */
  async release(chainId: string): Promise<void> {
    const left = addLayerRef(this.db, chainId, -1);
    if (left === 0) await this.deleteChain(chainId);
  }

  private async deleteChain(chainId: string): Promise<string[]> {
    const doomed: LayerRow[] = [];
    let next: string | null = chainId;
    while (next && !this.pinned.has(next)) {
      const row = getLayer(this.db, next);
      const r = deleteLayerRow(this.db, next);
      if (!r.deleted || !row) break;
      doomed.push(row);
      next = r.parentToDelete;
    }
    // every rename before the first await: a register() of the same content may recreate
    // layers/<hex> as soon as we yield, and that new directory must not be moved away
    const trash: string[] = [];
    for (const row of doomed) {
      const hex = row.chainId.slice('sha256:'.length);
      fs.rmSync(path.join(this.linkDir, row.link), { force: true });
      const t = path.join(this.tmpDir, `del-${hex}-${randomBytes(4).toString('hex')}`);
      try {
        fs.renameSync(path.join(this.layersDir, hex), t);
        trash.push(t);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    for (const t of trash) await fs.promises.rm(t, { recursive: true, force: true });
    return doomed.map((r) => r.chainId);
  }

  private pin(chainId: string, delta: number): void {
    const n = (this.pinned.get(chainId) ?? 0) + delta;
    if (n > 0) this.pinned.set(chainId, n);
    else this.pinned.delete(chainId);
  }

  /** Diff dirs of a chain, top first. */
  private chain(top: string | null): LayerRow[] {
    const out: LayerRow[] = [];
    for (let c = top; c; ) {
      const r = getLayer(this.db, c);
      if (!r) throw new NotFoundError(`layer does not exist: ${c}`);
      out.push(r);
      c = r.parent;
    }
    return out;
  }

  private rwPaths(containerId: string): { dir: string; upper: string; work: string; merged: string; lower: string } {
    if (!/^[A-Za-z0-9_.-]+$/.test(containerId)) throw new NotFoundError(`invalid container id: ${containerId}`);
    const dir = path.join(this.containersDir, containerId);
    return { dir, upper: path.join(dir, 'upper'), work: path.join(dir, 'work'), merged: path.join(dir, 'merged'), lower: path.join(dir, 'lower') };
  }

  async createRw(containerId: string, parentChainId: string | null): Promise<void> {
    const p = this.rwPaths(containerId);
    const existing = getRwLayer(this.db, containerId);
    if (existing) {
      if (existing.parent === parentChainId) return;
      throw new ConflictError(`read-write layer for ${containerId} already exists`);
    }
    if (parentChainId !== null && !getLayer(this.db, parentChainId)) throw new NotFoundError(`layer does not exist: ${parentChainId}`);
    fs.mkdirSync(p.dir, { recursive: true, mode: 0o710 });
    // the merged root takes the upper dir's mode: 0755 like an image root
    fs.mkdirSync(p.upper, { recursive: true, mode: 0o755 });
    fs.chmodSync(p.upper, 0o755);
    fs.mkdirSync(p.work, { recursive: true, mode: 0o700 });
    fs.mkdirSync(p.merged, { recursive: true, mode: 0o700 });
    // overlay needs a lowerdir even for a scratch container
    if (parentChainId === null) fs.mkdirSync(p.lower, { recursive: true, mode: 0o755 });
    fsyncDir(p.dir);
    insertRwLayer(this.db, { containerId, parent: parentChainId, created: new Date().toISOString() });
  }

  mount(containerId: string): Promise<string> {
    const inFlight = this.mounting.get(containerId);
    if (inFlight) return inFlight;
    const p = this.doMount(containerId).finally(() => this.mounting.delete(containerId));
    this.mounting.set(containerId, p);
    return p;
  }

  private async doMount(containerId: string): Promise<string> {
    const row = getRwLayer(this.db, containerId);
    if (!row) throw new NotFoundError(`no read-write layer for container ${containerId}`);
    const p = this.rwPaths(containerId);
    if (isMounted(p.merged)) return p.merged;
    const chain = this.chain(row.parent);
    const lowerAbs = chain.length ? chain.map((r) => this.diffDir(r.chainId)) : [p.lower];
    const lowerLinks = chain.length ? chain.map((r) => path.join('l', r.link)) : [p.lower];
    const { options } = overlayOptions(lowerAbs, lowerLinks, p.upper, p.work);
    await mountOverlay(p.merged, options, this.layersDir);
    return p.merged;
  }

  async unmount(containerId: string): Promise<void> {
    await unmountAll(this.rwPaths(containerId).merged);
  }

  async removeRw(containerId: string): Promise<void> {
    await this.unmount(containerId);
    const { parentToDelete } = deleteRwLayer(this.db, containerId);
    // started now so its database part runs before we yield
    const deleting = parentToDelete ? this.deleteChain(parentToDelete) : null;
    await this.removeRwDirs(containerId);
    if (deleting) await deleting;
  }

  private async removeRwDirs(containerId: string): Promise<void> {
    const p = this.rwPaths(containerId);
    await unmountAll(p.merged);
    for (const d of [p.merged, p.upper, p.work, p.lower]) await fs.promises.rm(d, { recursive: true, force: true });
  }

  async rwSize(containerId: string): Promise<number> {
    return dirSize(this.rwPaths(containerId).upper);
  }

  graphData(containerId: string): Record<string, string> {
    const row = getRwLayer(this.db, containerId);
    const p = this.rwPaths(containerId);
    const data: Record<string, string> = {};
    if (row?.parent) data.LowerDir = this.chain(row.parent).map((r) => this.diffDir(r.chainId)).join(':');
    return { ...data, MergedDir: p.merged, UpperDir: p.upper, WorkDir: p.work };
  }

  /** The unpacked directory of a read-only layer (for diff, export and tests). */
  diffDir(chainId: string): string {
    return path.join(this.layersDir, chainId.replace(/^sha256:/, ''), 'diff');
  }
}

function info(r: LayerRow): LayerInfo {
  return { chainId: r.chainId, diffId: r.diffId, parent: r.parent, size: r.size };
}

/** 26 characters of base32, as overlay2's link names: short enough for 128 layers a page. */
function linkName(hex: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = Buffer.from(hex.slice(0, 32), 'hex');
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) { out += alphabet[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
