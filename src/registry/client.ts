import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { TokenCache } from './auth';
import { RegistryError, RegistrySession, readBody, registryError } from './session';
import { RegistryTransport, type TransportOptions } from './transport';
import { type Credentials, type FetchedManifest, MANIFEST_ACCEPT, type Repository } from './types';

/**
 * The distribution (OCI) protocol client: manifests, blobs, uploads and mounts on one
 * repository. Sessions are per registry host and credentials; tokens are cached across them.
 */
export class RegistryClient {
  readonly transport: RegistryTransport;
  private readonly tokens = new TokenCache();

  constructor(opts: TransportOptions) {
    this.transport = new RegistryTransport(opts);
  }

  repo(repo: Repository, creds: Credentials = {}, actions: 'pull' | 'push' = 'pull'): RepositoryClient {
    return new RepositoryClient(new RegistrySession(this.transport, repo.domain, creds, this.tokens, actions === 'pull'), repo, actions);
  }

  /** docker login: the credentials are checked against the registry's /v2/. */
  async login(domain: string, creds: Credentials): Promise<void> {
    await new RegistrySession(this.transport, domain, creds, this.tokens, false).login();
  }

  close(): void {
    this.transport.close();
  }
}

export class RepositoryClient {
  constructor(readonly session: RegistrySession, readonly repo: Repository, private readonly actions: 'pull' | 'push') {}

  private scopes(extra: string[] = []): string[] {
    return [`repository:${this.repo.path}:${this.actions === 'push' ? 'pull,push' : 'pull'}`, ...extra];
  }

  private get prefix(): string {
    return `/v2/${this.repo.path}`;
  }

  async ping(): Promise<void> {
    await this.session.ping();
  }

  /** GET a manifest by tag or digest; the digest is checked when the reference is one. */
  async getManifest(reference: string, accept: string[] = MANIFEST_ACCEPT): Promise<FetchedManifest> {
    const r = await this.session.send('GET', `${this.prefix}/manifests/${reference}`, this.scopes(), { headers: { Accept: accept.join(', ') } });
    if (r.status !== 200) throw await registryError(r, `GET ${this.prefix}/manifests/${reference}`);
    const bytes = await readBody(r.res, 4 << 20);
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (reference.includes(':') && reference !== digest) {
      throw new RegistryError(`manifest verification failed for digest ${reference}`, 400);
    }
    const ct = (r.header('content-type') ?? '').split(';')[0].trim();
    let mediaType = ct;
    try {
      const parsed = JSON.parse(bytes.toString('utf8')) as { mediaType?: string; manifests?: unknown; config?: unknown };
      // the body's own mediaType wins over a generic Content-Type
      if (parsed.mediaType) mediaType = parsed.mediaType;
      else if (!ct || ct === 'application/json' || ct === 'text/plain') mediaType = parsed.manifests ? 'application/vnd.oci.image.index.v1+json' : 'application/vnd.oci.image.manifest.v1+json';
    } catch {
      throw new RegistryError(`invalid manifest for ${reference}: not JSON`, 400);
    }
    return { mediaType, digest, bytes };
  }

  /** HEAD a manifest: its digest, or null when absent. */
  async headManifest(reference: string, accept: string[] = MANIFEST_ACCEPT): Promise<string | null> {
    const r = await this.session.send('HEAD', `${this.prefix}/manifests/${reference}`, this.scopes(), { headers: { Accept: accept.join(', ') } });
    r.res.resume();
    if (r.status === 404) return null;
    if (r.status !== 200) throw await registryError(r, `HEAD ${this.prefix}/manifests/${reference}`);
    return r.header('docker-content-digest') ?? null;
  }

