import { familiarName, familiarString, parseNormalizedNamed, serverDomain, tagNameOnly, type ImageRecord, type ImageStore } from '../../image';
import type { AuthConfig } from '../../api-types';
import { formatPlatform, parsePlatform, platformMatches } from '../../registry';
import { BuildFailure } from './session';

/**
 * The one place a build turns a FROM / --from image name into an image. It looks in the
 * local store only; registry pull (and --pull) plugs in here: a resolver that pulls when the
 * image is missing (or always, with pull) and then looks again.
 */
export interface ResolveOptions {
  pull: boolean;
  signal: AbortSignal;
  platform?: string;
  /** the build's X-Registry-Config: credentials by registry */
  auths?: Record<string, AuthConfig>;
}

export type BaseImageResolver = (ref: string, opts: ResolveOptions) => Promise<ImageRecord>;

/** The credentials for a reference's registry (moby's ResolveAuthConfig): keys compared as registry domains. */
export function authFor(ref: string, auths: Record<string, AuthConfig> | undefined): AuthConfig | undefined {
  if (!auths) return undefined;
  let domain: string;
  try {
    domain = parseNormalizedNamed(ref).domain;
  } catch {
    return undefined;
  }
  const key = Object.keys(auths).find((k) => serverDomain(k) === domain);
  return key === undefined ? undefined : auths[key];
}

/**
 * Whether a local image is of the platform asked for (none asked: any), or dockerd's words
 * for one that is not (GetImage with a platform).
 */
function platformMismatch(img: ImageRecord, ref: string, platform: string | undefined): string | null {
  if (!platform) return null;
  const want = parsePlatform(platform);
  const c = img.config;
  const have = { os: c.os ?? 'linux', architecture: c.architecture ?? '', ...(c.variant ? { variant: c.variant } : {}) };
  if (platformMatches(want, have)) return null;
  return `image with reference ${ref} was found but does not match the specified platform: wanted ${formatPlatform(want)}, actual: ${formatPlatform(have)}`;
}

export function localBaseImages(images: Pick<ImageStore, 'tryResolve'>): BaseImageResolver {
  return async (ref, opts) => {
    const img = images.tryResolve(ref);
    if (img) {
      const mismatch = platformMismatch(img, ref, opts.platform);
      if (mismatch) throw new BuildFailure(mismatch);
      return img;
    }
    let repo = ref;
    try {
      repo = familiarName(parseNormalizedNamed(ref));
    } catch {
      throw new BuildFailure(`invalid reference format: ${ref}`);
    }
    // what dockerd answers when the image is neither local nor pullable
    throw new BuildFailure(`pull access denied for ${repo}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`);
  };
}

/** A pull as the registry service runs it: a stream of Docker's progress messages. */
export type PullStream = (ref: string, signal: AbortSignal, platform?: string, auth?: AuthConfig) => NodeJS.ReadableStream;

/**
 * Local images first; a missing one (or any, with --pull) is pulled from its registry, as
 * dockerd's classic builder does, then looked up again. A pull that fails says why in the
 * registry's words (unreachable, denied, unknown manifest).
 */
export function pullingBaseImages(images: Pick<ImageStore, 'tryResolve'>, pull: PullStream): BaseImageResolver {
  const local = localBaseImages(images);
  return async (ref, opts) => {
    // a local image of another platform than asked for is pulled again, for that platform
    const present = opts.pull ? null : images.tryResolve(ref);
    if (present && !platformMismatch(present, ref, opts.platform)) return present;
    let failure: string | null = null;
    try {
      // FROM busybox means busybox:latest, never every tag
      const tagged = familiarString(tagNameOnly(parseNormalizedNamed(ref)));
      for await (const m of pull(tagged, opts.signal, opts.platform, authFor(tagged, opts.auths)) as AsyncIterable<{ error?: string }>) {
        if (m && typeof m.error === 'string') failure = m.error;
      }
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    if (failure !== null) throw new BuildFailure(failure);
    return local(ref, opts);
  };
}
