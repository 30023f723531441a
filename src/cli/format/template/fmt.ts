// The parts of Go's fmt package that templates reach: Sprint, Sprintln and Sprintf with
// Go's verbs, flags, width/precision, and its in-band error strings (%!d(string=x)).
import { NO_VALUE, formatFloatV, formatV, goTypeName, isStringer, mapKeys } from './values';
import { goQuote } from '../../../util/go-quote';

/** fmt.Sprint: operands separated by a space when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatV(a);
  });
  return out;
}

/** fmt.Sprintln: operands always separated by spaces, newline appended. */
export function sprintln(args: unknown[]): string {
  return args.map((a) => formatV(a)).join(' ') + '\n';
}

interface Spec { minus: boolean; plus: boolean; sharp: boolean; space: boolean; zero: boolean; width: number | null; prec: number | null; verb: string }

const runeLen = (s: string): number => [...s].length;

function pad(s: string, spec: Spec, numeric: boolean): string {
  const w = spec.width ?? 0;
  const n = runeLen(s);
  if (n >= w) return s;
  if (spec.minus) return s + ' '.repeat(w - n);
  if (spec.zero) {
    // Zero padding goes after the sign for numbers.
    const sign = numeric && /^[+\- ]/.test(s) ? s[0] : '';
    return sign + '0'.repeat(w - n) + s.slice(sign.length);
  }
  return ' '.repeat(w - n) + s;
}

