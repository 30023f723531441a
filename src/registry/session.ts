import type { IncomingMessage } from 'node:http';
import { AuthError, type Challenge, TokenCache, authorize, challengeOf } from './auth';
import { DialError, type Endpoint, type RegistryTransport, type RequestOptions } from './transport';
import type { Credentials } from './types';

/**
 * One registry host with one set of credentials: finds the endpoint that answers (/v2/
 * ping, https then http for insecure hosts), learns its auth challenge, and sends requests
 * with the right Authorization for their scopes, renewing a token once on a 401.
 */

export class RegistryError extends Error {
  constructor(message: string, readonly status: number, readonly code?: string) {
    super(message);
  }
}

export interface Response {
  res: IncomingMessage;
  status: number;
  header(name: string): string | undefined;
}

export class RegistrySession {
  private endpoint: Endpoint | null = null;
  private challenge: Challenge | null = null;
  private pinging: Promise<void> | null = null;

  constructor(
    private readonly transport: RegistryTransport,
    readonly domain: string,
    private readonly creds: Credentials,
    private readonly tokens: TokenCache,
    /** false for pushes and logins: Docker never sends those to a mirror */
    private readonly useMirrors = true,
  ) {}

  /** The base URL in use, e.g. "https://127.0.0.1:5000" (after ping). */
  get base(): string {
    return this.endpoint?.base ?? `https://${this.domain}`;
  }

  /** GET /v2/ on each endpoint in turn; remembers the first that answers and its challenge. */
  ping(): Promise<void> {
    this.pinging ??= this.doPing().catch((e: unknown) => { this.pinging = null; throw e; });
    return this.pinging;
  }

  private async doPing(): Promise<void> {
    let lastErr: unknown = null;
    for (const first of this.transport.endpoints(this.domain, this.useMirrors)) {
      for (let ep: Endpoint | undefined = first; ep; ep = ep.fallback) {
        try {
          const res = await this.transport.request('GET', `${ep.base}/v2/`, ep.agent);
          res.resume();
          if (res.statusCode === 401) this.challenge = challengeOf(res);
          else if (res.statusCode !== 200) {
            lastErr = new RegistryError(`Get "${ep.base}/v2/": unexpected status ${res.statusCode}`, res.statusCode ?? 500);
            continue;
          }
          this.endpoint = ep;
          return;
        } catch (e) {
          lastErr = e;
          // an insecure host is tried over http after any connection failure over https
          if (!(e instanceof DialError)) break;
        }
      }
    }
    throw lastErr ?? new Error(`no endpoint for ${this.domain}`);
  }

  /** Checks the credentials as `docker login` does (a token for no scope, or a basic-auth /v2/). */
  async login(): Promise<void> {
    await this.ping();
    if (!this.challenge) return;
    if (this.challenge.scheme === 'basic') {
      const r = await this.send('GET', '/v2/', []);
      r.res.resume();
      if (r.status === 401) throw new AuthError(`login attempt to ${this.base}/v2/ failed with status: 401 Unauthorized`, 401);
      return;
    }
    const r = await this.send('GET', '/v2/', []);
    r.res.resume();
    if (r.status === 401) throw new AuthError(`login attempt to ${this.base}/v2/ failed with status: 401 Unauthorized`, 401);
  }

  /** A request on the registry with the auth for `scopes` (e.g. "repository:a/b:pull"). */
  async send(method: string, pathOrUrl: string, scopes: string[], opts: RequestOptions = {}): Promise<Response> {
    await this.ping();
    const ep = this.endpoint as Endpoint;
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${ep.base}${pathOrUrl}`;
    const auth = await this.authHeader(scopes);
    const headers = { ...(opts.headers ?? {}), ...(auth ? { Authorization: auth } : {}) };
    let res = await this.transport.request(method, url, ep.agent, { ...opts, headers });
    const rebuffable = opts.body === undefined || Buffer.isBuffer(opts.body);
    if (res.statusCode === 401 && rebuffable) {
      // the token may have lapsed, or the registry wants another scope: ask once more
      const ch = challengeOf(res);
      if (ch) {
        res.resume();
        this.challenge = ch;
        const more = ch.params.scope ? [...scopes, ...ch.params.scope.split(' ')] : scopes;
        const again = await authorize(ch, this.creds, more, new TokenCache(), this.fetchToken);
        res = await this.transport.request(method, url, ep.agent, { ...opts, headers: { ...(opts.headers ?? {}), ...(again ? { Authorization: again } : {}) } });
      }
    }
    return { res, status: res.statusCode ?? 0, header: (n) => headerOf(res, n) };
  }

  private authHeader(scopes: string[]): Promise<string | null> {
    return authorize(this.challenge, this.creds, scopes, this.tokens, this.fetchToken);
  }

  private readonly fetchToken = async (url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }): Promise<{ status: number; json: unknown; text: string }> => {
    const eps = this.transport.endpoints(this.domain);
    // a realm on the registry's own host shares its TLS settings; elsewhere the defaults
    const ep = eps.find((e) => new URL(e.base).host === new URL(url).host) ?? eps[0];
    const res = await this.transport.request(init.method, url, ep.agent, { headers: init.headers, body: init.body, redirects: 3 });
    const text = await readText(res);
    let json: unknown = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    return { status: res.statusCode ?? 0, json, text };
  };
}

function headerOf(res: IncomingMessage, name: string): string | undefined {
  const v = res.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export async function readText(res: IncomingMessage, limit = 8 << 20): Promise<string> {
  return (await readBody(res, limit)).toString('utf8');
}

export async function readBody(res: IncomingMessage, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of res) {
    n += (c as Buffer).length;
    if (n > limit) { res.destroy(); throw new Error(`response larger than ${limit} bytes`); }
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * distribution's errcode text: {"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}
 * reads "manifest unknown: manifest unknown", as Docker prints it.
 */
export async function registryError(r: Response, what: string): Promise<RegistryError> {
  const text = await readText(r.res).catch(() => '');
  let errs: { code?: string; message?: string }[] = [];
  try { errs = (JSON.parse(text) as { errors?: { code?: string; message?: string }[] }).errors ?? []; } catch { /* not JSON */ }
  if (errs.length) {
    const msg = errs.map((e) => `${(e.code ?? 'unknown').toLowerCase().replace(/_/g, ' ')}: ${e.message ?? ''}`).join(', ');
    return new RegistryError(msg, r.status, errs[0].code);
  }
  if (r.status === 401) return new RegistryError('unauthorized: authentication required', 401, 'UNAUTHORIZED');
  return new RegistryError(`${what}: unexpected status ${r.status}${text ? `: ${text.slice(0, 200).trim()}` : ''}`, r.status);
}
