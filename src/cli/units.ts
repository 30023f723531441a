/**
 * Human units as docker prints them (go-units). Interim copies until src/cli/format lands;
 * then these re-export format's versions.
 */

export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.floor(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(ms / 3_600_000);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.floor(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.floor(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24 / 30)} months`;
  return `${Math.floor(ms / 3_600_000 / 24 / 365)} years`;
}

function goG(n: number, precision: number): string {
  return String(Number(n.toPrecision(precision)));
}

const DEC = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BIN = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

/** Decimal sizes, 3 significant digits by default: 4.26MB. */
export function humanSize(bytes: number, precision = 3): string {
  let i = 0;
  let n = bytes;
  while (n >= 1000 && i < DEC.length - 1) { n /= 1000; i++; }
  return `${goG(n, precision)}${DEC[i]}`;
}

/** Binary sizes with 4 significant digits: 1.5MiB. */
export function bytesSize(bytes: number): string {
  let i = 0;
  let n = bytes;
  while (n >= 1024 && i < BIN.length - 1) { n /= 1024; i++; }
  return `${goG(n, 4)}${BIN[i]}`;
}

/** Go's time.Time String(): 2006-01-02 15:04:05 -0700 MST, local time. */
export function goTime(sec: number): string {
  const d = new Date(sec * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const tz = Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${sign}${pad(Math.floor(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)} ${tz}`;
}
