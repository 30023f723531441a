import { InvalidParameterError } from '../util/errors';
import { parseSignal } from '../util/signals';
import { BuildArgs } from './build-args';
import { envFromList, ShellLex, type EnvLookup } from './dockerfile/expand';
import { formatGoDuration, goQuoteSlice, goSlice } from './dockerfile/go-format';
import type { HealthConfig, Instruction, InstructionOf } from './dockerfile/instructions';
import { heredocContent, type Heredoc } from './dockerfile/parser';
import type { RunMount } from './dockerfile/run-mount';
import { exposedPortKeys } from './ports';

/**
 * What each instruction does to the image config and which history line it leaves, exactly
 * as the classic builder (moby builder/dockerfile/dispatchers.go) does it. A StageDispatcher
 * holds one stage's state (config, ARGs, CMD-set flag); the executor runs the steps that need
 * a container or files (RUN, COPY/ADD, WORKDIR's mkdir) and commits each step.
 */

type PortSet = Record<string, Record<string, never>>;

/** The image config fields the builder sets (Docker's names). */
export interface RunConfig {
  User?: string;
  ExposedPorts?: PortSet;
  Env?: string[];
  Cmd?: string[] | null;
  Healthcheck?: HealthConfig;
  Volumes?: PortSet;
  WorkingDir?: string;
  Entrypoint?: string[] | null;
  OnBuild?: string[] | null;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Shell?: string[];
}

export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c'];
export const DEFAULT_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export function cloneConfig(c: RunConfig): RunConfig {
  return structuredClone(c);
}

/** A step: its history text and the config used as the cache probe (ContainerConfig). */
interface StepBase {
  /** history created_by */
  createdBy: string;
  /** the container config Docker stores and compares for the cache (Cmd = the step's text) */
  containerConfig: RunConfig;
  /** the image config after the step */
  config: RunConfig;
}

export type Step =
  /** metadata only: commit without running anything */
  | StepBase & { kind: 'commit'; instruction: Instruction }
  | StepBase & {
    kind: 'run'; instruction: InstructionOf<'RUN'>;
    /** what the RUN container executes, and its environment (config Env + build args) */
    cmd: string[]; env: string[]; mounts: RunMount[]; network: string;
    /** a `RUN <<EOF` document starting with #!: to be mounted read-only, mode 0755, at path */
    script?: { path: string; content: string };
  }
  /** WORKDIR: the executor creates the directory, then commits */
  | StepBase & { kind: 'workdir'; instruction: InstructionOf<'WORKDIR'>; path: string };

/** COPY/ADD: expanded; created_by and the cache config need the sources' checksum. */
export interface CopyStep {
  kind: 'copy';
  instruction: InstructionOf<'COPY'> | InstructionOf<'ADD'>;
  sources: string[];
  dest: string;
  chown: string;
  chmod: string;
  from: string;
  /** heredoc sources: name → content (expanded when the delimiter was not quoted) */
  inline: Map<string, string>;
  config: RunConfig;
  createdBy(sourceHash: string): string;
  containerConfig(sourceHash: string): RunConfig;
}

/** The message of a failed RUN (classic builder). */
export function runFailedMessage(cmd: readonly string[], code: number): string {
  return `The command '${cmd.join(' ')}' returned a non-zero code: ${code}`;
}

/** The classic builder's progress line of a step: `Step 2/5 : RUN echo hi`. */
export function stepLine(n: number, total: number, original: string): string {
  return `Step ${n}/${total} : ${original}`;
}

/** The line the classic builder prints before running a base image's ONBUILD triggers. */
export function triggersMessage(n: number): string {
  return `# Executing ${n} build trigger${n > 1 ? 's' : ''}`;
}

/** `%+v` of a *container.HealthConfig (Docker 20.10's fields). */
export function healthString(h: HealthConfig): string {
  const d = (n?: number): string => formatGoDuration(n ?? 0);
  return `&{Test:${goSlice(h.Test)} Interval:${d(h.Interval)} Timeout:${d(h.Timeout)} StartPeriod:${d(h.StartPeriod)} Retries:${h.Retries ?? 0}}`;
}

/** WORKDIR relative to the previous one; cleaned. */
export function normalizeWorkdir(current: string, requested: string): string {
  if (requested === '') throw new InvalidParameterError('cannot normalize nothing');
  const joined = requested.startsWith('/') ? requested : `/${current}/${requested}`;
  const parts: string[] = [];
  for (const p of joined.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop(); else parts.push(p);
  }
  return '/' + parts.join('/');
}

function envKey(e: string): string {
  const i = e.indexOf('=');
  return i < 0 ? e : e.slice(0, i);
}

export interface StageOptions {
  /** the base image's config; null for scratch */
  base: RunConfig | null;
  /** the build's args (meta args processed); the stage gets its own copy */
  buildArgs: BuildArgs;
  escapeToken?: string;
}

export class StageDispatcher {
  config: RunConfig;
  readonly buildArgs: BuildArgs;
  maintainer = '';
  private cmdSet = false;
  private readonly lex: ShellLex;

