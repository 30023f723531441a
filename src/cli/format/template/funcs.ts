// Template functions: Go's builtins (text/template/funcs.go) and the extras docker's CLI
// adds (cli/templates: json, split, join, title, lower, upper, pad, truncate), with Go's
// argument checks and error wording.
import { sprint, sprintf, sprintln } from './fmt';
import { NO_VALUE, goJson, goTypeName, isMapLike, isTrue, ownKeys } from './values';

/** Parameter kinds checked before a call, as Go's reflection-based call checks them. */
export type ParamType = 'any' | 'string' | 'int' | 'strings';

export interface FuncDef {
  fn: (...args: unknown[]) => unknown;
  params: ParamType[];
  /** Type of extra arguments when the function is variadic. */
  variadic?: ParamType;
}

/** A user-supplied function: called with evaluated arguments; a throw becomes "error calling name: msg". */
export type TemplateFunc = (...args: unknown[]) => unknown;

/** Raised by a builtin; the executor turns it into "error calling <name>: <message>". */
export class CallError extends Error {}

const num = (v: unknown): v is number => typeof v === 'number';

function indexArg(i: unknown, len: number): number {
  if (i === null || i === undefined || i === NO_VALUE) throw new CallError('cannot index slice/array with nil');
  if (!num(i) || !Number.isInteger(i)) throw new CallError(`cannot index slice/array with type ${goTypeName(i)}`);
  if (i < 0 || i >= len) throw new CallError(`index out of range: ${i}`);
  return i;
}

/** Zero value a Go map of this map's element type would return for a missing key. */
function zeroOf(values: unknown[]): unknown {
  if (values.every((v) => typeof v === 'string')) return ''; // incl. empty maps: labels are map[string]string
  if (values.every(num)) return 0;
  if (values.every((v) => typeof v === 'boolean')) return false;
  return null;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === NO_VALUE) throw new CallError('index of untyped nil');
  let cur = item;
  for (const ix of indexes) {
    if (cur === null || cur === undefined) {
      // A nil map in docker's typed structs (e.g. empty Labels) indexes to "".
      if (typeof ix === 'string') { cur = ''; continue; }
      throw new CallError('index of untyped nil');
    }
    if (typeof cur === 'string') { const b = Buffer.from(cur, 'utf8'); cur = b[indexArg(ix, b.length)]; continue; }
    if (Array.isArray(cur)) { cur = cur[indexArg(ix, cur.length)]; continue; }
    if (cur instanceof Map) { cur = cur.has(ix) ? cur.get(ix) : zeroOf([...cur.values()]); continue; }
    if (isMapLike(cur)) {
      if (typeof ix !== 'string') throw new CallError(`value has type ${goTypeName(ix)}; should be string`);
      const o = cur as Record<string, unknown>;
      cur = Object.prototype.hasOwnProperty.call(o, ix) ? o[ix] : zeroOf(ownKeys(o).map((k) => o[k]));
      continue;
    }
    throw new CallError(`can't index item of type ${goTypeName(cur)}`);
  }
  return cur;
}

function slice(item: unknown, ...idx: unknown[]): unknown {
  if (item === null || item === undefined || item === NO_VALUE) throw new CallError('slice of untyped nil');
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (idx.length === 3) throw new CallError('cannot 3-index slice a string');
    len = Buffer.byteLength(item);
  } else if (Array.isArray(item)) len = item.length;
  else throw new CallError(`can't slice item of type ${goTypeName(item)}`);
  const ix = [0, len];
  idx.forEach((v, k) => {
    if (!num(v) || !Number.isInteger(v)) throw new CallError(`cannot index slice/array with type ${goTypeName(v)}`);
    if (v < 0 || v > len) throw new CallError(`index out of range: ${v}`);
    ix[k] = v;
  });
  if (ix[0] > ix[1]) throw new CallError(`invalid slice index: ${ix[0]} > ${ix[1]}`);
  if (typeof item === 'string') return Buffer.from(item, 'utf8').subarray(ix[0], ix[1]).toString('utf8');
  return item.slice(ix[0], ix[1]);
}

function length(item: unknown): number {
  if (item === null || item === undefined || item === NO_VALUE) throw new CallError('len of nil pointer');
  if (typeof item === 'string') return Buffer.byteLength(item);
  if (Array.isArray(item)) return item.length;
  if (item instanceof Map) return item.size;
  if (isMapLike(item)) return ownKeys(item).length;
  throw new CallError(`len of type ${goTypeName(item)}`);
}

type Kind = 'bool' | 'number' | 'string' | 'nil' | 'other';
const kindOf = (v: unknown): Kind =>
  v === null || v === undefined || v === NO_VALUE ? 'nil'
    : typeof v === 'boolean' ? 'bool' : typeof v === 'number' || typeof v === 'bigint' ? 'number'
      : typeof v === 'string' ? 'string' : 'other';

