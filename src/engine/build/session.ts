import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BuildMessage } from '../../api-types';
import { cacheKey, type RunConfig } from '../../build';
import type { ImageRecord, ImageStore } from '../../image';
import type { LayerStore } from '../../layer';
import type { BuildCacheTable } from '../../store';
import type { BuildRequest, ContainerBackend, ImageBackend } from '../backends';
import type { CommitImages } from '../container/filesystem';
import type { MemoryContext } from './context-memory';

/** What a build needs of the engine; wired once in daemon/main.ts. */
export interface BuildDeps {
  /** THE container path: RUN containers are made, run and removed as any client's */
  containers: Pick<ContainerBackend, 'create' | 'attach' | 'start' | 'wait' | 'kill' | 'remove'>;
  layers: LayerStore;
  images: ImageStore & CommitImages;
  /** rmi with Docker's checks (children, containers) and events, for build prune */
  imageApi: Pick<ImageBackend, 'remove'>;
  cache: BuildCacheTable;
  dataRoot: string;
}

/** The options of POST /build the executor uses. */
export type BuildOptions = BuildRequest;

/** Builder-owned read-write layers carry this prefix, so a crashed build's leftovers are found. */
export const SCRATCH_PREFIX = 'build-';

export class BuildFailure extends Error {
  constructor(message: string, readonly code = 1) { super(message); }
}

/** One build's shared state: cache access, scratch layers, image roots, containers to clean. */
export class BuildSession {
  readonly tmpDir: string;
  readonly ctxDir: string;
  /** RUN containers running now (killed on hang-up) */
  readonly running = new Set<string>();
  private readonly removals: Promise<unknown>[] = [];
  private readonly roots = new Map<string, Promise<string>>();
  private readonly scratch = new Set<string>();
  private readonly hits: string[] = [];
  /** the context while it is only in memory (see context-memory.ts) */
  memory: MemoryContext | null = null;
  private onDisk: Promise<void> | null = null;

  constructor(readonly deps: BuildDeps, readonly opts: BuildOptions, readonly signal: AbortSignal) {
    const id = randomBytes(8).toString('hex');
    this.tmpDir = path.join(deps.dataRoot, 'build', 'tmp', id);
    this.ctxDir = path.join(this.tmpDir, 'context');
  }

  /** The context in ctxDir: written from memory the first time a step needs its files. */
  contextOnDisk(): Promise<void> {
    const m = this.memory;
    if (!m) return Promise.resolve();
    this.onDisk ??= m.extract();
    return this.onDisk;
  }

  /** The directory of a RUN --mount=type=cache id (persistent until build prune). */
  cacheMountDir(id: string): string {
    const name = Buffer.from(id).toString('base64url');
    return path.join(this.deps.dataRoot, 'build', 'cache-mounts', name);
  }

  private cancelled = false;

  /** The client left or another stage failed: what this build still runs is thrown away. */
  get stopping(): boolean {
    return this.cancelled || this.signal.aborted;
  }

  checkAborted(): void {
    if (this.signal.aborted) throw new BuildFailure('build cancelled: the client went away');
    if (this.cancelled) throw new BuildFailure('build cancelled: another stage failed');
  }

  /** Another stage failed: the others stop at their next step, running RUNs are killed. */
  cancel(): void {
    this.cancelled = true;
    for (const id of this.running) void this.deps.containers.kill(id, 'SIGKILL').catch(() => undefined);
  }

  /**
   * The cache key of a step: Docker's (parent + probe config) and, for what the classic
   * builder did not have (RUN --mount, RUN --network), those options too.
   */
  private key(parent: ImageRecord | null, probe: RunConfig, extra: string): string {
    return cacheKey(parent?.id ?? '', extra ? { ...probe, Cmd: [...(probe.Cmd ?? []), `\0${extra}`] } : probe);
  }

  /** The cached result of a step, or null (always null with --no-cache). */
  lookup(parent: ImageRecord | null, probe: RunConfig, extra = ''): ImageRecord | null {
    if (this.opts.noCache) return null;
    const key = this.key(parent, probe, extra);
    const row = this.deps.cache.get(key);
    if (!row) return null;
    const img = this.deps.images.tryResolve(row.imageId);
    if (!img || img.id !== row.imageId) {
      this.deps.cache.delete(key);
      return null;
    }
    this.hits.push(key); // marked used when the build ends: one write, not one per step
    return img;
  }

  remember(parent: ImageRecord | null, probe: RunConfig, img: ImageRecord, extra = ''): void {
    this.deps.cache.set(this.key(parent, probe, extra), img.id, parent?.id ?? '');
  }

  /** A read-write layer over `parent` (not a container) for COPY/ADD/WORKDIR; mounted. */
  async scratchLayer(parent: ImageRecord | null): Promise<{ id: string; root: string }> {
    const id = SCRATCH_PREFIX + randomBytes(16).toString('hex');
    this.scratch.add(id);
    await this.deps.layers.createRw(id, parent?.chainIds.length ? parent.chainIds[parent.chainIds.length - 1] : null);
    return { id, root: await this.deps.layers.mount(id) };
  }

  async dropScratch(id: string): Promise<void> {
    this.scratch.delete(id);
    await this.deps.layers.removeRw(id).catch(() => undefined);
  }

  /** The root filesystem of an image, mounted once per build (COPY --from, RUN --mount from=). */
  imageRoot(img: ImageRecord): Promise<string> {
    let p = this.roots.get(img.id);
    if (!p) {
      p = this.scratchLayer(img).then((l) => l.root);
      this.roots.set(img.id, p);
    }
    return p;
  }

  /** Removes a container in the background; finish() waits for it. */
  removeContainer(id: string): void {
    this.removals.push(this.deps.containers.remove(id, { force: true, volumes: true }).catch(() => undefined));
  }

  /** Waits for the intermediate containers being removed (a finished build leaves none). */
  async removalsDone(): Promise<void> {
    await Promise.all(this.removals);
  }

  tmpPath(...parts: string[]): string {
    return path.join(this.tmpDir, ...parts);
  }

  /** Ends the build: containers killed and removed as asked, scratch layers and temp files gone. */
  async finish(): Promise<void> {
    if (this.hits.length) {
      try { this.deps.cache.touchMany(this.hits.splice(0)); } catch { /* usage statistics only */ }
    }
    for (const id of this.running) this.removeContainer(id);
    this.running.clear();
    await Promise.all(this.removals);
    await Promise.all([...this.scratch].map((id) => this.dropScratch(id)));
    await fs.promises.rm(this.tmpDir, { recursive: true, force: true }).catch(() => undefined);
  }
}

export type Emit = (m: BuildMessage) => void;
