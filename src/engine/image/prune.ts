import type { ImageDeleteResponseItem, ImagePruneResponse } from '../../api-types';
import type { ImageRecord, ImageStore } from '../../image';
import { InvalidParameterError } from '../../util/errors';
import type { Filters } from '../backends';
import { parseUntil } from '../container/service';
import { labelMatch } from '../label-filter';

const PRUNE_FILTERS = new Set(['dangling', 'until', 'label', 'label!']);

/** Docker's GetBoolOrDefault for the dangling filter. */
function danglingOnly(f: Filters): boolean {
  const v = f.dangling;
  if (!v?.length) return true;
  if (v.length > 1) throw new InvalidParameterError(`invalid filter 'dangling=${v.join(',')}'`);
  const s = v[0].toLowerCase();
  if (['1', 'true', 't'].includes(s)) return true;
  if (['0', 'false', 'f'].includes(s)) return false;
  throw new InvalidParameterError(`invalid filter 'dangling=${v[0]}'`);
}

/**
 * POST /images/prune, as Moby's ImagesPrune: dangling images (no tag, no child), or with
 * dangling=false every image no container uses; `until` and `label`/`label!` narrow the
 * set. Each goes through the ordinary rmi path (so a used image is a conflict, skipped).
 * SpaceReclaimed sums the layers that were actually deleted.
 */
export async function pruneImages(
  images: ImageStore,
  filters: Filters,
  remove: (ref: string) => Promise<ImageDeleteResponseItem[]>,
): Promise<ImagePruneResponse> {
  for (const k of Object.keys(filters)) if (!PRUNE_FILTERS.has(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
  const onlyDangling = danglingOnly(filters);
  const until = filters.until?.length ? parseUntil(filters.until[0]) : Infinity;
  const all = images.list();
  const children = new Map<string, number>();
  for (const img of all) if (img.parent) children.set(img.parent, (children.get(img.parent) ?? 0) + 1);
  const layerSizes = new Map<string, number>();
  for (const img of all) for (const c of img.chainIds) if (!layerSizes.has(c)) layerSizes.set(c, images.layerSize(c));
  const labelsOk = (img: ImageRecord): boolean => {
    const labels = img.config.config?.Labels ?? {};
    if (filters.label?.length && !filters.label.every((l) => labelMatch(labels, l))) return false;
    if (filters['label!']?.length && filters['label!'].some((l) => labelMatch(labels, l))) return false;
    return true;
  };
  const deleted: ImageDeleteResponseItem[] = [];
  for (const img of all) {
    const hasChildren = (children.get(img.id) ?? 0) > 0;
    // dangling-only looks at heads (images nothing is built on); intermediates never go
    if (onlyDangling && hasChildren) continue;
    const refs = [...img.repoTags, ...img.repoDigests];
    if (refs.length === 0 && hasChildren) continue;
    const created = Date.parse(img.config.created ?? '');
    if (until !== Infinity && !Number.isNaN(created) && created > until) continue;
    if (!labelsOk(img)) continue;
    const targets = refs.length === 0 ? [img.id.slice('sha256:'.length)]
      : !onlyDangling || img.repoTags.length === 0 ? refs : [];
    for (const ref of targets) {
      try {
        deleted.push(...await remove(ref));
      } catch {
        // a conflict (used by a container, a child) or a race: not prunable, as in Docker
      }
    }
  }
  let reclaimed = 0;
  for (const d of deleted) if (d.Deleted) reclaimed += layerSizes.get(d.Deleted) ?? 0;
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
}