function badVerb(spec: Spec, v: unknown): string {
  if (v === null || v === undefined || v === NO_VALUE) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${formatV(v)})`;
}

function signed(s: string, neg: boolean, spec: Spec): string {
  return (neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '') + s;
}

function fmtInt(n: number | bigint, spec: Spec): string {
  const neg = n < 0;
  const abs = neg ? -BigInt(n) : BigInt(n);
  let digits: string;
  let prefix = '';
  switch (spec.verb) {
    case 'd': case 'v': digits = abs.toString(10); break;
    case 'x': digits = abs.toString(16); if (spec.sharp) prefix = '0x'; break;
    case 'X': digits = abs.toString(16).toUpperCase(); if (spec.sharp) prefix = '0X'; break;
    case 'o': digits = abs.toString(8); if (spec.sharp) prefix = '0'; break;
    case 'O': digits = abs.toString(8); prefix = '0o'; break;
    case 'b': digits = abs.toString(2); break;
    case 'c': return pad(String.fromCodePoint(Number(abs)), spec, false);
    case 'q': return pad(`'${String.fromCodePoint(Number(abs))}'`, spec, false);
    case 'U': return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec, false);
    default: return badVerb(spec, Number(n));
  }
  if (spec.prec !== null) {
    digits = digits.padStart(spec.prec, '0');
    if (spec.prec === 0 && abs === 0n) digits = '';
  }
  const zeroOk = spec.prec === null && !spec.minus;
  return pad(signed(prefix + digits, neg, spec), { ...spec, zero: spec.zero && zeroOk }, true);
}

/** Exact decimal digits of a finite non-negative double: value = 0.digits × 10^point. */
function exactDecimal(a: number): { digits: string; point: number } {
  if (a === 0) return { digits: '0', point: 1 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let exp = biased - 1075;
  if (biased === 0) exp = -1074; else mant |= 1n << 52n;
  if (exp >= 0) { const d = (mant << BigInt(exp)).toString(); return { digits: d, point: d.length }; }
  const d = (mant * 5n ** BigInt(-exp)).toString();
  return { digits: d, point: d.length + exp };
}

/** Keeps `keep` leading digits, rounding half to even on the exact value as strconv does. */
function roundDigits(x: { digits: string; point: number }, keep: number): { digits: string; point: number } {
  if (keep < 0) return { digits: '0', point: x.point };
  if (keep >= x.digits.length) return { digits: x.digits.padEnd(keep, '0'), point: x.point };
  const kept = x.digits.slice(0, keep);
  const rest = x.digits.slice(keep);
  const last = kept.length ? Number(kept[kept.length - 1]) : 0;
  const up = rest[0] > '5' || (rest[0] === '5' && (/[1-9]/.test(rest.slice(1)) || last % 2 === 1));
  if (!up) return { digits: kept || '0', point: x.point };
  const inc = (BigInt(kept || '0') + 1n).toString().padStart(kept.length, '0');
  return inc.length > kept.length || kept === '' ? { digits: inc, point: x.point + 1 } : { digits: inc, point: x.point };
}

/** %.<prec>f of a finite non-negative double. */
function toFixedGo(a: number, prec: number): string {
  const r = roundDigits(exactDecimal(a), exactDecimal(a).point + prec);
  let int = r.point > 0 ? r.digits.slice(0, r.point).padEnd(r.point, '0') : '0';
  int = int.replace(/^0+(?=\d)/, '');
  const fracDigits = r.point >= 0 ? r.digits.slice(r.point) : '0'.repeat(-r.point) + r.digits;
  return prec > 0 ? `${int}.${fracDigits.padEnd(prec, '0').slice(0, prec)}` : int;
}

/** %.<prec>e mantissa digits and exponent of a finite non-negative double. */
function toExpGo(a: number, prec: number): { mant: string; exp: number } {
  if (a === 0) return { mant: prec > 0 ? '0.' + '0'.repeat(prec) : '0', exp: 0 };
  const x = exactDecimal(a);
  const lead = x.digits.match(/^0*/)?.[0].length ?? 0;
  const norm = { digits: x.digits.slice(lead), point: x.point - lead };
  const r = roundDigits(norm, prec + 1);
  const d = r.digits.slice(0, prec + 1);
  return { mant: prec > 0 ? `${d[0]}.${d.slice(1)}` : d[0], exp: r.point - 1 };
}

function expForm(mant: string, exp: number, upper: boolean): string {
  return `${mant}${upper ? 'E' : 'e'}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function fmtFloat(n: number, spec: Spec): string {
  const neg = n < 0 || Object.is(n, -0);
  const a = Math.abs(n);
  const upper = spec.verb === 'E' || spec.verb === 'G';
  let s: string;
  if (!Number.isFinite(a)) {
    // Go always signs infinities and never zero-pads them.
    s = Number.isNaN(a) ? (spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN') : neg ? '-Inf' : '+Inf';
    return pad(s, { ...spec, zero: false }, true);
  }
  switch (spec.verb) {
    case 'f': case 'F': s = toFixedGo(a, spec.prec ?? 6); break;
    case 'e': case 'E': {
      const { mant, exp } = toExpGo(a, spec.prec ?? 6);
      s = expForm(mant, exp, upper);
      break;
    }
    case 'g': case 'G': case 'v': {
      if (spec.prec === null) { s = formatFloatV(a); if (upper) s = s.toUpperCase(); break; }
      const p = Math.max(spec.prec, 1);
      const { mant: m, exp } = toExpGo(a, p - 1);
      const digits = m.replace('.', '').replace(/0+$/, '') || '0';
      let eprec = p;
      if (eprec > digits.length && digits.length >= exp + 1) eprec = digits.length;
      if (exp < -4 || exp >= eprec) {
        s = expForm(digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits, exp, upper);
      } else {
        s = toFixedGo(a, Math.max(digits.length - (exp + 1), 0));
      }
      break;
    }
    default: return badVerb(spec, n);
  }
  return pad(signed(s, neg, spec), spec, true);
}

function fmtString(s: string, spec: Spec): string {
  switch (spec.verb) {
    case 'v': case 's': {
      const t = spec.prec !== null ? [...s].slice(0, spec.prec).join('') : s;
      return pad(t, spec, false);
    }
    case 'q':
      if (spec.sharp && !s.includes('`') && !/[\x00-\x08\x0a-\x1f\x7f]/.test(s)) return pad('`' + s + '`', spec, false);
      return pad(goQuote(s), spec, false);
    case 'x': case 'X': {
      let h = [...Buffer.from(s, 'utf8')].map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      if (spec.verb === 'X') h = h.toUpperCase();
      return pad(h, spec, false);
    }
    default: return badVerb(spec, s);
  }
}

function fmtValue(v: unknown, spec: Spec): string {
  if (spec.verb === 'T') return pad(goTypeName(v), spec, false);
  if (v === NO_VALUE || v === null || v === undefined) {
    return spec.verb === 'v' ? pad('<nil>', spec, false) : badVerb(spec, v);
  }
  if (isStringer(v) && 'vsqxX'.includes(spec.verb)) return fmtString(v.String(), spec);
  switch (typeof v) {
    case 'string': return fmtString(v, spec);
    case 'boolean':
      return spec.verb === 't' || spec.verb === 'v' ? pad(String(v), spec, false) : badVerb(spec, v);
    case 'bigint': return fmtInt(v, spec);
    case 'number':
      if ('eEfFgG'.includes(spec.verb)) return fmtFloat(v, spec);
      if (Number.isInteger(v) && !Object.is(v, -0)) {
        if (spec.verb === 'v' && Math.abs(v) >= 1e21) return pad(BigInt(v).toString(), spec, true);
        return fmtInt(v, spec);
      }
      return spec.verb === 'v' ? fmtFloat(v, spec) : badVerb(spec, v);
  }
  if (Array.isArray(v)) return `[${v.map((e) => fmtValue(e, spec)).join(' ')}]`;
  if (typeof v === 'object') {
    const m = v as Map<unknown, unknown> | Record<string, unknown>;
    const get = (k: unknown): unknown => (m instanceof Map ? m.get(k) : m[k as string]);
    return `map[${mapKeys(m).map((k) => `${fmtValue(k, spec)}:${fmtValue(get(k), spec)}`).join(' ')}]`;
  }
  return badVerb(spec, v);
}

/** fmt.Sprintf with Go's verbs: v s d q x X o O b c U e E f F g G t T %. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) { out += format.slice(i); break; }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: null, prec: null, verb: '' };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNum = (): number | null => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return typeof a === 'number' && Number.isInteger(a) ? a : null;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return null;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = readNum();
    if (spec.width !== null && spec.width < 0) { spec.minus = true; spec.width = -spec.width; }
    if (format[i] === '.') { i++; spec.prec = readNum() ?? 0; }
    if (i >= format.length) { out += '%!(NOVERB)'; break; }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    spec.verb = verb;
    if (verb === '%') { out += '%'; continue; }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue; }
    const arg = args[argi++];
    if (!'vsdqxXoObcUeEfFgGtT'.includes(verb)) { out += badVerb(spec, arg); continue; }
    out += fmtValue(arg, spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null || a === undefined ? '<nil>' : `${goTypeName(a)}=${formatV(a)}`)).join(', ') + ')';
  }
  return out;
}
