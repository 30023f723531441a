import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import type { Readable } from 'node:stream';

/**
 * How berth reaches a registry host, as Docker decides it:
 * - https with the system CAs, plus <certsDir>/HOST:PORT/ca.crt (any *.crt) and a client
 *   certificate pair client.cert/client.key;
 * - an insecure registry (--insecure-registry host[:port] or CIDR, and always localhost and
 *   127.0.0.0/8) is tried over https without verification, then over plain http.
 * Each host gets a keep-alive agent, so a pull's many requests share connections.
 */

export interface TransportOptions {
  /** root of the per-host TLS files; Docker's /etc/docker/certs.d, berth's /etc/berth/certs.d */
  certsDir: string;
  /** --insecure-registry values: "host:port", "host" or a CIDR */
  insecure: string[];
  /** --registry-mirror: base URLs tried first for docker.io */
  mirrors: string[];
  /** --default-registry: where docker.io is reached (pull, push, login, search) */
  defaultRegistry?: string;
  userAgent?: string;
}

export interface Endpoint {
  /** "https://127.0.0.1:5000" */
  base: string;
  /** the next endpoint to try when this one cannot be reached over TLS (insecure hosts) */
  fallback?: Endpoint;
  agent: http.Agent;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | Readable;
  /** follow 3xx (GET/HEAD of blobs on redirecting storage) */
  redirects?: number;
}

/** Docker Hub's registry API; its search API lives on index.docker.io */
export const DOCKER_HUB_REGISTRY = 'https://registry-1.docker.io';

export class RegistryTransport {
  private readonly agents = new Map<string, http.Agent>();
  readonly userAgent: string;

  constructor(readonly opts: TransportOptions) {
    this.userAgent = opts.userAgent ?? 'berth/0.1.0';
  }

  /** The endpoints of a registry domain, best first; mirrors serve pulls only. */
  endpoints(domain: string, useMirrors = true): Endpoint[] {
    const out: Endpoint[] = [];
    if (domain === 'docker.io') {
      if (useMirrors) for (const m of this.opts.mirrors) out.push({ base: m.replace(/\/+$/, ''), agent: this.agent(new URL(m).host, new URL(m).protocol === 'https:', false) });
      out.push(this.defaultEndpoint());
      return out;
    }
    const hasCerts = fs.existsSync(path.join(this.opts.certsDir, domain));
    const insecure = this.isInsecure(domain);
    // a host with its own CA is verified even when it is also allowed over http
    const tlsEp: Endpoint = { base: `https://${domain}`, agent: this.agent(domain, true, insecure && !hasCerts) };
    // ...and never falls back to http: its TLS was asked for
    if (insecure && !hasCerts) tlsEp.fallback = { base: `http://${domain}`, agent: this.agent(domain, false, false) };
    out.push(tlsEp);
    return out;
  }

  /** docker.io's own endpoint: Docker Hub, or --default-registry (e.g. an internal proxy) */
  defaultEndpoint(): Endpoint {
    const u = new URL(this.opts.defaultRegistry ?? DOCKER_HUB_REGISTRY);
    return { base: u.origin, agent: this.agent(u.host, u.protocol === 'https:', false) };
  }

  /** where docker.io's v1 search is asked: Docker Hub's index, or the --default-registry */
  searchEndpoint(): Endpoint {
    const ep = this.defaultEndpoint();
    return ep.base === DOCKER_HUB_REGISTRY ? { ...ep, base: 'https://index.docker.io' } : ep;
  }

  isInsecure(domain: string): boolean {
    const host = hostOf(domain);
    if (host === 'localhost' || /^127\./.test(host) || host === '::1') return true;
    for (const entry of this.opts.insecure) {
      if (entry === domain || entry === host) return true;
      if (entry.includes('/') && net.isIP(host) && inCidr(host, entry)) return true;
    }
    return false;
  }

  private agent(domain: string, secure: boolean, skipVerify: boolean): http.Agent {
    // certs.d is read again when its files change, as Docker reads it for each pull
    const key = `${secure ? 's' : 'p'}${skipVerify ? '!' : ''}:${domain}:${secure ? certsStamp(path.join(this.opts.certsDir, domain)) : ''}`;
    let a = this.agents.get(key);
    if (a) return a;
    if (!secure) a = new http.Agent({ keepAlive: true, maxSockets: 16 });
    else a = new https.Agent({ keepAlive: true, maxSockets: 16, rejectUnauthorized: !skipVerify, ...this.tlsFiles(domain) });
    this.agents.set(key, a);
    return a;
  }