  async putManifest(reference: string, mediaType: string, bytes: Buffer): Promise<string> {
    const r = await this.session.send('PUT', `${this.prefix}/manifests/${reference}`, this.scopes(), { headers: { 'Content-Type': mediaType }, body: bytes });
    if (r.status !== 201 && r.status !== 200) throw await registryError(r, `PUT ${this.prefix}/manifests/${reference}`);
    r.res.resume();
    return r.header('docker-content-digest') ?? `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  }

  /** The blob's size when the repository has it, else null. */
  async headBlob(digest: string): Promise<number | null> {
    const r = await this.session.send('HEAD', `${this.prefix}/blobs/${digest}`, this.scopes(), { redirects: 3 });
    r.res.resume();
    if (r.status === 404) return null;
    if (r.status !== 200) throw await registryError(r, `HEAD ${this.prefix}/blobs/${digest}`);
    return Number(r.header('content-length') ?? 0);
  }

  /**
   * GET a blob from byte `offset` on. `partial` tells whether the server honoured the range
   * (206); when it did not, the body starts at byte 0.
   */
  async getBlob(digest: string, offset = 0): Promise<{ stream: Readable; partial: boolean; length: number }> {
    const headers: Record<string, string> = offset > 0 ? { Range: `bytes=${offset}-` } : {};
    const r = await this.session.send('GET', `${this.prefix}/blobs/${digest}`, this.scopes(), { headers, redirects: 5 });
    if (r.status === 200 || r.status === 206) {
      return { stream: r.res, partial: r.status === 206, length: Number(r.header('content-length') ?? -1) };
    }
    throw await registryError(r, `GET ${this.prefix}/blobs/${digest}`);
  }

  async getBlobBytes(digest: string, limit = 16 << 20): Promise<Buffer> {
    const { stream } = await this.getBlob(digest);
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of stream) {
      n += (c as Buffer).length;
      if (n > limit) { stream.destroy(); throw new RegistryError(`blob ${digest} is larger than ${limit} bytes`, 400); }
      chunks.push(c as Buffer);
    }
    const b = Buffer.concat(chunks);
    const got = `sha256:${createHash('sha256').update(b).digest('hex')}`;
    if (got !== digest) throw new RegistryError(`digest mismatch for blob ${digest}: got ${got}`, 400);
    return b;
  }

  /**
   * Cross-repository mount: true when the registry linked the blob from `from` (201). When
   * it answers 202 instead, the upload session it opened is returned for a normal upload.
   */
  async mountBlob(digest: string, from: string): Promise<{ mounted: true } | { mounted: false; location: string }> {
    const q = new URLSearchParams({ mount: digest, from });
    const r = await this.session.send('POST', `${this.prefix}/blobs/uploads/?${q}`, this.scopes([`repository:${from}:pull`]), { body: Buffer.alloc(0) });
    r.res.resume();
    if (r.status === 201) return { mounted: true };
    if (r.status === 202) return { mounted: false, location: this.absolute(r.header('location') ?? '') };
    throw await registryError(r, `POST ${this.prefix}/blobs/uploads/`);
  }

  /** Monolithic upload of a blob whose digest is known (a config, a small layer). */
  async uploadBytes(digest: string, bytes: Buffer): Promise<void> {
    const location = await this.startUpload();
    const r = await this.session.send('PUT', withDigest(location, digest), this.scopes(), { headers: { 'Content-Type': 'application/octet-stream' }, body: bytes });
    r.res.resume();
    if (r.status !== 201) throw await registryError(r, `PUT ${this.prefix}/blobs/uploads/`);
  }

  /**
   * Chunked upload of a stream whose digest is learnt as it is read: PATCH per chunk of
   * `chunkSize` bytes (Content-Range), then PUT ?digest=. Returns the digest and size.
   */
  async uploadStream(source: Readable, opts: { chunkSize?: number; location?: string; onProgress?: (n: number) => void } = {}): Promise<{ digest: string; size: number }> {
    let location = opts.location ?? await this.startUpload();
    const chunkSize = opts.chunkSize ?? 32 << 20;
    const hash = createHash('sha256');
    let size = 0;
    let pending: Buffer[] = [];
    let pendingLen = 0;
    const flush = async (): Promise<void> => {
      if (pendingLen === 0) return;
      const body = Buffer.concat(pending, pendingLen);
      pending = [];
      pendingLen = 0;
      const r = await this.session.send('PATCH', location, this.scopes(), {
        headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${size - body.length}-${size - 1}` }, body,
      });
      r.res.resume();
      if (r.status !== 202) throw await registryError(r, `PATCH ${this.prefix}/blobs/uploads/`);
      location = this.absolute(r.header('location') ?? location);
      opts.onProgress?.(size);
    };
    for await (const c of source) {
      const b = c as Buffer;
      hash.update(b);
      size += b.length;
      pending.push(b);
      pendingLen += b.length;
      if (pendingLen >= chunkSize) await flush();
    }
    await flush();
    const digest = `sha256:${hash.digest('hex')}`;
    const r = await this.session.send('PUT', withDigest(location, digest), this.scopes(), { body: Buffer.alloc(0) });
    r.res.resume();
    if (r.status !== 201) throw await registryError(r, `PUT ${this.prefix}/blobs/uploads/`);
    return { digest, size };
  }

  async tags(): Promise<string[]> {
    const r = await this.session.send('GET', `${this.prefix}/tags/list`, this.scopes());
    if (r.status !== 200) throw await registryError(r, `GET ${this.prefix}/tags/list`);
    return ((JSON.parse((await readBody(r.res)).toString()) as { tags?: string[] | null }).tags ?? []).slice().sort();
  }

  private async startUpload(): Promise<string> {
    const r = await this.session.send('POST', `${this.prefix}/blobs/uploads/`, this.scopes(), { body: Buffer.alloc(0) });
    r.res.resume();
    if (r.status !== 202) throw await registryError(r, `POST ${this.prefix}/blobs/uploads/`);
    const loc = r.header('location');
    if (!loc) throw new RegistryError('registry opened an upload without a Location', 500);
    return this.absolute(loc);
  }

  private absolute(loc: string): string {
    return new URL(loc, `${this.session.base}/`).href;
  }
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set('digest', digest);
  return u.href;
}
