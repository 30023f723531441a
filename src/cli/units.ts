/** Human units as docker prints them: re-exported from src/cli/format (go-units semantics). */
import { goTimeString, humanSizeWithPrecision } from './format/units';

export { humanDuration, bytesSize } from './format/units';

/** Decimal sizes, 3 significant digits unless told (docker's image/container sizes). */
export function humanSize(bytes: number, precision = 3): string {
  return humanSizeWithPrecision(bytes, precision);
}

/** Go's time.Time String() of a Unix-seconds timestamp: 2006-01-02 15:04:05 -0700 MST. */
export function goTime(sec: number): string {
  return goTimeString(sec);
}
