import { constants } from 'node:os';
import { InvalidParameterError } from './errors';

const byName = constants.signals as Record<string, number>;

/** "SIGTERM", "TERM", "term", "15" → 15, as Docker's signal.ParseSignal accepts them. */
export function parseSignal(s: string): number {
  const t = s.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n <= 0 || n > 64) throw new InvalidParameterError(`Invalid signal: ${s}`);
    return n;
  }
  const upper = t.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const rt = /^SIGRTMIN\+(\d+)$/.exec(name);
  if (rt) return 34 + Number(rt[1]);
  const n = byName[name];
  if (n === undefined) throw new InvalidParameterError(`Invalid signal: ${s}`);
  return n;
}
