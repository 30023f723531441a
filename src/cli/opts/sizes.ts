/** Sizes and quantities as docker's flags accept them. */
import { ramInBytes } from '../format/units';

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

