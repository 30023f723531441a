/**
 * --since/--until values (docker's timetypes.GetTimestamp): a Go duration relative to now
 * ("10m", "0s"), a Unix timestamp ("1700000000.5"), or an RFC 3339 date/time; returned as the
 * "seconds.nanoseconds" string the API takes.
 */
import { parseGoDuration } from '../../util/go-duration';

function fromMs(ms: number): string {
  const sec = Math.floor(ms / 1000);
  const ns = Math.round((ms - sec * 1000) * 1e6);
  return `${sec}.${String(ns).padStart(9, '0')}`;
}

export function toApiTime(value: string, nowMs: number): string {
  if (/^\d+(\.\d{1,9})?$/.test(value)) return value;
  try {
    const ns = parseGoDuration(value);
    return fromMs(nowMs - ns / 1e6);
  } catch { /* not a duration */ }
  let s = value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(s)) s += 'T00:00:00Z';
  else if (/^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(s)) s += 'Z';
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) throw new Error(`invalid value for "since": failed to parse value as time or duration: "${value}"`);
  const frac = /\.(\d+)/.exec(s.split('T')[1] ?? '')?.[1] ?? '';
  const sec = Math.floor(ms / 1000);
  return `${sec}.${frac.padEnd(9, '0').slice(0, 9)}`;
}
