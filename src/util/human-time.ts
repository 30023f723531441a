/**
 * go-units' HumanDuration and the daemon's State.String() ("Up 3 minutes (healthy)",
 * "Exited (0) 2 hours ago"): berthd computes the STATUS text, the CLI the CREATED column.
 */
const SECOND = 1000; // milliseconds

/** go-units HumanDuration of a duration in milliseconds ("About a minute", "3 weeks"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / (60 * SECOND));
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / (3600 * SECOND) + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / (3600 * SECOND)) / 24 / 365)} years`;
}

export type TimeLike = Date | string | number;

/** Milliseconds since the epoch; numbers are Unix seconds as the API's Created fields are. */
export function toMillis(t: TimeLike): number {
  if (t instanceof Date) return t.getTime();
  if (typeof t === 'number') return t * 1000;
  return Date.parse(t);
}

/** Go's zero time as the API writes it ("0001-01-01T00:00:00Z"), or no time at all. */
export function isZeroTime(t: TimeLike | null | undefined): boolean {
  if (t === null || t === undefined || t === '' || t === 0) return true;
  const ms = toMillis(t);
  return Number.isNaN(ms) || ms <= -62135596800000;
}

/** docker's "X ago" (ps CREATED / RunningFor, images CREATED / CreatedSince). */
export function timeAgo(t: TimeLike, now: number = Date.now()): string {
  return `${humanDuration(now - toMillis(t))} ago`;
}

/** The container state fields the status string depends on (the API's ContainerState). */
export interface ContainerStatusState {
  Running?: boolean;
  Paused?: boolean;
  Restarting?: boolean;
  Dead?: boolean;
  RemovalInProgress?: boolean;
  /** The API's State.Status; "removing" counts as RemovalInProgress. */
  Status?: string;
  ExitCode?: number;
  StartedAt?: TimeLike | null;
  FinishedAt?: TimeLike | null;
  Health?: { Status?: string } | null;
}

/** The daemon's State.String(): "Up 3 seconds (healthy)", "Exited (3) 2 seconds ago", "Created". */
export function containerStatus(s: ContainerStatusState, now: number = Date.now()): string {
  const since = (t: TimeLike | null | undefined): string => humanDuration(isZeroTime(t) ? 0 : now - toMillis(t as TimeLike));
  if (s.Running) {
    if (s.Paused) return `Up ${since(s.StartedAt)} (Paused)`;
    if (s.Restarting) return `Restarting (${s.ExitCode ?? 0}) ${since(s.FinishedAt)} ago`;
    const health = s.Health?.Status;
    if (health && health !== 'none') {
      return `Up ${since(s.StartedAt)} (${health === 'starting' ? 'health: starting' : health})`;
    }
    return `Up ${since(s.StartedAt)}`;
  }
  if (s.RemovalInProgress || s.Status === 'removing') return 'Removal In Progress';
  if (s.Dead || s.Status === 'dead') return 'Dead';
  if (isZeroTime(s.StartedAt)) return 'Created';
  if (isZeroTime(s.FinishedAt)) return '';
  return `Exited (${s.ExitCode ?? 0}) ${since(s.FinishedAt)} ago`;
}
