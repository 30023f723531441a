/** Wall-clock time in nanoseconds: Date.now() gives ms, hrtime refines it within the ms. */
const baseWallNs = BigInt(Date.now()) * 1_000_000n;
const baseHr = process.hrtime.bigint();

export function nowNano(): bigint {
  return baseWallNs + (process.hrtime.bigint() - baseHr);
}

/** The nine fraction digits of a time in ns (also for times before 1970). */
function fraction(ns: bigint): string {
  return (((ns % 1_000_000_000n) + 1_000_000_000n) % 1_000_000_000n).toString().padStart(9, '0');
}

/** RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints UTC times (trailing zeros trimmed). */
export function rfc3339Nano(ns: bigint): string {
  const frac = fraction(ns).replace(/0+$/, '');
  const base = new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19);
  return `${base}${frac ? '.' + frac : ''}Z`;
}

/** Same, keeping all nine digits ("2006-01-02T15:04:05.000000000Z"): Docker's log timestamps. */
export function rfc3339NanoFixed(ns: bigint): string {
  return `${new Date(Number(ns / 1_000_000n)).toISOString().slice(0, 19)}.${fraction(ns)}Z`;
}

/** Go's zero time as Docker prints it for "never". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/;

/** Parses an RFC 3339 time with up to nanoseconds (any offset) into epoch ns; null if malformed. */
export function parseRfc3339Nano(text: string): bigint | null {
  const m = RFC3339.exec(text);
  if (!m) return null;
  const ms = Date.parse(m[1] + m[3]);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** Seconds since the epoch (fractions allowed, as Docker's since/until) → ns; 0 stays 0. */
export function secondsToNs(seconds: number): bigint {
  if (!seconds) return 0n;
  const whole = Math.trunc(seconds);
  return BigInt(whole) * 1_000_000_000n + BigInt(Math.round((seconds - whole) * 1e9));
}
