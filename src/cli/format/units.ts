// Human-readable times and sizes as docker prints them: go-units (HumanDuration, HumanSize,
// BytesSize, RAMInBytes, FromHumanSize), the daemon's container status strings, and Go's
// time.Duration parsing and printing.
import { sprintf } from './template/fmt';

export { containerStatus, humanDuration, isZeroTime, timeAgo } from '../../util/human-time';
export type { ContainerStatusState } from '../../util/human-time';
import { toMillis, type TimeLike } from '../../util/human-time';

const DECIMAL_ABBRS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_ABBRS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, abbrs: string[]): [number, string] {
  let i = 0;
  while (size >= base && i < abbrs.length - 1) { size /= base; i++; }
  return [size, abbrs[i]];
}

/** go-units HumanSizeWithPrecision: decimal units, `precision` significant digits ("%.*g"). */
export function humanSizeWithPrecision(size: number, precision: number): string {
  const [n, unit] = sizeAndUnit(size, 1000, DECIMAL_ABBRS);
  return sprintf('%.*g%s', [precision, n, unit]);
}

/**
 * Decimal size with 3 significant digits ("4.86MB", "1.2kB", "0B"), as docker's CLI shows
 * image, container and volume sizes (HumanSizeWithPrecision(size, 3)).
 */
export function humanSize(size: number): string {
  return humanSizeWithPrecision(size, 3);
}

/** go-units HumanSize proper: 4 significant digits ("2.746MB"), used by docker system df. */
export function humanSize4(size: number): string {
  return humanSizeWithPrecision(size, 4);
}

/** go-units BytesSize: binary units, 4 significant digits ("1.465MiB"), used by docker stats. */
export function bytesSize(size: number): string {
  const [n, unit] = sizeAndUnit(size, 1024, BINARY_ABBRS);
  return sprintf('%.4g%s', [n, unit]);
}

const DECIMAL_MAP: Record<string, number> = { k: 1e3, m: 1e6, g: 1e9, t: 1e12, p: 1e15 };
const BINARY_MAP: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 };

function parseSize(str: string, map: Record<string, number>): number {
  let sep = -1;
  for (let i = str.length - 1; i >= 0; i--) if ('0123456789. '.includes(str[i])) { sep = i; break; }
  if (sep < 0) throw new Error(`invalid size: '${str}'`);
  const num = str[sep] === ' ' ? str.slice(0, sep) : str.slice(0, sep + 1);
  let sfx = str.slice(sep + 1);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) {
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(num)}: invalid syntax`);
  }
  let size = Number(num);
  if (size < 0) throw new Error(`invalid size: '${str}'`);
  if (sfx.length === 0) return Math.trunc(size);
  const bad = (): never => { throw new Error(`invalid suffix: '${sfx}'`); };
  if (sfx.length > 3) bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') { if (sfx.length > 1) bad(); return Math.trunc(size); }
  const mul = map[sfx[0]];
  if (mul === undefined) bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) bad();
  return Math.trunc(size);
}

/** go-units RAMInBytes: "32m", "1g", "512k", "1.5GB" with binary multipliers (-m, --shm-size). */
export function ramInBytes(size: string): number {
  return parseSize(size, BINARY_MAP);
}

/** go-units FromHumanSize: SI multipliers ("44kB" = 44000). */
export function fromHumanSize(size: string): number {
  return parseSize(size, DECIMAL_MAP);
}

/** Go's time.Time.String in the local zone: "2024-01-02 15:04:05 +0000 UTC" (docker ps CreatedAt). */
export function goTimeString(t: TimeLike): string {
  const d = new Date(toMillis(t));
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const off = -d.getTimezoneOffset();
  const offStr = `${off < 0 ? '-' : '+'}${p(Math.trunc(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`;
  const zoneName = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')?.value ?? '';
  const abbr = off === 0 && /^(UTC|GMT)$/.test(zoneName) ? 'UTC' : /^(GMT|UTC)[+-]/.test(zoneName) || !zoneName ? offStr : zoneName;
  const ms = d.getMilliseconds();
  const fracPart = ms ? '.' + p(ms, 3).replace(/0+$/, '') : '';
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${fracPart} ${offStr} ${abbr}`;
}
