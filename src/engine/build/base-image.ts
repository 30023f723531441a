import { familiarName, parseNormalizedNamed, type ImageRecord, type ImageStore } from '../../image';
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
