import { parseGoDuration } from '../util/go-duration';
import { constants } from 'node:os';
import * as path from 'node:path';
import type { ImageRuntimeConfig } from './image-store';
import { InvalidParameterError } from '../util/errors';

/**
 * `docker import --change` / `docker commit --change`: Dockerfile instructions applied to
 * an image config, as Docker's BuildFromConfig does. Only the instructions that change
 * configuration are allowed.
 */

const VALID = new Set(['cmd', 'entrypoint', 'healthcheck', 'env', 'expose', 'label', 'onbuild', 'stopsignal', 'user', 'volume', 'workdir']);

function bad(msg: string): InvalidParameterError {
  return new InvalidParameterError(msg);
}

/** Splits the joined changes into instructions: comments and blank lines dropped, "\" continues. */
function instructions(changes: string[]): string[] {
  const out: string[] = [];
  let cur = '';
  for (const raw of changes.join('\n').split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (!cur && (/^\s*#/.test(line) || !line.trim())) continue;
    if (/\\\s*$/.test(line)) { cur += line.replace(/\\\s*$/, ''); continue; }
    out.push((cur + line).trim());
    cur = '';
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Words separated by unquoted whitespace; quotes stay for processWord. */
export function splitWords(s: string): string[] {
  const words: string[] = [];
  let w = '';
  let quote = '';
  let inWord = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!quote && /\s/.test(c)) {
      if (inWord) { words.push(w); w = ''; inWord = false; }
      continue;
    }
    inWord = true;
    w += c;
    if (c === '\\' && quote !== "'" && i + 1 < s.length) { w += s[++i]; continue; }
    if (quote && c === quote) quote = '';
    else if (!quote && (c === '"' || c === "'")) quote = c;
  }
  if (inWord) words.push(w);
  return words;
}

function envLookup(env: string[], name: string): string | undefined {
  for (let i = env.length - 1; i >= 0; i--) {
    const eq = env[i].indexOf('=');
    if (env[i].slice(0, eq) === name) return env[i].slice(eq + 1);
  }
  return undefined;
}

/** Dockerfile word processing: quotes removed, escapes and $VAR / ${VAR:-x} / ${VAR:+x} expanded. */
export function processWord(word: string, env: string[]): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (quote === "'") { if (c === "'") quote = ''; else out += c; continue; }
    if (c === '\\' && i + 1 < word.length) {
      const n = word[i + 1];
      if (quote === '"' && !'"\\$'.includes(n)) out += c;
      out += n;
      i++;
      continue;
    }
    if (c === '"') { quote = quote ? '' : '"'; continue; }
    if (c === "'" && !quote) { quote = "'"; continue; }
    if (c === '$') {
      const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}/.exec(word.slice(i));
      const plain = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(word.slice(i));
      if (braced) {
        const v = envLookup(env, braced[1]);
        if (braced[2] === '-') out += v ? v : processWord(braced[3], env);
        else if (braced[2] === '+') out += v ? processWord(braced[3], env) : '';
        else out += v ?? '';
        i += braced[0].length - 1;
        continue;
      }
      if (plain) { out += envLookup(env, plain[1]) ?? ''; i += plain[0].length - 1; continue; }
    }
    out += c;
  }
  return out;
}

function jsonArray(args: string): string[] | null {
  if (!args.startsWith('[')) return null;
  try {
    const v: unknown = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : null;
  } catch {
    return null;
  }
}

/** "k=v k2='v 2'" or legacy "k v" into pairs, values processed against env */
function nameValues(instr: string, args: string, env: string[]): [string, string][] {
  const words = splitWords(args);
  if (words.length === 0) throw bad(`${instr.toUpperCase()} requires at least one argument`);
  if (!words[0].includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(args);
    if (!m) throw bad(`${instr.toUpperCase()} must have two arguments`);
    return [[m[1], processWord(m[2].trim(), env)]];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    if (eq <= 0) throw bad(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [processWord(w.slice(0, eq), env), processWord(w.slice(eq + 1), env)];
  });
}

function parseDuration(flag: string, v: string): number {
  try {
    return parseGoDuration(v);
  } catch (e) {
    throw bad(`${(e as Error).message} for --${flag}`);
  }
}

