/** Wall-clock time in nanoseconds: Date.now() gives ms, hrtime refines it within the ms. */
const baseWallNs = BigInt(Date.now()) * 1_000_000n;
const baseHr = process.hrtime.bigint();

export function nowNano(): bigint {
  return baseWallNs + (process.hrtime.bigint() - baseHr);
}

/** RFC 3339 with nanoseconds, as Go's time.RFC3339Nano prints UTC times (trailing zeros trimmed). */
export function rfc3339Nano(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}${frac ? '.' + frac : ''}Z`;
}

/** Same, keeping all nine digits (Docker's log timestamps are fixed width). */
export function rfc3339NanoFixed(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(ms).toISOString().slice(0, 19)}.${frac}Z`;
}

/** Go's zero time as Docker prints it for "never". */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** Parses an RFC 3339 time (with up to nanosecond fraction) to ns since the epoch. */
export function parseRfc3339Nano(s: string): bigint {
  const m = /^(.*?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return BigInt(Date.parse(s)) * 1_000_000n;
  const whole = Date.parse(m[1] + m[3]);
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  return BigInt(whole) * 1_000_000n + BigInt(frac);
}
