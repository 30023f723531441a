import type { ImageHistoryItem } from '../../api-types';
import type { ImageStore } from '../../image';
import { familiarize } from '../../image';
import { SystemError } from '../../util/errors';

/**
 * GET /images/{name}/history, as Moby's ImageHistory: one item per history entry, newest
 * first; the entries' sizes come from the layers they created (none for empty_layer); the
 * newest item carries the image's ID and tags, the next ones the parent chain's, the rest
 * "<missing>".
 */
export function imageHistory(images: ImageStore, ref: string): ImageHistoryItem[] {
  const img = images.resolve(ref);
  const out: ImageHistoryItem[] = [];
  let layer = 0;
  for (const h of img.config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      if (layer >= img.chainIds.length) throw new SystemError('too many non-empty layers in History section');
      size = images.layerSize(img.chainIds[layer]);
      layer++;
    }
    const t = Date.parse(h.created ?? '');
    out.unshift({ Id: '<missing>', Created: Number.isNaN(t) ? 0 : Math.floor(t / 1000), CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  let cur: typeof img | null = img;
  for (const item of out) {
    if (!cur) break;
    item.Id = cur.id;
    const tags = cur.repoTags.map(familiarize);
    item.Tags = tags.length ? tags : null;
    cur = cur.parent ? images.tryResolve(cur.parent) : null;
  }
  return out;
}
