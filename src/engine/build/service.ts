import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { BuildMessage, BuildPruneResponse, DiskUsageBuildCache } from '../../api-types';
import { parseDockerfileStages, parseTrigger, planBuild, type Dockerfile } from '../../build';
import { familiarString, parseNormalizedNamed, tagNameOnly } from '../../image';
import { dirSize } from '../../util/dir-size';
import { errorMessage, InvalidParameterError } from '../../util/errors';
import type { BuildBackend } from '../backends';
import { localBaseImages, type BaseImageResolver } from './base-image';
import { isArchive, isTarHeader } from '../../util/build-context';
import { bufferStream, extractContext, readDockerfile, writeDockerfileContext } from './context';
import { MEMORY_CONTEXT_LIMIT, MemoryContext } from './context-memory';
import { openLocalContext } from './local-context';
import { OrderedOutput, shortId } from './output';
import { BuildFailure, BuildSession, SCRATCH_PREFIX, type BuildDeps, type BuildOptions } from './session';
import { StageRunner, type StageResult } from './stage';

export type { BuildDeps, BuildOptions } from './session';

/**
 * POST /build: the classic builder (Docker's JSON messages) over the engine. A build reads
 * the context, parses and plans the Dockerfile, runs the needed stages (concurrently where
 * they do not wait for each other, their output in Dockerfile order), then tags the target's
 * image. Errors met before the first message reach the client as an HTTP error; later ones
 * as an error message.
 */
export class BuildService implements BuildBackend {
  private resolveImage: BaseImageResolver;

  constructor(private readonly deps: BuildDeps, resolver?: BaseImageResolver) {
    this.resolveImage = resolver ?? localBaseImages(deps.images);
  }

  /** Registry pull plugs in here (see base-image.ts). */
  setBaseImageResolver(r: BaseImageResolver): void {
    this.resolveImage = r;
  }

  /** Removes what a build cut short by a daemon crash left: scratch layers and temp dirs. */
  async open(): Promise<void> {
    for (const id of this.deps.layers.rwLayers()) if (id.startsWith(SCRATCH_PREFIX)) await this.deps.layers.removeRw(id).catch(() => undefined);
    await fs.promises.rm(path.join(this.deps.dataRoot, 'build', 'tmp'), { recursive: true, force: true });
  }

  build(context: Readable, opts: BuildOptions, signal: AbortSignal): Readable {
    const out = new PassThrough({ objectMode: true });
    let sent = false;
    const emit = (m: BuildMessage): void => {
      if (opts.quiet && m.stream !== undefined) { quietBuffer.push(m); return; }
      sent = true;
      if (!out.destroyed) out.write(m); // a reader that left: the build is being cancelled
    };
    const quietBuffer: BuildMessage[] = [];
    const s = new BuildSession(this.deps, opts, signal);
    void this.run(s, context, emit).then((imageId) => {
      if (out.destroyed) return;
      if (opts.quiet) out.write({ stream: `${imageId}\n` });
      out.end();
    }, (e: unknown) => {
      if (out.destroyed) return;
      const code = e instanceof BuildFailure ? e.code : 1;
      if (!sent && !(e instanceof BuildFailure)) { out.destroy(e as Error); return; }
      // -q: what was held back explains the failure
      for (const m of quietBuffer) out.write(m);
      const message = errorMessage(e);
      out.end({ errorDetail: { code, message }, error: message });
    }).finally(() => {
      // once the reply's last line is out: finish() starts with a durable write (cache use)
      setImmediate(() => void s.finish());
    });
    return out;
  }