function eq(a: unknown, ...others: unknown[]): boolean {
  if (others.length === 0) throw new CallError('missing argument for comparison');
  const ka = kindOf(a);
  for (const b of others) {
    const kb = kindOf(b);
    if (ka !== kb) {
      if (ka !== 'nil' && kb !== 'nil') throw new CallError('incompatible types for comparison');
      continue;
    }
    if (ka === 'other') throw new CallError(`non-comparable type ${goTypeName(a)}`);
    if (ka === 'nil' || a === b) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const ka = kindOf(a); const kb = kindOf(b);
  if (ka === 'nil' || ka === 'other' || kb === 'nil' || kb === 'other') throw new CallError('invalid type for comparison');
  if (ka !== kb) throw new CallError('incompatible types for comparison');
  if (ka === 'bool') throw new CallError('invalid type for comparison');
  return (a as number | string) < (b as number | string);
}

/** Go's evalArgs for html/js/urlquery: a lone string as is, else fmt.Sprint. */
const argsString = (args: unknown[]): string => (args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args));

function htmlEscape(s: string): string {
  const m: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\uFFFD' };
  return s.replace(/["'&<>\0]/g, (c) => m[c]);
}

function jsEscape(s: string): string {
  const m: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (m[ch]) out += m[ch];
    else if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp >= 0x7f && !/^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}]$/u.test(ch)) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** strings.Title: upper-case the first letter of each word. */
function title(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = /[\p{L}\p{N}_]/u.test(prev) ? false : prev.charCodeAt(0) < 0x80 ? true : /\s/u.test(prev);
    out += sep ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

export const BUILTINS: Record<string, FuncDef> = {
  index: { fn: index, params: ['any'], variadic: 'any' },
  slice: { fn: slice, params: ['any'], variadic: 'any' },
  len: { fn: length, params: ['any'] },
  not: { fn: (v) => !isTrue(v), params: ['any'] },
  print: { fn: (...a) => sprint(a), params: [], variadic: 'any' },
  printf: { fn: (f, ...a) => sprintf(f as string, a), params: ['string'], variadic: 'any' },
  println: { fn: (...a) => sprintln(a), params: [], variadic: 'any' },
  html: { fn: (...a) => htmlEscape(argsString(a)), params: [], variadic: 'any' },
  js: { fn: (...a) => jsEscape(argsString(a)), params: [], variadic: 'any' },
  urlquery: { fn: (...a) => queryEscape(argsString(a)), params: [], variadic: 'any' },
  eq: { fn: eq, params: ['any'], variadic: 'any' },
  ne: { fn: (a, b) => !eq(a, b), params: ['any', 'any'] },
  lt: { fn: (a, b) => lt(a, b), params: ['any', 'any'] },
  le: { fn: (a, b) => lt(a, b) || eq(a, b), params: ['any', 'any'] },
  gt: { fn: (a, b) => !lt(a, b) && !eq(a, b), params: ['any', 'any'] },
  ge: { fn: (a, b) => !lt(a, b), params: ['any', 'any'] },
  call: {
    fn: (f, ...a) => {
      if (typeof f !== 'function') throw new CallError(`non-function of type ${goTypeName(f)}`);
      return (f as TemplateFunc)(...a);
    },
    params: ['any'], variadic: 'any',
  },
};

/** docker's basicFunctions (cli/templates/templates.go). */
export const DOCKER_FUNCS: Record<string, FuncDef> = {
  json: {
    fn: (v) => { try { return goJson(v).trim(); } catch { return ''; } },
    params: ['any'],
  },
  split: { fn: (s, sep) => (sep === '' ? [...(s as string)] : (s as string).split(sep as string)), params: ['string', 'string'] },
  join: { fn: (a, sep) => (a as string[]).join(sep as string), params: ['strings', 'string'] },
  title: { fn: (s) => title(s as string), params: ['string'] },
  lower: { fn: (s) => (s as string).toLowerCase(), params: ['string'] },
  upper: { fn: (s) => (s as string).toUpperCase(), params: ['string'] },
  pad: {
    fn: (s, pre, suf) => (s === '' ? '' : ' '.repeat(pre as number) + (s as string) + ' '.repeat(suf as number)),
    params: ['string', 'int', 'int'],
  },
  truncate: {
    fn: (s, n) => {
      const b = Buffer.from(s as string, 'utf8');
      return b.length < (n as number) ? s : b.subarray(0, n as number).toString('utf8');
    },
    params: ['string', 'int'],
  },
};

const same = (v: unknown): unknown => v;
/** docker's HeaderFunctions: applied when rendering a table header so labels stay intact. */
export const HEADER_FUNCS: Record<string, FuncDef> = {
  json: { fn: same, params: ['string'] },
  split: { fn: same, params: ['string', 'string'] },
  join: { fn: same, params: ['string', 'string'] },
  title: { fn: same, params: ['string'] },
  lower: { fn: same, params: ['string'] },
  upper: { fn: same, params: ['string'] },
  truncate: { fn: same, params: ['string', 'int'] },
};

/** Checks one argument against a parameter kind; returns the Go error text or null. */
export function checkArg(v: unknown, t: ParamType): string | null {
  const goName: Record<ParamType, string> = { any: 'interface {}', string: 'string', int: 'int', strings: '[]string' };
  if (t === 'any') return null;
  if (v === NO_VALUE || v === null || v === undefined) {
    return t === 'strings' ? null : `invalid value; expected ${goName[t]}`;
  }
  const ok = t === 'string' ? typeof v === 'string'
    : t === 'int' ? num(v) && Number.isInteger(v)
      : Array.isArray(v) && v.every((e) => typeof e === 'string');
  return ok ? null : `wrong type for value; expected ${goName[t]}; got ${goTypeName(v)}`;
}
