import { InvalidParameterError } from '../util/errors';
import { BuildArgs, type BuildArgValues } from './build-args';
import { envFromList, ShellLex } from './dockerfile/expand';
import type { Dockerfile, Stage } from './dockerfile/instructions';

/**
 * Which stages a build needs and in what order: the target (or the last stage) and,
 * transitively, the stages it names in FROM, COPY --from and RUN --mount from=. Stages the
 * target does not need are not built (BuildKit's rule; the classic builder built them all);
 * stages with no dependency between them may run concurrently (`waves`).
 */

export interface PlannedStage {
  stage: Stage;
  /** FROM's image after meta-ARG substitution ("busybox:1.36", "scratch", a stage name) */
  base: string;
  /** the earlier stage FROM names, or null for an image or scratch */
  baseStage: number | null;
  platform: string;
  /** stages this one needs: FROM, COPY --from, RUN --mount from= */
  deps: number[];
  /** images (not stages) named by COPY --from or RUN --mount from= */
  images: string[];
}

export interface BuildPlan {
  /** every stage of the Dockerfile, resolved; `needed` says which to build */
  stages: PlannedStage[];
  /** stage indices to build, in Dockerfile order */
  needed: number[];
  /** the stage whose result is the image */
  target: number;
  /** `needed` grouped so that every stage's deps are in earlier groups */
  waves: number[][];
  /** the build's args, meta ARGs processed; each stage takes buildArgs.forStage() */
  buildArgs: BuildArgs;
  /** the `Step N/M` total: meta ARGs, and each needed stage's FROM and instructions */
  stepCount: number;
}

export interface PlanOptions {
  buildArgs?: BuildArgValues;
  target?: string;
  /** the platform built for and on (BuildKit's automatic TARGETARCH, BUILDOS... args); default linux/amd64 */
  platform?: { os: string; architecture: string; variant?: string };
}

/** Finds a stage by name (case-insensitive) among `stages`. */
function byName(stages: readonly Stage[], name: string): Stage | undefined {
  const l = name.toLowerCase();
  return stages.find((s) => s.name !== '' && s.name === l);
}

/**
 * The stage `ref` names from stage `current` (COPY --from / mount from=): a name or index of
 * an earlier stage, else null (an image). Errors as the classic builder words them.
 */
export function resolveStageRef(stages: readonly Stage[], current: number, ref: string): number | null {
  const earlier = stages.slice(0, current);
  const named = byName(earlier, ref);
  if (named) return named.index;
  if (!/^[+-]?\d+$/.test(ref)) return null;
  const i = Number(ref);
  if (i === current) throw new InvalidParameterError(`invalid from flag value ${ref}: refers to current build stage`);
  if (i < 0 || i > current) throw new InvalidParameterError(`invalid from flag value ${ref}: index out of bounds`);
  return i;
}

function wordExpander(escapeToken: string, values: Map<string, string>): (w: string) => string {
  const lex = new ShellLex(escapeToken);
  const env = envFromList([...values].map(([k, v]) => `${k}=${v}`));
  return (w) => {
    try {
      return lex.processWord(w, env).result;
    } catch (e) {
      throw new InvalidParameterError((e as Error).message);
    }
  };
}

/**
 * BuildKit's automatic platform args (TARGETPLATFORM, TARGETARCH, BUILDOS, ...): usable in
 * FROM lines and, once declared with ARG, in a stage. Builds run natively, so BUILD* = TARGET*.
 */
export function platformArgs(p: { os: string; architecture: string; variant?: string }): [string, string][] {
  const platform = `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ''}`;
  const out: [string, string][] = [];
  for (const prefix of ['BUILD', 'TARGET']) {
    out.push([`${prefix}PLATFORM`, platform], [`${prefix}OS`, p.os], [`${prefix}ARCH`, p.architecture], [`${prefix}VARIANT`, p.variant ?? '']);
  }
  return out;
}

/** Processes the ARGs before the first FROM (their values may use earlier ones). */
export function processMetaArgs(df: Dockerfile, values: BuildArgValues = new Map(), platform = { os: 'linux', architecture: 'amd64' }): BuildArgs {
  const args = new BuildArgs(values);
  for (const [k, v] of platformArgs(platform)) {
    args.addArg(k, v);
    args.addMetaArg(k, v);
  }
  for (const inst of df.metaArgs) {
    const expand = wordExpander(df.escapeToken, args.allAllowed());
    for (const a of inst.args) {
      const key = expand(a.key);
      const value = a.value === undefined ? undefined : expand(a.value);
      args.addArg(key, value);
      args.addMetaArg(key, value);
    }
  }
  return args;
}

export function planBuild(df: Dockerfile, opts: PlanOptions = {}): BuildPlan {
  if (df.stages.length === 0) throw new InvalidParameterError('no build stage in current context');
  const seen = new Set<string>();
  for (const s of df.stages) {
    if (s.name !== '' && seen.has(s.name)) throw new InvalidParameterError(`${s.name} stage name already used`);
    seen.add(s.name);
  }
  const buildArgs = processMetaArgs(df, opts.buildArgs, opts.platform);
  const meta = wordExpander(df.escapeToken, buildArgs.allMeta());

  const planned: PlannedStage[] = df.stages.map((stage) => {
    const base = meta(stage.baseName);
    if (base === '') throw new InvalidParameterError(`base name (${stage.baseName}) should not be blank`);
    const earlier = df.stages.slice(0, stage.index);
    const baseStage = byName(earlier, base)?.index ?? null;
    const deps = new Set<number>();
    const images = new Set<string>();
    if (baseStage !== null) deps.add(baseStage);
    const refs: string[] = [];
    for (const c of stage.commands) {
      if (c.kind === 'COPY' && c.from !== '') refs.push(c.from);
      if (c.kind === 'RUN') for (const m of c.mounts) if (m.from !== '') refs.push(m.from);
    }
    for (const raw of refs) {
      const ref = raw.includes('$') ? meta(raw) : raw;
      const i = resolveStageRef(df.stages, stage.index, ref);
      if (i === null) images.add(ref); else deps.add(i);
    }
    return { stage, base, baseStage, platform: stage.platform === '' ? '' : meta(stage.platform), deps: [...deps].sort((a, b) => a - b), images: [...images] };
  });

  let target = df.stages.length - 1;
  if (opts.target) {
    const t = df.stages.find((s) => s.name !== '' && s.name === opts.target?.toLowerCase());
    if (!t) throw new InvalidParameterError(`failed to reach build target ${opts.target} in Dockerfile`);
    target = t.index;
  }

  const needed = new Set<number>();
  const visit = (i: number): void => {
    if (needed.has(i)) return;
    needed.add(i);
    for (const d of planned[i].deps) visit(d);
  };
  visit(target);
  const order = [...needed].sort((a, b) => a - b);

  // deps always point to earlier stages, so levels follow in one pass
  const level = new Map<number, number>();
  for (const i of order) level.set(i, Math.max(-1, ...planned[i].deps.map((d) => level.get(d) as number)) + 1);
  const waves: number[][] = [];
  for (const i of order) {
    const l = level.get(i) as number;
    (waves[l] ??= []).push(i);
  }
  const stepCount = df.metaArgs.length + order.reduce((n, i) => n + 1 + df.stages[i].commands.length, 0);
  return { stages: planned, needed: order, target, waves, buildArgs, stepCount };
}
