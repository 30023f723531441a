import { InvalidParameterError } from '../util/errors';
import type { Filters } from '../engine';

/**
 * Query-string parsing as dockerd does it (moby's httputils): booleans are false only for
 * "", "0", "no", "false", "none" (any case), ints are base-10, filters are JSON.
 */

const FALSE_WORDS = new Set(['', '0', 'no', 'false', 'none']);

/** Absent → `def`; present → Docker's truthiness of the value. */
export function boolParam(q: URLSearchParams, name: string, def = false): boolean {
  const v = q.get(name);
  if (v === null) return def;
  return !FALSE_WORDS.has(v.trim().toLowerCase());
}

/** Absent or empty → `def`; otherwise a base-10 integer or a 400. */
export function intParam(q: URLSearchParams, name: string, def: number): number;
export function intParam(q: URLSearchParams, name: string, def?: undefined): number | undefined;
export function intParam(q: URLSearchParams, name: string, def?: number): number | undefined {
  const v = q.get(name);
  if (v === null || v.trim() === '') return def;
  if (!/^[+-]?\d+$/.test(v.trim())) {
    throw new InvalidParameterError(`invalid value for ${name}: strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  }
  return Number.parseInt(v.trim(), 10);
}

/** Absent or empty → undefined. */
export function stringParam(q: URLSearchParams, name: string): string | undefined {
  const v = q.get(name);
  return v === null || v === '' ? undefined : v;
}

/** Every value of a repeated parameter (`changes=a&changes=b`). */
export function listParam(q: URLSearchParams, name: string): string[] {
  return q.getAll(name);
}

/**
 * Docker's `filters` JSON in either form: `{"type":["container"]}` or the legacy map form
 * `{"type":{"container":true}}` that older clients (and docker-py) still send.
 */
export function parseFilters(raw: string | null | undefined): Filters {
  if (raw === null || raw === undefined || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (e) {
    throw new InvalidParameterError(`invalid filter '${raw}': ${(e as Error).message}`);
  }
  if (parsed === null) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new InvalidParameterError(`invalid filter '${raw}'`);
  }
  const out: Filters = {};
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      out[key] = value.map((v) => String(v));
    } else if (value !== null && typeof value === 'object') {
      out[key] = Object.entries(value as Record<string, unknown>).filter(([, on]) => on === true).map(([k]) => k);
    } else if (typeof value === 'string') {
      out[key] = [value];
    } else {
      throw new InvalidParameterError(`invalid filter '${raw}'`);
    }
  }
  return out;
}

export function filtersParam(q: URLSearchParams, name = 'filters'): Filters {
  return parseFilters(q.get(name));
}

/**
 * A point in time as Docker's clients send it: "<seconds>[.<nanos>]" (what the docker CLI
 * turns `--since 10m` into), or an RFC 3339 date. Result in seconds since the epoch; absent → def.
 */
export function timestampParam(q: URLSearchParams, name: string, def = 0): number {
  const v = q.get(name);
  if (v === null || v.trim() === '') return def;
  const s = v.trim();
  const m = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(s);
  if (m) {
    const frac = m[2] ? Number.parseInt(m[2].padEnd(9, '0'), 10) / 1e9 : 0;
    return Number.parseInt(m[1], 10) + (m[1].startsWith('-') ? -frac : frac);
  }
  const ms = Date.parse(s);
  if (Number.isNaN(ms)) {
    throw new InvalidParameterError(`failed to parse value as time or duration: ${JSON.stringify(s)}`);
  }
  return ms / 1000;
}
