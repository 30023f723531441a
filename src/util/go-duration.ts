/**
 * Go's time.ParseDuration and Duration.String, shared by every place a Docker flag or instruction takes a duration
 * (--stop-timeout style flags, --since 1m30s, HEALTHCHECK --interval), with Go's error texts.
 */

const NS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** "1m30s", "500ms", "-1.5h", "0" → nanoseconds. */
export function parseGoDuration(str: string): number {
  const invalid = (): never => { throw new Error(`time: invalid duration ${JSON.stringify(str)}`); };
  let s = str;
  let neg = false;
  if (s[0] === '-' || s[0] === '+') { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0;
  if (s === '') invalid();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s);
    if (!m || (!/^[0-9.]/.test(s))) invalid();
    const [all, intPart, frac] = m as RegExpExecArray;
    if (intPart === '' && (frac === undefined || frac === '')) invalid();
    s = s.slice(all.length);
    const u = /^[^0-9.]*/.exec(s)?.[0] ?? '';
    if (u === '') throw new Error(`time: missing unit in duration ${JSON.stringify(str)}`);
    s = s.slice(u.length);
    const unit = NS[u];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(u)} in duration ${JSON.stringify(str)}`);
    total += Number(intPart || '0') * unit + (frac ? Math.trunc(Number(`0.${frac}`) * unit) : 0);
    if (total > 9223372036854775807) invalid();
  }
  return neg ? -total : total;
}

/** Go's time.Duration.String of nanoseconds: "1m30s", "500ms", "2h0m0s", "1.5µs", "0s". */
export function formatGoDuration(ns: number): string {
  const neg = ns < 0;
  let u = BigInt(Math.round(Math.abs(ns)));
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
  if (u === 0n) return '0s';
  if (u < 1_000_000_000n) {
    const [unit, prec] = u < 1000n ? ['ns', 0] : u < 1_000_000n ? ['µs', 3] : ['ms', 6];
    const [f, whole] = frac(u, prec as number);
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