  constructor(opts: StageOptions) {
    this.config = opts.base ? cloneConfig(opts.base) : {};
    this.buildArgs = opts.buildArgs.forStage();
    this.lex = new ShellLex(opts.escapeToken ?? '\\');
    // beginStage: default PATH when the base sets none
    const env = this.config.Env ?? [];
    if (!env.some((e) => envKey(e) === 'PATH')) this.config.Env = [...env, DEFAULT_PATH_ENV];
  }

  /** The base image's ONBUILD triggers, to run first; they are cleared from the config. */
  takeTriggers(): string[] {
    const t = this.config.OnBuild ?? [];
    this.config.OnBuild = null;
    return t;
  }

  private shell(): string[] {
    return this.config.Shell?.length ? [...this.config.Shell] : [...DEFAULT_SHELL];
  }

  /** Variables an instruction's words see: Env, plus the stage's build args Env does not set. */
  env(): EnvLookup {
    const env = this.config.Env ?? [];
    return envFromList([...env, ...this.buildArgs.filterAllowed(env)]);
  }

  private word(w: string, env: EnvLookup): string {
    try {
      return this.lex.processWord(w, env).result;
    } catch (e) {
      throw new InvalidParameterError((e as Error).message);
    }
  }

  private commit(inst: Instruction, comment: string): Step {
    const containerConfig = cloneConfig(this.config);
    containerConfig.Cmd = [...this.shell(), '#(nop) ', comment];
    return { kind: 'commit', instruction: inst, createdBy: containerConfig.Cmd.join(' '), containerConfig, config: cloneConfig(this.config) };
  }

  private resolveCmd(cmdLine: string[] | null, prependShell: boolean): string[] | null {
    if (cmdLine === null) return null;
    return prependShell ? [...this.shell(), ...cmdLine] : [...cmdLine];
  }

  /** Applies one instruction (not COPY/ADD: see copy()). */
  dispatch(inst: Instruction): Step {
    const env = this.env();
    const c = this.config;
    switch (inst.kind) {
      case 'ENV': {
        const pairs = inst.env.map(({ key, value }) => `${this.word(key, env)}=${this.word(value, env)}`);
        const list = [...(c.Env ?? [])];
        for (const p of pairs) {
          const i = list.findIndex((e) => envKey(e) === envKey(p));
          if (i >= 0) list[i] = p; else list.push(p);
        }
        c.Env = list;
        return this.commit(inst, `ENV ${pairs.join(' ')}`);
      }
      case 'MAINTAINER':
        this.maintainer = inst.maintainer;
        return this.commit(inst, `MAINTAINER ${inst.maintainer}`);
      case 'LABEL': {
        c.Labels = { ...(c.Labels ?? {}) };
        let s = 'LABEL';
        for (const { key, value } of inst.labels) {
          const k = this.word(key, env);
          const v = this.word(value, env);
          c.Labels[k] = v;
          s += ` ${k}=${v}`;
        }
        return this.commit(inst, s);
      }
      case 'ONBUILD':
        c.OnBuild = [...(c.OnBuild ?? []), inst.expression];
        return this.commit(inst, `ONBUILD ${inst.expression}`);
      case 'WORKDIR': {
        c.WorkingDir = normalizeWorkdir(c.WorkingDir ?? '', this.word(inst.path, env));
        const containerConfig = cloneConfig(c);
        containerConfig.Cmd = [...this.shell(), `#(nop) WORKDIR ${c.WorkingDir}`];
        return { kind: 'workdir', instruction: inst, path: c.WorkingDir, createdBy: containerConfig.Cmd.join(' '), containerConfig, config: cloneConfig(c) };
      }
      case 'RUN': return this.run(inst);
      case 'CMD': {
        const cmd = this.resolveCmd(inst.cmdLine, inst.prependShell);
        c.Cmd = cmd;
        if (inst.cmdLine.length !== 0) this.cmdSet = true;
        return this.commit(inst, `CMD ${goQuoteSlice(cmd)}`);
      }
      case 'HEALTHCHECK':
        c.Healthcheck = structuredClone(inst.health);
        return this.commit(inst, `HEALTHCHECK ${healthString(inst.health)}`);
      case 'ENTRYPOINT': {
        c.Entrypoint = this.resolveCmd(inst.cmdLine, inst.prependShell);
        // an ENTRYPOINT resets the CMD inherited from the base image, not one set in this stage
        if (!this.cmdSet) c.Cmd = null;
        return this.commit(inst, `ENTRYPOINT ${goQuoteSlice(c.Entrypoint)}`);
      }
      case 'EXPOSE': {
        const ports: string[] = [];
        for (const p of inst.ports) {
          try {
            ports.push(...this.lex.processWords(p, env));
          } catch (e) {
            throw new InvalidParameterError((e as Error).message);
          }
        }
        c.ExposedPorts = { ...(c.ExposedPorts ?? {}) };
        for (const k of exposedPortKeys(ports)) c.ExposedPorts[k] = {};
        return this.commit(inst, `EXPOSE ${ports.join(' ')}`);
      }
      case 'USER':
        c.User = this.word(inst.user, env);
        return this.commit(inst, `USER ${c.User}`);
      case 'VOLUME': {
        const vols = inst.volumes.map((v) => this.word(v, env));
        c.Volumes = { ...(c.Volumes ?? {}) };
        for (const v of vols) {
          if (v === '') throw new InvalidParameterError('VOLUME specified can not be an empty string');
          c.Volumes[v] = {};
        }
        return this.commit(inst, `VOLUME ${goSlice(vols)}`);
      }
      case 'STOPSIGNAL': {
        const sig = this.word(inst.signal, env);
        parseSignal(sig);
        c.StopSignal = sig;
        return this.commit(inst, `STOPSIGNAL ${sig}`);
      }
      case 'ARG': {
        const parts: string[] = [];
        for (const a of inst.args) {
          const key = this.word(a.key, env);
          const value = a.value === undefined ? undefined : this.word(a.value, env);
          this.buildArgs.addArg(key, value);
          parts.push(value === undefined ? key : `${key}=${value}`);
        }
        return this.commit(inst, `ARG ${parts.join(' ')}`);
      }
      case 'SHELL':
        c.Shell = [...inst.shell];
        return this.commit(inst, `SHELL ${goSlice(c.Shell)}`);
      case 'ADD': case 'COPY':
        throw new Error(`${inst.kind} needs the sources' checksum: use copy()`);
    }
  }