  private async receive(s: BuildSession, body: Readable): Promise<void> {
    if (s.opts.remote !== '') {
      const url = s.opts.remote;
      if (!/^https?:\/\//.test(url)) throw new InvalidParameterError(`unable to prepare context: unsupported remote context ${url}: only http(s) URLs are supported`);
      body.resume();
      const res = await fetch(url, { signal: s.signal });
      if (!res.ok) throw new InvalidParameterError(`unable to prepare context: error downloading remote context ${url}: ${res.status} ${res.statusText}`);
      const data = Buffer.from(await res.arrayBuffer());
      if (isArchive(data.subarray(0, 512))) await extractContext(Readable.from([data]), s.ctxDir);
      else await writeDockerfileContext(data, s.ctxDir);
      return;
    }
    // a body that is not an archive is a Dockerfile (`docker build - < Dockerfile`)
    const it = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    const head: Buffer[] = [];
    let len = 0;
    let ended = false;
    while (len < 512) {
      const r = await it.next();
      if (r.done) { ended = true; break; }
      head.push(r.value);
      len += r.value.length;
    }
    const first = Buffer.concat(head);
    const rest = (): Readable => (ended ? Readable.from([]) : Readable.from({ [Symbol.asyncIterator]: () => it }));
    if (len > 0 && isTarHeader(first)) {
      // a plain tar that is small stays in memory until a step needs its files (context-memory.ts)
      const chunks = head;
      while (!ended && len <= MEMORY_CONTEXT_LIMIT) {
        const r = await it.next();
        if (r.done) ended = true;
        else { chunks.push(r.value); len += r.value.length; }
      }
      if (!ended) { await extractContext(bufferStream(chunks, rest()), s.ctxDir); return; }
      const tar = Buffer.concat(chunks);
      s.memory = await MemoryContext.parse(tar, s.ctxDir);
      if (!s.memory) await extractContext(Readable.from([tar]), s.ctxDir);
    } else if (len === 0 || isArchive(first)) await extractContext(bufferStream(head, rest()), s.ctxDir);
    else {
      const chunks: Buffer[] = [first];
      for await (const c of rest()) chunks.push(c as Buffer);
      await writeDockerfileContext(Buffer.concat(chunks), s.ctxDir);
    }
  }

  private async run(s: BuildSession, body: Readable, emit: (m: BuildMessage) => void): Promise<string> {
    const opts = s.opts;
    const tags = opts.tags.map((t) => {
      const named = parseNormalizedNamed(t);
      if (named.digest !== undefined) throw new InvalidParameterError(`invalid reference format: ${t}`);
      return tagNameOnly(named);
    });
    if (opts.localContext) {
      body.resume(); // nothing comes in the body
      const local = openLocalContext(opts.localContext.dir, opts.localContext.id, opts.dockerfile);
      try {
        await this.receive(s, local.tar);
      } catch (e) {
        throw local.failure() ?? e;
      }
      emit({ aux: { ContextSize: local.size() } });
    } else await this.receive(s, body);
    let text = s.memory?.readDockerfile(opts.dockerfile) ?? null;
    if (text === null) {
      await s.contextOnDisk();
      s.memory = null; // the disk answers from now on
      text = await readDockerfile(s.ctxDir, opts.dockerfile);
    }
    if (text.length === 0) throw new InvalidParameterError(`the Dockerfile (${opts.dockerfile || 'Dockerfile'}) cannot be empty`);
    const df = parseDockerfileStages(text);
    addLabelStep(df, opts);
    const plan = planBuild(df, { buildArgs: opts.buildArgs, target: opts.target });
    for (const w of df.warnings) emit({ stream: `${w}\n` });

    let step = 1;
    for (const a of df.metaArgs) emit({ stream: `Step ${step++}/${plan.stepCount} : ${a.original}\n` });
    const first = new Map<number, number>();
    for (const i of plan.needed) {
      first.set(i, step);
      step += 1 + df.stages[i].commands.length;
    }
    const output = new OrderedOutput(plan.needed, emit);
    const results = new Map<number, Promise<StageResult>>();
    const ctx = { s, df, plan, results, resolveImage: this.resolveImage };
    // every needed stage starts at once and waits for the stages it names where it names
    // them (FROM, COPY --from, RUN --mount from=): independent stages run concurrently
    let failure: { e: unknown } | null = null;
    for (const i of plan.needed) {
      const p = StageRunner.run(ctx, i, first.get(i) as number, (m) => output.write(i, m));
      results.set(i, p);
      p.then(() => output.done(i), (e: unknown) => {
        if (!failure) {
          failure = { e };
          s.cancel(); // the other stages stop at their next step; their RUNs are killed
          output.flush();
        }
      });
    }
    await Promise.allSettled(results.values());
    if (failure) {
      await s.removalsDone(); // the stopped stages' containers are gone when the error is told
      throw (failure as { e: unknown }).e;
    }
    const target = await results.get(plan.target);
    const image = target?.image;
    if (!image) throw new InvalidParameterError('No image was generated. Is your Dockerfile empty?');
    await s.removalsDone();
    const warning = plan.buildArgs.unusedWarning();
    if (warning) emit({ stream: `${warning}\n` });
    emit({ aux: { ID: image.id } });
    emit({ stream: `Successfully built ${shortId(image.id)}\n` });
    for (const t of tags) {
      this.deps.images.tag(image.id, familiarString(t));
      emit({ stream: `Successfully tagged ${familiarString(t)}\n` });
    }
    return image.id;
  }

  /** The build cache as GET /system/df lists it: cached steps and RUN cache mounts. */
  /**
   * The cached images build prune can delete: untagged, and every image built on them
   * deletable too. The others (in a tagged image's chain) are shared with images.
   */
  private prunable(cached: ReadonlySet<string>): Set<string> {
    const all = this.deps.images.list();
    const children = new Map<string, string[]>();
    for (const i of all) if (i.parent) children.set(i.parent, [...(children.get(i.parent) ?? []), i.id]);
    const byId = new Map(all.map((i) => [i.id, i]));
    const memo = new Map<string, boolean>();
    const ok = (id: string): boolean => {
      const known = memo.get(id);
      if (known !== undefined) return known;
      memo.set(id, false); // a cycle (never in a sane store) keeps the image
      const img = byId.get(id);
      const v = !!img && cached.has(id) && img.repoTags.length === 0 && img.repoDigests.length === 0 && (children.get(id) ?? []).every(ok);
      memo.set(id, v);
      return v;
    };
    return new Set([...cached].filter(ok));
  }

  async usage(): Promise<DiskUsageBuildCache[]> {
    const out: DiskUsageBuildCache[] = [];
    const rows = this.deps.cache.list();
    const prunable = this.prunable(new Set(rows.map((r) => r.imageId)));
    for (const row of rows) {
      const img = this.deps.images.tryResolve(row.imageId);
      if (!img || img.id !== row.imageId) continue;
      const parent = row.parentId ? this.deps.images.tryResolve(row.parentId) : null;
      const top = img.chainIds.length && img.chainIds.length > (parent?.chainIds.length ?? 0)
        ? this.deps.images.layerSize(img.chainIds[img.chainIds.length - 1]) : 0;
      const history = img.config.history ?? [];
      out.push({
        ID: row.key.slice(0, 25), Parent: row.parentId ? row.parentId.slice(7, 32) : '', Type: 'regular',
        Description: history.length ? history[history.length - 1].created_by ?? '' : '',
        InUse: false, Shared: !prunable.has(img.id), Size: top, CreatedAt: row.created, LastUsedAt: row.uses ? row.lastUsed : null, UsageCount: row.uses,
      });
    }
    for (const m of await this.cacheMounts()) {
      out.push({
        ID: m.name.slice(0, 25), Type: 'exec.cachemount', Description: `cached mount ${Buffer.from(m.name, 'base64url').toString()}`,
        InUse: false, Shared: false, Size: m.size, CreatedAt: m.created, LastUsedAt: m.created, UsageCount: 1,
      });
    }
    return out;
  }

  private async cacheMounts(): Promise<{ name: string; dir: string; size: number; created: string }[]> {
    const root = path.join(this.deps.dataRoot, 'build', 'cache-mounts');
    let names: string[] = [];
    try { names = await fs.promises.readdir(root); } catch { names = []; }
    return Promise.all(names.map(async (name) => {
      const dir = path.join(root, name);
      const st = await fs.promises.stat(dir);
      return { name, dir, size: await dirSize(dir), created: st.birthtime.toISOString() };
    }));
  }

  /**
   * POST /build/prune: every cache entry, the cached images nothing else holds (untagged,
   * no children, no container), and the RUN cache mounts.
   */
  async prune(): Promise<BuildPruneResponse> {
    const deleted: string[] = [];
    let reclaimed = 0;
    const rows = this.deps.cache.list();
    const cachedImages = new Set(rows.map((r) => r.imageId));
    for (const r of rows) {
      this.deps.cache.delete(r.key);
      deleted.push(r.key.slice(0, 25));
    }
    // leaves first: removing a leaf may make its parent a leaf
    for (let progress = true; progress;) {
      progress = false;
      const all = this.deps.images.list();
      const parents = new Set(all.map((i) => i.parent).filter((p) => p !== ''));
      for (const img of all) {
        if (!cachedImages.has(img.id) || img.repoTags.length || img.repoDigests.length || parents.has(img.id)) continue;
        const size = img.chainIds.length ? this.deps.images.layerSize(img.chainIds[img.chainIds.length - 1]) : 0;
        try {
          const items = await this.deps.imageApi.remove(img.id, { force: false, noPrune: true });
          if (items.some((it) => it.Deleted)) { reclaimed += size; progress = true; }
        } catch {
          // used by a container: stays
        }
        cachedImages.delete(img.id);
      }
    }
    for (const m of await this.cacheMounts()) {
      await fs.promises.rm(m.dir, { recursive: true, force: true });
      reclaimed += m.size;
      deleted.push(m.name.slice(0, 25));
    }
    return { CachesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }
}

/** Docker's `--label`s: one more LABEL step at the end of the target stage. */
function addLabelStep(df: Dockerfile, opts: BuildOptions): void {
  const keys = Object.keys(opts.labels).sort();
  if (keys.length === 0) return;
  const target = opts.target ? df.stages.find((st) => st.name === opts.target.toLowerCase()) : df.stages[df.stages.length - 1];
  if (!target) return; // planBuild reports the unknown target
  const line = 'LABEL ' + keys.map((k) => `${JSON.stringify(k)}='${opts.labels[k].replace(/'/g, `'\\''`)}'`).join(' ');
  target.commands.push({ ...parseTrigger(line), original: line });
}
