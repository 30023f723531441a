import { InvalidParameterError } from '../../util/errors';
import { DockerfileParseError } from './errors';
import { BFlags } from './flags';
import { parseGoDuration, formatGoDuration } from './go-format';
import { parseDockerfile, type Heredoc, type Node } from './parser';
import { parseRunMount, parseRunNetwork, type NetworkMode, type RunMount } from './run-mount';

/**
 * Nodes → typed instructions grouped in stages (BuildKit's frontend/dockerfile/instructions),
 * with the argument checks and wording of Docker 20.10's classic builder. Values are raw:
 * variables are substituted later (expand.ts) with the environment of the step.
 */

export interface KeyValue { key: string; value: string }
export interface ArgDecl { key: string; value?: string }

export interface HealthConfig {
  /** ["NONE"], ["CMD", ...], ["CMD-SHELL", "cmd"] */
  Test: string[];
  /** nanoseconds; 0 = inherit/default */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

interface Base {
  /** first line of the instruction in the Dockerfile, 1-based */
  line: number;
  endLine: number;
  /** the instruction as written, continuations joined, trimmed (`Step 2/5 : <original>`) */
  original: string;
}

export type Instruction = Base & (
  | { kind: 'ENV'; env: KeyValue[] }
  | { kind: 'MAINTAINER'; maintainer: string }
  | { kind: 'LABEL'; labels: KeyValue[] }
  | { kind: 'ADD'; sources: string[]; dest: string; chown: string; chmod: string; link: boolean; keepGitDir: boolean; checksum: string; heredocs: Heredoc[] }
  | { kind: 'COPY'; sources: string[]; dest: string; from: string; chown: string; chmod: string; link: boolean; heredocs: Heredoc[] }
  | { kind: 'ONBUILD'; expression: string }
  | { kind: 'WORKDIR'; path: string }
  | { kind: 'RUN'; cmdLine: string[]; prependShell: boolean; mounts: RunMount[]; network: NetworkMode | ''; security: string; heredocs: Heredoc[] }
  | { kind: 'CMD'; cmdLine: string[]; prependShell: boolean }
  | { kind: 'ENTRYPOINT'; cmdLine: string[] | null; prependShell: boolean }
  | { kind: 'HEALTHCHECK'; health: HealthConfig }
  | { kind: 'EXPOSE'; ports: string[] }
  | { kind: 'USER'; user: string }
  | { kind: 'VOLUME'; volumes: string[] }
  | { kind: 'STOPSIGNAL'; signal: string }
  | { kind: 'ARG'; args: ArgDecl[] }
  | { kind: 'SHELL'; shell: string[] }
);

export type InstructionKind = Instruction['kind'];
export type InstructionOf<K extends InstructionKind> = Extract<Instruction, { kind: K }>;

export interface Stage {
  /** position in the Dockerfile, 0-based (`COPY --from=0`) */
  index: number;
  /** `AS name`, lower-cased; '' when unnamed */
  name: string;
  /** the image or stage named by FROM, raw (may hold ARG references) */
  baseName: string;
  platform: string;
  /** the FROM line as written */
  original: string;
  line: number;
  commands: Instruction[];
}

export interface Dockerfile {
  stages: Stage[];
  /** ARGs before the first FROM */
  metaArgs: InstructionOf<'ARG'>[];
  escapeToken: string;
  directives: Record<string, string>;
  warnings: string[];
}

const MINIMUM_DURATION = 1e6; // 1ms, container.MinimumDuration

const errAtLeastOne = (c: string): Error => new Error(`${c} requires at least one argument`);
const errExactlyOne = (c: string): Error => new Error(`${c} requires exactly one argument`);
const errNoDest = (c: string): Error => new Error(`${c} requires at least two arguments, but only one was provided. Destination could not be determined.`);
const errBlankNames = (c: string): Error => new Error(`${c} names can not be blank`);

/** shell form: one string; exec form: the JSON elements */
function cmdLine(node: Node): string[] {
  if (node.args.length === 0) return [];
  return node.json ? node.args : [node.args.join(' ')];
}

function kvs(node: Node, name: string): KeyValue[] {
  const pairs = node.kvs ?? [];
  if (pairs.length === 0) throw errAtLeastOne(name);
  return pairs.map(([key, value]) => {
    if (key === '') throw errBlankNames(name);
    return { key, value };
  });
}

function optInterval(flags: BFlags, name: string): number {
  const s = flags.string(name);
  if (s === '') return 0;
  const d = parseGoDuration(s);
  if (d < MINIMUM_DURATION) throw new Error(`Interval "${name}" cannot be less than ${formatGoDuration(MINIMUM_DURATION)}`);
  return d;
}

function healthcheck(node: Node, flags: BFlags): HealthConfig {
  if (node.args.length === 0) throw errAtLeastOne('HEALTHCHECK');
  const typ = node.args[0].toUpperCase();
  const args = node.args.slice(1);
  if (typ === 'NONE') {
    if (args.length !== 0) throw new Error('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  for (const f of ['interval', 'timeout', 'start-period', 'retries']) flags.addString(f);
  flags.parse();
  if (typ !== 'CMD') throw new Error(`Unknown type "${typ}" in HEALTHCHECK (try CMD)`);
  const cmd = args.length === 0 ? [] : node.json ? args : [args.join(' ')];
  if (cmd.length === 0) throw new Error('Missing command after HEALTHCHECK CMD');
  const hc: HealthConfig = { Test: [node.json ? 'CMD' : 'CMD-SHELL', ...cmd] };
  hc.Interval = optInterval(flags, 'interval');
  hc.Timeout = optInterval(flags, 'timeout');
  hc.StartPeriod = optInterval(flags, 'start-period');
  const r = flags.string('retries');
  if (r !== '') {
    if (!/^[+-]?\d+$/.test(r) || Math.abs(Number(r)) > 2 ** 31 - 1) throw new Error(`strconv.ParseInt: parsing ${JSON.stringify(r)}: invalid syntax`);
    const n = Number(r);
    if (n < 1) throw new Error(`--retries must be at least 1 (not ${n})`);
    hc.Retries = n;
  } else {
    hc.Retries = 0;
  }
  return hc;
}

function stageName(args: string[]): string {
  if (args.length === 3 && args[1].toLowerCase() === 'as') {
    const name = args[2].toLowerCase();
    if (!/^[a-z][a-z0-9-_.]*$/.test(name)) {
      throw new Error(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`);
    }
    return name;
  }
  if (args.length !== 1) throw new Error('FROM requires either one or three arguments');
  return '';
}

type Parsed = Instruction | (Omit<Stage, 'index' | 'commands'> & { kind: 'FROM' });

/** One node → one instruction (or a FROM). Errors carry no line; parseInstructions adds it. */
export function parseInstruction(node: Node): Parsed {
  const base: Base = { line: node.startLine, endLine: node.endLine, original: node.original.trim() };
  const f = new BFlags(node.flags);
  const a = node.args;
  switch (node.name) {
    case 'ENV': f.parse(); return { ...base, kind: 'ENV', env: kvs(node, 'ENV') };
    case 'MAINTAINER':
      if (a.length !== 1) throw errExactlyOne('MAINTAINER');
      f.parse();
      return { ...base, kind: 'MAINTAINER', maintainer: a[0] };
    case 'LABEL': f.parse(); return { ...base, kind: 'LABEL', labels: kvs(node, 'LABEL') };
    case 'ADD':
      if (a.length < 2) throw errNoDest('ADD');
      f.addString('chown'); f.addString('chmod'); f.addBool('link'); f.addBool('keep-git-dir'); f.addString('checksum');
      f.parse();
      return {
        ...base, kind: 'ADD', sources: a.slice(0, -1), dest: a[a.length - 1], chown: f.string('chown'), chmod: f.string('chmod'),
        link: f.bool('link'), keepGitDir: f.bool('keep-git-dir'), checksum: f.string('checksum'), heredocs: node.heredocs,
      };
    case 'COPY':
      if (a.length < 2) throw errNoDest('COPY');
      f.addString('chown'); f.addString('from'); f.addString('chmod'); f.addBool('link');
      f.parse();
      return {
        ...base, kind: 'COPY', sources: a.slice(0, -1), dest: a[a.length - 1], from: f.string('from'), chown: f.string('chown'),
        chmod: f.string('chmod'), link: f.bool('link'), heredocs: node.heredocs,
      };
    case 'FROM': {
      const name = stageName(a);
      f.addString('platform');
      f.parse();
      return { kind: 'FROM', name, baseName: a[0], platform: f.string('platform'), original: base.original, line: base.line };
    }
    case 'ONBUILD': {
      const trigger = node.next;
      if (!trigger || trigger.name === '') throw errAtLeastOne('ONBUILD');
      f.parse();
      if (trigger.name === 'ONBUILD') throw new Error('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trigger.name === 'MAINTAINER' || trigger.name === 'FROM') throw new Error(`${trigger.name} isn't allowed as an ONBUILD trigger`);
      return { ...base, kind: 'ONBUILD', expression: node.original.replace(/^\s*ONBUILD\s*/i, '') };
    }
    case 'WORKDIR':
      if (a.length !== 1) throw errExactlyOne('WORKDIR');
      f.parse();
      return { ...base, kind: 'WORKDIR', path: a[0] };
    case 'RUN': {
      f.addStrings('mount'); f.addString('network'); f.addString('security');
      f.parse();
      const network = f.isUsed('network') ? parseRunNetwork(f.string('network')) : '';
      const security = f.string('security');
      if (security !== '' && security !== 'sandbox' && security !== 'insecure') throw new Error(`security mode ${JSON.stringify(security)} not supported`);
      return {
        ...base, kind: 'RUN', cmdLine: cmdLine(node), prependShell: !node.json,
        mounts: f.strings('mount').map((m) => parseRunMount(m)), network, security, heredocs: node.heredocs,
      };
    }
    case 'CMD': f.parse(); return { ...base, kind: 'CMD', cmdLine: cmdLine(node), prependShell: !node.json };
    case 'ENTRYPOINT': {
      f.parse();
      const c = cmdLine(node);
      return { ...base, kind: 'ENTRYPOINT', cmdLine: c.length === 0 ? null : c, prependShell: !node.json };
    }
    case 'HEALTHCHECK': return { ...base, kind: 'HEALTHCHECK', health: healthcheck(node, f) };
    case 'EXPOSE':
      if (a.length === 0) throw errAtLeastOne('EXPOSE');
      f.parse();
      return { ...base, kind: 'EXPOSE', ports: [...a].sort() };
    case 'USER':
      if (a.length !== 1) throw errExactlyOne('USER');
      f.parse();
      return { ...base, kind: 'USER', user: a[0] };
    case 'VOLUME': {
      if (a.length === 0) throw errAtLeastOne('VOLUME');
      f.parse();
      const volumes = a.map((v) => {
        const t = v.trim();
        if (t === '') throw new Error('VOLUME specified can not be an empty string');
        return t;
      });
      return { ...base, kind: 'VOLUME', volumes };
    }
    case 'STOPSIGNAL':
      if (a.length !== 1) throw errExactlyOne('STOPSIGNAL');
      f.parse();
      return { ...base, kind: 'STOPSIGNAL', signal: a[0] };
    case 'ARG': {
      if (a.length < 1) throw errAtLeastOne('ARG');
      f.parse();
      const args = a.map((w): ArgDecl => {
        const i = w.indexOf('=');
        if (i < 0) return { key: w };
        if (i === 0) throw errBlankNames('ARG');
        return { key: w.slice(0, i), value: w.slice(i + 1) };
      });
      return { ...base, kind: 'ARG', args };
    }
    case 'SHELL': {
      f.parse();
      const s = cmdLine(node);
      if (s.length === 0) throw errAtLeastOne('SHELL');
      if (!node.json) throw new Error('SHELL requires the arguments to be in JSON form');
      return { ...base, kind: 'SHELL', shell: s };
    }
    default:
      throw new Error(`unknown instruction: ${node.name}`);
  }
}

function lineError(e: unknown, line: number): Error {
  if (e instanceof DockerfileParseError) return e;
  return new DockerfileParseError(line, e instanceof Error ? e.message : String(e));
}

/** Nodes → stages, as instructions.Parse does. */
export function parseInstructions(nodes: Node[]): { stages: Stage[]; metaArgs: InstructionOf<'ARG'>[] } {
  const stages: Stage[] = [];
  const metaArgs: InstructionOf<'ARG'>[] = [];
  for (const node of nodes) {
    let p: Parsed;
    try {
      p = parseInstruction(node);
    } catch (e) {
      throw lineError(e, node.startLine);
    }
    if (p.kind === 'FROM') {
      stages.push({ index: stages.length, name: p.name, baseName: p.baseName, platform: p.platform, original: p.original, line: p.line, commands: [] });
      continue;
    }
    if (stages.length === 0) {
      if (p.kind === 'ARG') { metaArgs.push(p); continue; }
      throw new InvalidParameterError('no build stage in current context');
    }
    stages[stages.length - 1].commands.push(p);
  }
  return { stages, metaArgs };
}

/** Text → stages: the whole front end. */
export function parseDockerfileStages(text: string): Dockerfile {
  const r = parseDockerfile(text);
  const { stages, metaArgs } = parseInstructions(r.nodes);
  return { stages, metaArgs, escapeToken: r.escapeToken, directives: r.directives, warnings: r.warnings };
}

/** An ONBUILD trigger (stored raw in the image config) → its instruction. */
export function parseTrigger(expression: string): Instruction {
  const r = parseDockerfile(expression);
  if (r.nodes.length !== 1) throw new InvalidParameterError('onbuild trigger should be a single expression');
  const p = parseInstruction(r.nodes[0]);
  if (p.kind === 'FROM') throw new InvalidParameterError("FROM isn't allowed as an ONBUILD trigger");
  return p;
}
