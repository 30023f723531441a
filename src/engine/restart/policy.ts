import type { RestartPolicy } from '../../api-types';

const MAX_BACKOFF_MS = 60_000;
const RESET_AFTER_MS = 10_000;

/**
 * Docker's restart decision after an exit. `manual` is an exit the user asked for
 * (stop, kill, restart, rm -f), which no policy overrides.
 */
export function shouldRestart(policy: RestartPolicy | undefined, exitCode: number, restartCount: number, manual: boolean): boolean {
  if (manual) return false;
  switch (policy?.Name) {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max === 0 || restartCount < max);
    }
    default:
      return false;
  }
}

/** Next delay: 100 ms doubling to a minute, back to 100 ms after a run of 10 s or more. */
export function nextBackoff(current: number, ranForMs: number): { delay: number; next: number } {
  const delay = ranForMs >= RESET_AFTER_MS ? 100 : current;
  return { delay, next: Math.min(delay * 2, MAX_BACKOFF_MS) };
}
