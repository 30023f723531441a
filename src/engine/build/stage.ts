import * as fs from 'node:fs';
import {
  StageDispatcher, parseTrigger, resolveStageRef, stepLine, triggersMessage,
  type BuildPlan, type Dockerfile, type Instruction, type RunConfig,
} from '../../build';
import type { ImageRecord } from '../../image';
import { commitRwLayer, imageConfigOf } from '../container/commit';
import type { BaseImageResolver } from './base-image';
import { mkdirAllInRoot } from './copy-files';
import { copySources, copyStep } from './copy-step';
import { shortId } from './output';
import { metadataStep, runStep } from './run-step';
import { BuildFailure, type BuildSession, type Emit } from './session';

/** A built stage: its image (null: scratch with no instruction) and config. */
export interface StageResult { image: ImageRecord | null; config: RunConfig }

export interface StageContext {
  s: BuildSession;
  df: Dockerfile;
  plan: BuildPlan;
  results: Map<number, Promise<StageResult>>;
  resolveImage: BaseImageResolver;
}

/**
 * One stage of the classic builder: FROM, the base image's ONBUILD triggers, then each
 * instruction: `Step n/N : ...`, a cache lookup (once a step misses, the rest of the stage
 * runs), else the step itself, then ` ---> <image>`.
 */
export class StageRunner {
  private image: ImageRecord | null = null;
  private missed = false;
  private readonly d: StageDispatcher;

  private constructor(private readonly c: StageContext, private readonly index: number, private readonly emit: Emit, base: ImageRecord | null, baseConfig: RunConfig | null) {
    this.image = base;
    this.d = new StageDispatcher({ base: baseConfig, buildArgs: c.plan.buildArgs, escapeToken: c.df.escapeToken });
  }

  static async run(c: StageContext, index: number, firstStep: number, emit: Emit): Promise<StageResult> {
    const planned = c.plan.stages[index];
    let step = firstStep;
    emit({ stream: stepLine(step++, c.plan.stepCount, planned.stage.original) + '\n' });
    let base: ImageRecord | null = null;
    let baseConfig: RunConfig | null = null;
    if (planned.baseStage !== null) {
      const r = await c.results.get(planned.baseStage);
      if (!r) throw new BuildFailure(`stage ${planned.base} was not built`);
      base = r.image;
      baseConfig = r.config;
    } else if (planned.base.toLowerCase() !== 'scratch') {
      // FROM --platform= (expanded), else build --platform, else any (the host's)
      const platform = planned.platform || c.s.opts.platform || undefined;
      base = await c.resolveImage(planned.base, { pull: c.s.opts.pull, signal: c.s.signal, platform, auths: c.s.opts.registryAuths });
      baseConfig = (base.config.config ?? {}) as RunConfig;
    }
    const r = new StageRunner(c, index, emit, base, baseConfig);
    // the base image's ONBUILD triggers belong to the FROM step
    const triggers = r.d.takeTriggers();
    if (triggers.length) {
      emit({ stream: triggersMessage(triggers.length) + '\n' });
      for (const t of triggers) await r.exec(parseTrigger(t));
    }
    emit({ stream: ` ---> ${r.image ? shortId(r.image.id) : ''}\n` });
    for (const inst of planned.stage.commands) {
      c.s.checkAborted();
      emit({ stream: stepLine(step++, c.plan.stepCount, inst.original) + '\n' });
      await r.exec(inst);
      emit({ stream: ` ---> ${r.image ? shortId(r.image.id) : ''}\n` });
    }
    return { image: r.image, config: r.d.config };
  }

  private cached(probe: RunConfig, extra = ''): ImageRecord | null {
    if (this.missed) return null;
    const hit = this.c.s.lookup(this.image, probe, extra);
    if (hit) this.emit({ stream: ' ---> Using cache\n' });
    else this.missed = true;
    return hit;
  }

  /** The root a COPY --from / RUN --mount from= names: a stage or an image. */
  private readonly rootOf = async (ref: string): Promise<string> => {
    const i = resolveStageRef(this.c.df.stages, this.index, ref);
    let img: ImageRecord | null;
    if (i !== null) {
      const r = await this.c.results.get(i);
      if (!r) throw new BuildFailure(`stage ${ref} was not built`);
      img = r.image;
    } else {
      img = await this.c.resolveImage(ref, { pull: false, signal: this.c.s.signal, auths: this.c.s.opts.registryAuths });
    }
    if (img) return this.c.s.imageRoot(img);
    const empty = this.c.s.tmpPath('empty-root');
    await fs.promises.mkdir(empty, { recursive: true });
    return empty;
  };

  private async exec(inst: Instruction): Promise<void> {
    const { s } = this.c;
    const parent = this.image;
    if (inst.kind === 'COPY' || inst.kind === 'ADD') {
      const cs = this.d.copy(inst);
      const fromContext = cs.from === '';
      const root = fromContext ? s.ctxDir : await this.rootOf(cs.from);
      const { sources, hash } = await copySources(s, cs, root, fromContext);
      const probe = cs.containerConfig(hash);
      const hit = this.cached(probe);
      if (hit) { this.image = hit; return; }
      if (fromContext) await s.contextOnDisk();
      this.image = await copyStep(s, cs, parent, sources, probe, cs.createdBy(hash), this.d.maintainer);
      s.remember(parent, probe, this.image);
      return;
    }
    const step = this.d.dispatch(inst);
    const extra = step.kind === 'run' && (step.mounts.length || step.network) ? JSON.stringify({ mounts: step.mounts, network: step.network }) : '';
    const hit = this.cached(step.containerConfig, extra);
    if (hit) { this.image = hit; return; }
    switch (step.kind) {
      case 'run':
        this.image = await runStep(s, step, parent, this.emit, this.rootOf, this.d.maintainer);
        break;
      case 'workdir':
      case 'commit':
        if (parent) {
          this.image = await metadataStep(s, step, parent, this.emit, this.d.maintainer);
        } else if (step.kind === 'workdir') {
          // FROM scratch: no image to make a container of; a layer of its own
          const layer = await s.scratchLayer(parent);
          try {
            await mkdirAllInRoot(layer.root, step.path, { uid: 0, gid: 0 });
            this.image = await this.commit(parent, layer.id, step.config, step.containerConfig, step.createdBy);
          } finally {
            await s.dropScratch(layer.id);
          }
        } else this.image = await this.commit(parent, null, step.config, step.containerConfig, step.createdBy);
        break;
    }
    if (this.image) s.remember(parent, step.containerConfig, this.image, extra);
  }

  private commit(parent: ImageRecord | null, rwId: string | null, config: RunConfig, probe: RunConfig, createdBy: string): Promise<ImageRecord> {
    const image = parent?.id ?? '';
    return commitRwLayer(this.c.s.deps.layers, this.c.s.deps.images, {
      rwId, parent,
      config: imageConfigOf({ ...config, Image: image }),
      containerConfig: imageConfigOf({ ...probe, Image: image }),
      containerId: '',
      createdBy,
      author: this.d.maintainer || undefined,
    });
  }
}
