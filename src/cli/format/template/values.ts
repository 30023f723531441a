// How Go's templates see JS values: printing like fmt's %v, truth like text/template's isTrue,
// JSON like encoding/json with SetEscapeHTML(false), and Go type names for error messages.
//
// Mapping: string → string; integral number → int; other number → float64; boolean → bool;
// array → []interface {}; plain object or Map → map[string]interface {}; null/undefined → nil.
// NO_VALUE stands for Go's invalid reflect.Value (a missing map key), printed "<no value>".

export const NO_VALUE: unique symbol = Symbol('no value');
export type NoValue = typeof NO_VALUE;

/** Objects with a Go-style String() method print through it, as fmt does for Stringers. */
interface Stringer { String(): string }

export function isStringer(v: unknown): v is Stringer {
  return typeof v === 'object' && v !== null && typeof (v as { String?: unknown }).String === 'function';
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Keys of a map-like value, sorted as Go's fmt and range sort map keys. */
export function mapKeys(v: Map<unknown, unknown> | Record<string, unknown>): unknown[] {
  const keys: unknown[] = v instanceof Map ? [...v.keys()] : ownKeys(v);
  return keys.sort((a, b) => {
    if (typeof a === 'number' && typeof b === 'number') return a - b;
    const x = String(a); const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** Data keys of an object: own enumerable properties that are not methods. */
export function ownKeys(o: object): string[] {
  return Object.keys(o).filter((k) => typeof (o as Record<string, unknown>)[k] !== 'function');
}

export function isMapLike(v: unknown): v is Map<unknown, unknown> | Record<string, unknown> {
  return v instanceof Map || (typeof v === 'object' && v !== null && !Array.isArray(v) && !isStringer(v));
}

export function goTypeName(v: unknown): string {
  if (v === NO_VALUE || v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string': return 'string';
    case 'boolean': return 'bool';
    case 'bigint': return 'int64';
    case 'number': return Number.isInteger(v) ? 'int' : 'float64';
    case 'function': return 'func';
  }
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map || isPlainObject(v)) return 'map[string]interface {}';
  const ctor = (v as { constructor?: { name?: string } }).constructor?.name;
  return ctor ? `*${ctor}` : 'interface {}';
}

/** Go's %v of a float64: strconv 'g' shortest, exponent form when exp < -4 || exp >= 6. */
export function formatFloatV(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (Object.is(n, -0)) return '-0';
  const [mant, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return String(n);
}

function formatNumber(n: number): string {
  if (Number.isInteger(n) && !Object.is(n, -0)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  return formatFloatV(n);
}

/** fmt's %v rendering of a value. */
export function formatV(v: unknown, top = true): string {
  if (v === NO_VALUE) return top ? '<no value>' : '<nil>';
  if (v === null || v === undefined) return '<nil>';
  switch (typeof v) {
    case 'string': return v;
    case 'number': return formatNumber(v);
    case 'bigint': case 'boolean': return String(v);
    case 'function': return `0x${(v.name || 'func')}`;
    case 'symbol': return v.toString();
  }
  if (isStringer(v)) return v.String();
  if (Array.isArray(v)) return `[${v.map((e) => formatV(e, false)).join(' ')}]`;
  if (v instanceof Date) return v.toISOString();
  const m = v as Map<unknown, unknown> | Record<string, unknown>;
  const get = (k: unknown): unknown => (m instanceof Map ? m.get(k) : m[k as string]);
  return `map[${mapKeys(m).map((k) => `${formatV(k, false)}:${formatV(get(k), false)}`).join(' ')}]`;
}

/** text/template's notion of truth: empty values and zero are false. */
export function isTrue(v: unknown): boolean {
  if (v === NO_VALUE || v === null || v === undefined) return false;
  switch (typeof v) {
    case 'boolean': return v;
    case 'number': return v !== 0;
    case 'bigint': return v !== 0n;
    case 'string': return v.length > 0;
    case 'function': return true;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Map) return v.size > 0;
  if (isPlainObject(v)) return ownKeys(v).length > 0;
  return true; // a struct is always true
}

const JSON_ESC: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f', '\u2028': '\\u2028', '\u2029': '\\u2029' };

function jsonString(s: string): string {
  return '"' + s.replace(/["\\\u0000-\u001f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => {
    if (JSON_ESC[c]) return JSON_ESC[c];
    if (c.charCodeAt(0) >= 0xd800) return '\ufffd'; // lone surrogate: Go writes U+FFFD
    return '\\u00' + c.charCodeAt(0).toString(16).padStart(2, '0');
  }) + '"';
}

/** encoding/json (SetEscapeHTML(false)) of a value; throws on NaN/Inf as Go's encoder errors. */
export function goJson(v: unknown): string {
  if (v === NO_VALUE || v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return jsonString(v);
    case 'boolean': return String(v);
    case 'bigint': return v.toString();
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`json: unsupported value: ${formatFloatV(v)}`);
      return JSON.stringify(v);
    case 'function': case 'symbol': return 'null';
  }
  const withJson = v as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return goJson(withJson.toJSON());
  if (Array.isArray(v)) return `[${v.map(goJson).join(',')}]`;
  if (v instanceof Map) return `{${mapKeys(v).map((k) => `${jsonString(String(k))}:${goJson(v.get(k))}`).join(',')}}`;
  const o = v as Record<string, unknown>;
  // Insertion order, as a Go struct encodes fields in declaration order.
  return `{${ownKeys(o).filter((k) => o[k] !== undefined).map((k) => `${jsonString(k)}:${goJson(o[k])}`).join(',')}}`;
}
