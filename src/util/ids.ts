import { randomBytes } from 'node:crypto';

/** A 64-hex object ID, as Docker uses for containers and execs. */
export function newId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

export function isFullId(s: string): boolean {
  return /^[0-9a-f]{64}$/.test(s);
}