  /** certs.d/HOST:PORT: every *.crt is a CA (added to the system's), client.cert + client.key */
  private tlsFiles(domain: string): https.AgentOptions {
    const dir = path.join(this.opts.certsDir, domain);
    let names: string[];
    try { names = fs.readdirSync(dir); } catch { return {}; }
    const out: https.AgentOptions = {};
    const cas = names.filter((n) => n.endsWith('.crt')).map((n) => fs.readFileSync(path.join(dir, n), 'utf8'));
    if (cas.length) out.ca = [...tlsRootCertificates(), ...cas];
    const cert = names.find((n) => n.endsWith('.cert'));
    if (cert) {
      const key = cert.replace(/\.cert$/, '.key');
      if (!names.includes(key)) throw new Error(`missing key ${key} for client certificate ${cert}. CA certificates must use the extension .crt`);
      out.cert = fs.readFileSync(path.join(dir, cert));
      out.key = fs.readFileSync(path.join(dir, key));
    }
    return out;
  }

  request(method: string, url: string, agent: http.Agent, opts: RequestOptions = {}): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const mod = u.protocol === 'https:' ? https : http;
      const headers: Record<string, string> = { 'User-Agent': this.userAgent, ...(opts.headers ?? {}) };
      if (Buffer.isBuffer(opts.body)) headers['Content-Length'] = String(opts.body.length);
      const req = mod.request(u, { method, headers, agent: sameOrigin(u, agent) ? agent : undefined }, (res) => {
        const loc = res.headers.location;
        const left = opts.redirects ?? 0;
        if (loc && left > 0 && res.statusCode && [301, 302, 303, 307, 308].includes(res.statusCode)) {
          res.resume();
          const next = new URL(loc, u);
          // credentials go only to the registry itself, never to the storage it redirects to
          const h = { ...headers };
          if (next.host !== u.host) delete h.Authorization;
          delete h['User-Agent'];
          this.request(method, next.href, agent, { headers: h, redirects: left - 1 }).then(resolve, reject);
          return;
        }
        resolve(res);
      });
      req.on('error', (e) => reject(dialError(method, u, e)));
      if (opts.body === undefined || Buffer.isBuffer(opts.body)) req.end(opts.body);
      else {
        opts.body.on('error', (e) => req.destroy(e));
        opts.body.pipe(req);
      }
    });
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

/** the agent was made for the registry's host: a redirect elsewhere uses the default agent */
function sameOrigin(u: URL, agent: http.Agent): boolean {
  return (u.protocol === 'https:') === (agent instanceof https.Agent);
}

function tlsRootCertificates(): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return [...(require('node:tls') as typeof import('node:tls')).rootCertificates];
}

/** Go's net/http wording, which Docker's messages carry: Get "http://h/v2/": dial tcp h: connect: connection refused */
export class DialError extends Error {
  constructor(message: string, readonly code: string | undefined, readonly tls: boolean) {
    super(message);
  }
}

function dialError(method: string, u: URL, e: NodeJS.ErrnoException): DialError {
  const verb = method.charAt(0) + method.slice(1).toLowerCase();
  const addr = u.port ? u.host : `${u.hostname}:${u.protocol === 'https:' ? 443 : 80}`;
  let detail: string;
  if (e.code === 'ECONNREFUSED') detail = `dial tcp ${addr}: connect: connection refused`;
  else if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') detail = `dial tcp: lookup ${u.hostname}: no such host`;
  else if (e.code === 'ETIMEDOUT') detail = `dial tcp ${addr}: i/o timeout`;
  else if (e.code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' || e.code === 'SELF_SIGNED_CERT_IN_CHAIN' || e.code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    detail = 'x509: certificate signed by unknown authority';
  } else if (e.code === 'ERR_TLS_CERT_ALTNAME_INVALID') detail = `x509: certificate is not valid for ${u.hostname}`;
  else if (e.code === 'EPROTO' || /wrong version number|packet length too long/i.test(e.message)) detail = 'http: server gave HTTP response to HTTPS client';
  else detail = e.message;
  const tls = u.protocol === 'https:' && (e.code === 'EPROTO' || /SSL|TLS|CERT|x509/i.test(`${e.code} ${e.message}`));
  return new DialError(`${verb} "${u.href}": ${detail}`, e.code, tls);
}

function certsStamp(dir: string): string {
  try {
    return fs.readdirSync(dir).map((n) => `${n}@${fs.statSync(path.join(dir, n)).mtimeMs}`).join(',');
  } catch {
    return '';
  }
}

function hostOf(domain: string): string {
  if (domain.startsWith('[')) return domain.slice(1, domain.indexOf(']'));
  const i = domain.lastIndexOf(':');
  return i > 0 ? domain.slice(0, i) : domain;
}

function inCidr(ip: string, cidr: string): boolean {
  const [range, bitsS] = cidr.split('/');
  const bits = Number(bitsS);
  if (!net.isIPv4(ip) || !net.isIPv4(range) || !(bits >= 0 && bits <= 32)) return false;
  const n = (s: string): number => s.split('.').reduce((a, o) => (a << 8) + Number(o), 0) >>> 0;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((n(ip) & mask) >>> 0) === ((n(range) & mask) >>> 0);
}
