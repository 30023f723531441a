/**
 * Debian's docker-registry (the CNCF distribution server) for tests, on 127.0.0.1 with a
 * temporary storage directory and config: plain http, htpasswd basic auth, TLS with a test
 * CA (made by openssl), or bearer tokens from a small token service of our own. Never the
 * package's default config or storage. Also a fault-injecting proxy for failure tests.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, createSign, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './net';

export { freePort };

function openssl(args: string[], cwd: string): void {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

/** A CA and a server certificate for 127.0.0.1/localhost, signed by it. */
export function makeTestCa(dir: string, name = 'ca'): { ca: string; caKey: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  const ca = path.join(dir, `${name}.crt`);
  const caKey = path.join(dir, `${name}.key`);
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', caKey, '-out', ca, '-days', '2', '-subj', `/CN=berth test ${name}`], dir);
  const key = path.join(dir, `${name}-server.key`);
  const csr = path.join(dir, `${name}-server.csr`);
  const cert = path.join(dir, `${name}-server.crt`);
  const ext = path.join(dir, `${name}-ext.cnf`);
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1'], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', cert, '-days', '2', '-extfile', ext], dir);
  return { ca, caKey, cert, key };
}

/** An htpasswd line (bcrypt, low cost: tests need no strength) made by python's crypt. */
function htpasswdLine(user: string, password: string): string {
  const r = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bcrypt: ${r.stderr}`);
  return `${user}:${r.stdout.trim()}`;
}

export interface RegistryOptions {
  htpasswd?: { user: string; password: string };
  tls?: boolean;
  token?: TokenService;
}

export class TestRegistry {
  readonly dir: string;
  readonly storage: string;
  port = 0;
  proc: ChildProcess | null = null;
  log = '';
  tlsFiles?: { ca: string; cert: string; key: string };

  constructor(readonly opts: RegistryOptions = {}) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'berth-registry-'));
    this.storage = path.join(this.dir, 'storage');
  }

  /** "127.0.0.1:PORT" */
  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://${this.host}`;
  }

  async start(): Promise<void> {
    if (!this.port) this.port = await freePort();
    const lines = [
      'version: 0.1',
      'log:', '  level: warn', '  accesslog:', '    disabled: true',
      'storage:', '  filesystem:', `    rootdirectory: ${this.storage}`, '  delete:', '    enabled: true',
      'http:', `  addr: 127.0.0.1:${this.port}`, `  secret: ${randomBytes(8).toString('hex')}`,
    ];
    if (this.opts.tls) {
      this.tlsFiles ??= makeTestCa(path.join(this.dir, 'tls'));
      lines.push('  tls:', `    certificate: ${this.tlsFiles.cert}`, `    key: ${this.tlsFiles.key}`);
    }
    if (this.opts.htpasswd) {
      const file = path.join(this.dir, 'htpasswd');
      writeFileSync(file, `${htpasswdLine(this.opts.htpasswd.user, this.opts.htpasswd.password)}\n`);
      lines.push('auth:', '  htpasswd:', '    realm: basic-realm', `    path: ${file}`);
    } else if (this.opts.token) {
      const t = this.opts.token;
      lines.push('auth:', '  token:', `    realm: ${t.url}/token`, `    service: ${t.service}`, `    issuer: ${t.issuer}`, `    rootcertbundle: ${t.certFile}`);
    }
    const config = path.join(this.dir, 'config.yml');
    writeFileSync(config, `${lines.join('\n')}\n`);
    const proc = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (b: Buffer) => { this.log += b.toString(); });
    proc.stderr?.on('data', (b: Buffer) => { this.log += b.toString(); });
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`docker-registry exited (${proc.exitCode}):\n${this.log}`);
      if (await this.answers()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not answer on ${this.host}:\n${this.log}`);
  }

  private answers(): Promise<boolean> {
    return new Promise((resolve) => {
      const mod = this.opts.tls ? https : http;
      const req = mod.get(`${this.url}/v2/`, { rejectUnauthorized: false, timeout: 1000 }, (res) => { res.resume(); resolve(true); });
      req.on('error', () => resolve(false));
      req.on('timeout', () => { req.destroy(); resolve(false); });
    });
  }

  /** SIGKILL: the registry dies at once (connections cut). */
  async kill(): Promise<void> {
    const p = this.proc;
    if (!p || p.exitCode !== null) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await exited;
    this.proc = null;
  }

  async destroy(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** A manifest as the registry serves it (for tests that look at layers). */
  async manifest(repo: string, ref: string, auth?: string): Promise<{ digest: string; size: number; body: { layers?: { digest: string; size: number }[]; manifests?: unknown[] } }> {
    const r = await httpGet(`${this.url}/v2/${repo}/manifests/${ref}`, {
      Accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.index.v1+json',
      ...(auth ? { Authorization: auth } : {}),
    });
    if (r.status !== 200) throw new Error(`manifest ${repo}:${ref}: ${r.status} ${r.body.toString()}`);
    return { digest: createHash('sha256').update(r.body).digest('hex'), size: r.body.length, body: JSON.parse(r.body.toString()) };
  }
}

export function httpGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const mod = url.startsWith('https:') ? https : http;
    const req = mod.get(url, { headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

/**
 * A bearer token service as Docker Hub's auth.docker.io: GET /token?service=&scope= with
 * basic credentials returns a JWT (RS256, the signing certificate in its x5c header) that
 * docker-registry checks against `certFile`. Also serves GET /v1/search for search tests.
 */
export class TokenService {
  readonly service = 'berth-test-registry';
  readonly issuer = 'berth-test-issuer';
  readonly dir: string;
  readonly certFile: string;
  private readonly keyPem: string;
  private readonly certDer: Buffer;
  private server: http.Server | null = null;
  port = 0;
  /** every token request: its account and scopes */
  requests: { account: string | null; scopes: string[]; ok: boolean }[] = [];
  searches: string[] = [];

  constructor(readonly users: Record<string, string>, readonly searchResults: unknown[] = []) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'berth-token-'));
    const key = path.join(this.dir, 'token.key');
    this.certFile = path.join(this.dir, 'token.crt');
    openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', this.certFile, '-days', '2', '-subj', '/CN=berth test token issuer'], this.dir);
    this.keyPem = readFileSync(key, 'utf8');
    const pem = readFileSync(this.certFile, 'utf8');
    this.certDer = Buffer.from(pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', this.url);
    if (u.pathname === '/v1/search') {
      this.searches.push(u.searchParams.get('q') ?? '');
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ num_results: this.searchResults.length, query: u.searchParams.get('q'), results: this.searchResults }));
      return;
    }
    if (u.pathname === '/v2/') { res.writeHead(200); res.end('{}'); return; }
    if (u.pathname !== '/token') { res.writeHead(404); res.end(); return; }
    const scopes = u.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter(Boolean);
    let account: string | null = null;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(auth.slice(6), 'base64').toString().split(':');
      if (this.users[user] !== rest.join(':')) {
        this.requests.push({ account: user, scopes, ok: false });
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      account = user;
    }
    this.requests.push({ account, scopes, ok: true });
    // anonymous users may pull; users may pull and push
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(':');
      const allowed = actions.split(',').filter((a) => a === 'pull' || account !== null);
      return { type, name, actions: allowed };
    });
    const now = Math.floor(Date.now() / 1000);
    const token = this.sign({ iss: this.issuer, sub: account ?? '', aud: this.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token, access_token: token, expires_in: 300, issued_at: new Date().toISOString() }));
  }

  private sign(claims: object): string {
    const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
    const header = b64(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [this.certDer.toString('base64')] }));
    const payload = b64(JSON.stringify(claims));
    const s = createSign('RSA-SHA256');
    s.update(`${header}.${payload}`);
    return `${header}.${payload}.${b64(s.sign(this.keyPem))}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A proxy in front of a registry that misbehaves on one blob: cuts the connection after
 * `cutAfter` bytes of a response (`cuts` times), or flips a byte of it. Records every Range header.
 */
export class FaultProxy {
  private server: http.Server | null = null;
  port = 0;
  ranges: string[] = [];
  fault: { digest: string; cutAfter?: number; cuts?: number; corrupt?: boolean } | null = null;

  /** `upstream` is read at each request: the registry's port may not be known yet */
  constructor(private readonly upstreamOf: () => string) {}

  private get upstream(): string {
    return this.upstreamOf();
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const f = this.fault;
      const isTarget = !!f && req.method === 'GET' && (req.url ?? '').includes(`/blobs/${f.digest}`);
      if (req.headers.range) this.ranges.push(req.headers.range);
      const up = http.request(`${this.upstream}${req.url}`, { method: req.method, headers: { ...req.headers, host: new URL(this.upstream).host } }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        if (!isTarget || !f) { ur.pipe(res); return; }
        let sent = 0;
        let flipped = false;
        ur.on('data', (c: Buffer) => {
          if (f.cutAfter !== undefined && (f.cuts ?? 1) > 0 && sent + c.length > f.cutAfter) {
            res.write(c.subarray(0, Math.max(0, f.cutAfter - sent)));
            f.cuts = (f.cuts ?? 1) - 1;
            ur.destroy();
            res.socket?.destroy();
            return;
          }
          if (f.corrupt && !flipped && c.length > 0) {
            c = Buffer.from(c);
            c[c.length >> 1] ^= 0xff;
            flipped = true;
          }
          sent += c.length;
          res.write(c);
        });
        ur.on('end', () => res.end());
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
