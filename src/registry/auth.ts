import type { IncomingMessage } from 'node:http';
import type { Credentials } from './types';

/**
 * Registry authentication as Docker does it: the /v2/ ping answers 401 with a challenge
 * (WWW-Authenticate: Basic realm=… or Bearer realm=…,service=…,scope=…); Basic sends the
 * credentials with every request, Bearer trades them at the realm for a token per scope.
 * Tokens are cached per realm, service, scope set and user until shortly before they expire.
 */

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses one or more challenges of a WWW-Authenticate header. */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const out: Challenge[] = [];
  for (const v of values) {
    const re = /\s*([A-Za-z]+)\s*((?:[A-Za-z0-9_.-]+\s*=\s*(?:"(?:[^"\\]|\\.)*"|[^,\s]*)\s*,?\s*)*)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(v)) !== null && m[0] !== '') {
      const params: Record<string, string> = {};
      const pre = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
      let p: RegExpExecArray | null;
      while ((p = pre.exec(m[2])) !== null) params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
      out.push({ scheme: m[1].toLowerCase(), params });
    }
  }
  return out;
}

export interface TokenFetcher {
  /** GET (or POST for OAuth refresh tokens) to the realm; returns the parsed JSON */
  (url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }): Promise<{ status: number; json: unknown; text: string }>;
}

interface CachedToken { token: string; expires: number }

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();
  /** token requests in flight: concurrent layer uploads share one */
  readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly now: () => number = Date.now) {}

  get(key: string): string | null {
    const t = this.tokens.get(key);
    if (!t) return null;
    if (t.expires <= this.now()) { this.tokens.delete(key); return null; }
    return t.token;
  }

  set(key: string, token: string, expiresInSec: number): void {
    // renew 10 s early, so a long pull never sends a token that expires in flight
    this.tokens.set(key, { token, expires: this.now() + Math.max(expiresInSec - 10, 5) * 1000 });
  }
}

export function basicHeader(c: Credentials): string | null {
  if (!c.username && !c.password) return null;
  return `Basic ${Buffer.from(`${c.username ?? ''}:${c.password ?? ''}`).toString('base64')}`;
}

export class AuthError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

/**
 * The Authorization header value for a request needing `scopes`, given the host's challenge.
 * Returns null when the registry asked for nothing.
 */
export async function authorize(challenge: Challenge | null, creds: Credentials, scopes: string[], cache: TokenCache, fetchToken: TokenFetcher): Promise<string | null> {
  if (!challenge) return null;
  if (challenge.scheme === 'basic') {
    const h = basicHeader(creds);
    if (!h) throw new AuthError('no basic auth credentials', 401);
    return h;
  }
  if (challenge.scheme !== 'bearer') return null;
  if (creds.registryToken) return `Bearer ${creds.registryToken}`;
  const realm = challenge.params.realm;
  if (!realm) throw new AuthError('invalid bearer challenge: no realm', 401);
  const service = challenge.params.service ?? '';
  const sorted = [...new Set(scopes)].sort();
  const key = `${realm}|${service}|${sorted.join(' ')}|${creds.username ?? ''}|${creds.identityToken ? 'r' : ''}`;
  const hit = cache.get(key);
  if (hit) return `Bearer ${hit}`;
  let p = cache.pending.get(key);
  if (!p) {
    p = fetchBearer(realm, service, sorted, creds, fetchToken).then((t) => {
      cache.set(key, t.token, t.expiresIn);
      return t.token;
    }).finally(() => cache.pending.delete(key));
    cache.pending.set(key, p);
  }
  return `Bearer ${await p}`;
}

async function fetchBearer(realm: string, service: string, sorted: string[], creds: Credentials, fetchToken: TokenFetcher): Promise<{ token: string; expiresIn: number }> {
  let res;
  if (creds.identityToken) {
    // OAuth2 refresh token grant, as Docker uses after a login that returned an identity token
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, service, client_id: 'berth', scope: sorted.join(' ') });
    res = await fetchToken(realm, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) });
  } else {
    const u = new URL(realm);
    if (service) u.searchParams.set('service', service);
    for (const s of sorted) u.searchParams.append('scope', s);
    if (creds.username) u.searchParams.set('account', creds.username);
    const headers: Record<string, string> = {};
    const b = basicHeader(creds);
    if (b) headers.Authorization = b;
    res = await fetchToken(u.href, { method: 'GET', headers });
  }
  if (res.status === 401 || res.status === 403) {
    throw new AuthError(`unauthorized: ${tokenErrorText(res.json) ?? 'incorrect username or password'}`, 401);
  }
  if (res.status !== 200) throw new AuthError(`token server ${realm} answered ${res.status}: ${res.text.slice(0, 200)}`, 500);
  const body = res.json as { token?: string; access_token?: string; expires_in?: number };
  const token = body.token ?? body.access_token;
  if (!token) throw new AuthError(`token server ${realm} returned no token`, 500);
  return { token, expiresIn: typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60 };
}

function tokenErrorText(json: unknown): string | null {
  const j = json as { details?: string; errors?: { message?: string }[] } | null;
  return j?.details ?? j?.errors?.[0]?.message ?? null;
}

/** The scope a 401 "insufficient_scope" challenge names, if any. */
export function challengeOf(res: IncomingMessage): Challenge | null {
  const cs = parseChallenges(res.headers['www-authenticate']);
  return cs.find((c) => c.scheme === 'bearer') ?? cs.find((c) => c.scheme === 'basic') ?? null;
}
