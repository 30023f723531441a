/** Sizes and quantities as docker's flags accept them. */

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes: "32m", "1.5g", "512k", "100" (binary multiples). */
export function ramInBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(s);
  if (!m) throw new Error(`invalid size: '${s}'`);
  return Math.floor(Number(m[1]) * UNITS[(m[2] ?? '').toLowerCase()]);
}

/** --memory-swap: a size, or -1 for unlimited. */
export function memSwapBytes(s: string): number {
  return s === '-1' ? -1 : ramInBytes(s);
}

/** --cpus "1.5" → NanoCpus 1500000000. */
export function parseCpus(s: string): number {
  if (!/^\d+(\.\d+)?$|^\.\d+$/.test(s)) throw new Error(`failed to parse ${s} as a rational number`);
  const n = Math.round(Number(s) * 1e9);
  return n;
}

const DUR_UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** Go's time.ParseDuration, in nanoseconds: "1m30s", "500ms", "0s", "1.5h". */
export function parseGoDuration(s: string): number {
  const orig = s;
  let sign = 1;
  if (s[0] === '-' || s[0] === '+') { if (s[0] === '-') sign = -1; s = s.slice(1); }
  if (s === '0') return 0;
  if (!s) throw new Error(`time: invalid duration "${orig}"`);
  let total = 0;
  const re = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;
  while (s) {
    const m = re.exec(s);
    if (!m) {
      if (/^(\d+(?:\.\d*)?|\.\d+)$/.test(s)) throw new Error(`time: missing unit in duration "${orig}"`);
      throw new Error(`time: invalid duration "${orig}"`);
    }
    total += Number(m[1]) * DUR_UNITS[m[2]];
    s = s.slice(m[0].length);
  }
  return sign * Math.round(total);
}