  private run(inst: InstructionOf<'RUN'>): Step {
    const c = this.config;
    let cmd = this.resolveCmd(inst.cmdLine, inst.prependShell) ?? [];
    let script: { path: string; content: string } | undefined;
    if (inst.heredocs.length && inst.prependShell) {
      // as BuildKit's dockerfile2llb: `RUN <<EOF` runs the document itself (a #! one as a
      // file under /dev/pipes/); otherwise the line and its documents go to the shell
      const line = inst.cmdLine[0] ?? '';
      if (/^\d*<<-?\s*[^<]+$/.test(line)) {
        const body = heredocContent(inst.heredocs[0]);
        if (body.startsWith('#!')) {
          script = { path: `/dev/pipes/${inst.heredocs[0].name}`, content: body };
          cmd = [...this.shell(), script.path];
        } else {
          cmd = [...this.shell(), body];
        }
      } else {
        cmd = [...this.shell(), line + inst.heredocs.map((h: Heredoc) => '\n' + h.content + h.name).join('')];
      }
    }
    const env = c.Env ?? [];
    const buildArgs = this.buildArgs.filterAllowed(env);
    let saveCmd = cmd;
    if (buildArgs.length > 0) {
      const shown = buildArgs.filter((kv) => this.buildArgs.isReferencedOrNotBuiltin(envKey(kv))).sort();
      saveCmd = [`|${shown.length}`, ...shown, ...cmd];
    }
    const containerConfig = cloneConfig(c);
    containerConfig.Cmd = saveCmd;
    if (saveCmd.length > 0) containerConfig.Entrypoint = null;
    return {
      kind: 'run', instruction: inst, cmd, env: [...env, ...buildArgs], mounts: inst.mounts, network: inst.network,
      script, createdBy: saveCmd.join(' '), containerConfig, config: cloneConfig(c),
    };
  }

  /** COPY/ADD: expands sources, dest and flags; the executor computes the checksum. */
  copy(inst: InstructionOf<'COPY'> | InstructionOf<'ADD'>): CopyStep {
    const env = this.env();
    const inline = new Map<string, string>();
    // heredoc documents expand as BuildKit does: `\` escapes and variables, quotes kept
    const raw = new ShellLex('\\', { skipProcessQuotes: true });
    for (const h of inst.heredocs) {
      const body = heredocContent(h);
      if (!h.expand) { inline.set(h.name, body); continue; }
      try {
        inline.set(h.name, raw.processWord(body, env).result);
      } catch (e) {
        throw new InvalidParameterError((e as Error).message);
      }
    }
    const sources = inst.sources.map((s) => (/^<</.test(s) ? s : this.word(s, env)));
    const dest = this.word(inst.dest, env);
    const chown = this.word(inst.chown, env);
    const chmod = this.word(inst.chmod, env);
    const from = inst.kind === 'COPY' ? this.word(inst.from, env) : '';
    const config = cloneConfig(this.config);
    const shell = this.shell();
    const text = (hash: string): string =>
      `${inst.kind} ${chown ? `--chown=${chown} ` : ''}${chmod ? `--chmod=${chmod} ` : ''}${hash} in ${dest} `;
    return {
      kind: 'copy', instruction: inst, sources, dest, chown, chmod, from, inline, config,
      createdBy: (hash) => [...shell, `#(nop) ${text(hash)}`].join(' '),
      containerConfig: (hash) => ({ ...cloneConfig(config), Cmd: [...shell, `#(nop) ${text(hash)}`] }),
    };
  }
}