function healthcheck(args: string): ImageRuntimeConfig['Healthcheck'] {
  const hc: NonNullable<ImageRuntimeConfig['Healthcheck']> = {};
  let rest = args.trim();
  for (let m = /^--([a-z-]+)=(\S*)\s*/.exec(rest); m; m = /^--([a-z-]+)=(\S*)\s*/.exec(rest)) {
    const [, name, value] = m;
    if (name === 'interval') hc.Interval = parseDuration(name, value);
    else if (name === 'timeout') hc.Timeout = parseDuration(name, value);
    else if (name === 'start-period') hc.StartPeriod = parseDuration(name, value);
    else if (name === 'retries') hc.Retries = Number(value);
    else throw bad(`Unknown flag: ${name}`);
    rest = rest.slice(m[0].length);
  }
  const [kind, ...more] = rest.split(/\s+/);
  if (kind?.toUpperCase() === 'NONE') {
    if (more.length || args.trim().startsWith('--')) throw bad('HEALTHCHECK NONE takes no arguments');
    return { Test: ['NONE'] };
  }
  if (kind?.toUpperCase() !== 'CMD') throw bad(`Unknown type "${kind ?? ''}" in HEALTHCHECK (try CMD)`);
  const cmd = rest.slice(kind.length).trim();
  const json = jsonArray(cmd);
  hc.Test = json ? ['CMD', ...json] : ['CMD-SHELL', cmd];
  return hc;
}

/** Applies the changes to a copy of `config`. */
export function applyChanges(config: ImageRuntimeConfig, changes: string[]): ImageRuntimeConfig {
  const lines = instructions(changes).map((line) => {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(line) as RegExpExecArray;
    return { instr: m[1].toLowerCase(), args: m[2].trim() };
  });
  for (const { instr } of lines) if (!VALID.has(instr)) throw bad(`${instr} is not a valid change command`);
  const c: ImageRuntimeConfig = structuredClone(config);
  let cmdSet = false;
  const env = (): string[] => c.Env ?? [];
  for (const { instr, args } of lines) {
    switch (instr) {
      case 'cmd':
        c.Cmd = jsonArray(args) ?? ['/bin/sh', '-c', args];
        cmdSet = true;
        break;
      case 'entrypoint': {
        const json = jsonArray(args);
        c.Entrypoint = json ?? (args ? ['/bin/sh', '-c', args] : null);
        if (!cmdSet) c.Cmd = null;
        break;
      }
      case 'env':
        for (const [k, v] of nameValues(instr, args, env())) {
          if (!k) throw bad('ENV names can not be blank');
          // replaced in place, as Docker does, so the order stays stable
          const list = [...env()];
          const i = list.findIndex((e) => e.slice(0, e.indexOf('=')) === k);
          if (i >= 0) list[i] = `${k}=${v}`;
          else list.push(`${k}=${v}`);
          c.Env = list;
        }
        break;
      case 'label':
        for (const [k, v] of nameValues(instr, args, env())) {
          if (!k) throw bad('LABEL names can not be blank');
          c.Labels = { ...(c.Labels ?? {}), [k]: v };
        }
        break;
      case 'expose':
        for (const w of splitWords(args).map((x) => processWord(x, env()))) {
          const m = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/i.exec(w);
          if (!m) throw bad(`invalid containerPort: ${w}`);
          const proto = (m[3] ?? 'tcp').toLowerCase();
          const lo = Number(m[1]);
          const hi = m[2] ? Number(m[2]) : lo;
          if (hi < lo || hi > 65535) throw bad(`invalid containerPort: ${w}`);
          c.ExposedPorts = c.ExposedPorts ?? {};
          for (let p = lo; p <= hi; p++) c.ExposedPorts[`${p}/${proto}`] = {};
        }
        break;
      case 'user':
        c.User = processWord(args, env());
        break;
      case 'volume':
        for (const v of (jsonArray(args) ?? splitWords(args)).map((x) => processWord(x, env()))) {
          if (!v.trim()) throw bad('VOLUME specified can not be an empty string');
          c.Volumes = { ...(c.Volumes ?? {}), [v]: {} };
        }
        break;
      case 'workdir': {
        const w = processWord(args, env());
        c.WorkingDir = path.posix.normalize(path.posix.isAbsolute(w) ? w : path.posix.join('/', c.WorkingDir ?? '', w));
        break;
      }
      case 'stopsignal': {
        const s = processWord(args, env());
        if (!validSignal(s)) throw bad(`Invalid signal: ${s}`);
        c.StopSignal = s;
        break;
      }
      case 'onbuild': {
        const trigger = (args.split(/\s+/)[0] ?? '').toUpperCase();
        if (!trigger) throw bad('ONBUILD requires at least one argument');
        if (trigger === 'ONBUILD') throw bad('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
        if (trigger === 'FROM' || trigger === 'MAINTAINER') throw bad(`${trigger} isn't allowed as an ONBUILD trigger`);
        c.OnBuild = [...(c.OnBuild ?? []), args];
        break;
      }
      case 'healthcheck':
        c.Healthcheck = healthcheck(args);
        break;
    }
  }
  return c;
}

function validSignal(s: string): boolean {
  if (/^\d+$/.test(s)) return Number(s) > 0 && Number(s) <= 64;
  const name = s.toUpperCase().startsWith('SIG') ? s.toUpperCase() : `SIG${s.toUpperCase()}`;
  return name in constants.signals || /^SIGRTM(IN|AX)([+-]\d+)?$/.test(name);
}
