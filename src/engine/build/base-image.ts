import { familiarName, familiarString, parseNormalizedNamed, tagNameOnly, type ImageRecord, type ImageStore } from '../../image';
import { BuildFailure } from './session';

/**
 * The one place a build turns a FROM / --from image name into an image. It looks in the
 * local store only; registry pull (and --pull) plugs in here: a resolver that pulls when the
 * image is missing (or always, with pull) and then looks again.
 */
export type BaseImageResolver = (ref: string, opts: { pull: boolean; signal: AbortSignal }) => Promise<ImageRecord>;

export function localBaseImages(images: Pick<ImageStore, 'tryResolve'>): BaseImageResolver {
  return async (ref) => {
    const img = images.tryResolve(ref);
    if (img) return img;
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
export type PullStream = (ref: string, signal: AbortSignal) => NodeJS.ReadableStream;

/**
 * Local images first; a missing one (or any, with --pull) is pulled from its registry, as
 * dockerd's classic builder does, then looked up again. A pull that fails says why in the
 * registry's words (unreachable, denied, unknown manifest).
 */
export function pullingBaseImages(images: Pick<ImageStore, 'tryResolve'>, pull: PullStream): BaseImageResolver {
  const local = localBaseImages(images);
  return async (ref, opts) => {
    if (!opts.pull && images.tryResolve(ref)) return local(ref, opts);
    let failure: string | null = null;
    try {
      // FROM busybox means busybox:latest, never every tag
      const tagged = familiarString(tagNameOnly(parseNormalizedNamed(ref)));
      for await (const m of pull(tagged, opts.signal) as AsyncIterable<{ error?: string }>) {
        if (m && typeof m.error === 'string') failure = m.error;
      }
    } catch (e) {
      failure = e instanceof Error ? e.message : String(e);
    }
    if (failure !== null) throw new BuildFailure(failure);
    return local(ref, opts);
  };
}
