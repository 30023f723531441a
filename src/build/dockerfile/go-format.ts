/**
 * The bits of Go's fmt and time the classic builder's history strings depend on
 * (`CMD ["sh" "-c"]` is `%q` of a []string, `HEALTHCHECK &{Test:[...] Interval:5s ...}` is
 * `%+v`), and time.ParseDuration for HEALTHCHECK's flags.
 */

/** strconv.Quote: double quotes, Go escapes, printable Unicode kept. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c >= 0x80 && c < 0xa0) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c === 0xfffd && ch !== '\ufffd') out += '\\ufffd';
    else out += ch;
  }
  return out + '"';
}

/** fmt `%q` of a []string: `["a" "b"]`; `[]` for empty or nil. */
export function goQuoteSlice(v: readonly string[] | null | undefined): string {
  return '[' + (v ?? []).map(goQuote).join(' ') + ']';
}

/** fmt `%v` of a []string: `[a b]`. */
export function goSlice(v: readonly string[] | null | undefined): string {
  return '[' + (v ?? []).join(' ') + ']';
}

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds, with Go's error texts. */
export function parseGoDuration(str: string): number {
  const q = goQuote(str);
  let s = str;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') throw new Error(`time: invalid duration ${q}`);
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s) as RegExpExecArray;
    const [all, intPart, frac] = m;
    if (intPart === '' && !frac) throw new Error(`time: invalid duration ${q}`);
    s = s.slice(all.length);
    const u = (/^[^0-9.]*/.exec(s) as RegExpExecArray)[0];
    if (u === '') throw new Error(`time: missing unit in duration ${q}`);
    s = s.slice(u.length);
    const unit = UNITS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(u)} in duration ${q}`);
    total += Number(intPart || '0') * unit + (frac ? Math.trunc(Number(`0.${frac}`) * unit) : 0);
  }
  return neg ? -total : total;
}

/** time.Duration.String: "1m30s", "500ms", "0s". */
export function formatGoDuration(ns: number): string {
  const neg = ns < 0;
  let u = BigInt(Math.round(Math.abs(ns)));
  if (u === 0n) return '0s';
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let digits = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const d = v % 10n;
      print = print || d !== 0n;
      if (print) digits = d.toString() + digits;
      v /= 10n;
    }
    return [print ? '.' + digits : '', v];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    const [unit, prec]: [string, number] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    const [f, whole] = frac(u, prec);
    out = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? '-' + out : out;
}
