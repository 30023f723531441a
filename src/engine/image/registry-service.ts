import type { Readable } from 'node:stream';
import type { AuthConfig, AuthResponse, DistributionInspect, ImageSearchResult } from '../../api-types';
import { DEFAULT_DOMAIN, parseNormalizedNamed, serverDomain } from '../../image';
import { type ManifestIndex, isIndex, searchRegistry } from '../../registry';
import { InvalidParameterError, SystemError, UnauthorizedError, errorMessage } from '../../util/errors';
import type { Filters, RegistryBackend } from '../backends';
import type { ImagePuller } from './pull';
import type { ImagePusher } from './push';
import { type RegistryAccess, credentialsOf, registryFailure } from './registry-access';

/** The API's registry operations: pull and push (streams), login, search, distribution. */
export class RegistryService implements RegistryBackend {
  constructor(private readonly access: RegistryAccess, private readonly puller: ImagePuller, private readonly pusher: ImagePusher) {}

  pull(fromImage: string, opts: { tag?: string; platform?: string; auth?: AuthConfig }, abort?: AbortSignal): Readable {
    return this.puller.pull(fromImage, opts, abort);
  }

  push(name: string, opts: { tag?: string; auth?: AuthConfig }, abort?: AbortSignal): Readable {
    return this.pusher.push(name, opts, abort);
  }

  /** POST /auth: Docker checks the credentials against the registry's /v2/. */
  async login(auth: AuthConfig): Promise<AuthResponse> {
    const domain = serverDomain(auth.serveraddress);
    try {
      await this.access.client.login(domain, credentialsOf(auth));
    } catch (e) {
      const msg = errorMessage(e);
      if (/unauthorized|401/i.test(msg)) throw new UnauthorizedError(msg);
      throw new SystemError(msg);
    }
    return { Status: 'Login Succeeded', IdentityToken: '' };
  }

  async search(term: string, opts: { limit: number; filters: Filters }): Promise<ImageSearchResult[]> {
    const f = opts.filters;
    for (const k of Object.keys(f)) if (!['stars', 'is-official', 'is-automated'].includes(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
    const limit = opts.limit || 25;
    if (limit < 1 || limit > 100) throw new InvalidParameterError(`limit ${limit} is outside the range of [1, 100]`);
    // "127.0.0.1:5000/app" searches that registry for "app"; anything else Docker Hub
    let domain = DEFAULT_DOMAIN;
    let q = term;
    const slash = term.indexOf('/');
    if (slash > 0 && /[.:]|^localhost$/.test(term.slice(0, slash))) { domain = term.slice(0, slash); q = term.slice(slash + 1); }
    let results;
    try {
      results = await searchRegistry(this.access.client.transport, domain, q, limit);
    } catch (e) {
      throw new SystemError(errorMessage(e));
    }
    const stars = f.stars?.length ? Number(f.stars[0]) : 0;
    return results.filter((r) => r.star_count >= stars
      && (!f['is-official']?.length || String(r.is_official) === f['is-official'][0])
      && (!f['is-automated']?.length || String(r.is_automated) === f['is-automated'][0]));
  }

  /** GET /distribution/{name}/json: the manifest's descriptor and the platforms it serves. */
  async distribution(name: string, auth?: AuthConfig): Promise<DistributionInspect> {
    const parsed = parseNormalizedNamed(name);
    const ref = parsed.tag === undefined && parsed.digest === undefined ? { ...parsed, tag: 'latest' } : parsed;
    const repo = this.access.client.repo({ domain: ref.domain, path: ref.path }, credentialsOf(auth));
    const m = await repo.getManifest(ref.digest ?? (ref.tag as string)).catch((e: unknown) => { throw registryFailure(e, ref, 'pull'); });
    const descriptor = { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    if (isIndex(m.mediaType)) {
      const idx = JSON.parse(m.bytes.toString()) as ManifestIndex;
      return { Descriptor: descriptor, Platforms: idx.manifests.filter((d) => d.platform).map((d) => ({ ...d.platform! })) };
    }
    const man = JSON.parse(m.bytes.toString()) as { config: { digest: string } };
    const cfg = JSON.parse((await repo.getBlobBytes(man.config.digest)).toString()) as { os: string; architecture: string; variant?: string };
    return { Descriptor: descriptor, Platforms: [{ architecture: cfg.architecture, os: cfg.os, ...(cfg.variant ? { variant: cfg.variant } : {}) }] };
  }
}

