/** berth system prune: containers, networks, (volumes), images, build cache, as docker does. */
import { ApiError } from '../../../client';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { humanSize4 } from '../../format';
import { parseFilters } from '../../opts/filters';
import { confirm } from '../confirm';

export interface SystemPruneOptions { all: boolean; volumes: boolean; filters: Record<string, string[]> }

/** docker's confirmation template, rendered. */
export function pruneWarning(o: SystemPruneOptions): string {
  const warnings = ['all stopped containers', 'all networks not used by at least one container'];
  if (o.volumes) warnings.push('all anonymous volumes not used by at least one container');
  warnings.push(o.all ? 'all images without at least one container associated to them' : 'all dangling images');
  warnings.push(o.all ? 'all build cache' : 'unused build cache');
  let s = `WARNING! This will remove:${warnings.map((w) => `\n  - ${w}`).join('')}\n`;
  const filters: string[] = [];
  for (const name of ['label', 'label!', 'until']) for (const v of o.filters[name] ?? []) filters.push(`${name}=${v}`);
  filters.sort();
  if (filters.length) s += `\n  Items to be pruned will be filtered with:${filters.map((f) => `\n  - ${f}`).join('')}\n`;
  return `${s}\nAre you sure you want to continue?`;
}

/** An endpoint another part of berth may not serve yet: its absence prunes nothing. */
async function optional<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 501)) return null;
    throw e;
  }
}

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Remove all unused images not just dangling ones' },
    { name: 'filter', kind: 'list', help: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { name: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
    { name: 'volumes', kind: 'bool', help: 'Prune anonymous volumes' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const o: SystemPruneOptions = { all: get.bool(v, 'all'), volumes: get.bool(v, 'volumes'), filters: parseFilters(get.list(v, 'filter')) };
    if (!get.bool(v, 'force') && !(await confirm(ctx, pruneWarning(o)))) return 0;
    const client = ctx.client();
    const section = (title: string, items: string[] | null | undefined): void => {
      if (items?.length) ctx.out.write(`${title}:\n${items.map((i) => `${i}\n`).join('')}\n`);
    };
    let reclaimed = 0;
    const ctrs = await client.containerPrune(o.filters);
    section('Deleted Containers', ctrs.ContainersDeleted);
    reclaimed += ctrs.SpaceReclaimed ?? 0;
    const nets = await optional(client.networkPrune(o.filters));
    section('Deleted Networks', nets?.NetworksDeleted);
    if (o.volumes) {
      const vols = await optional(client.volumePrune(o.filters));
      section('Deleted Volumes', vols?.VolumesDeleted);
      reclaimed += vols?.SpaceReclaimed ?? 0;
    }
    const imgs = await client.imagePrune({ ...o.filters, dangling: [o.all ? 'false' : 'true'] });
    section('Deleted Images', imgs.ImagesDeleted?.map((i) => (i.Untagged ? `untagged: ${i.Untagged}` : `deleted: ${i.Deleted}`)));
    reclaimed += imgs.ImagesDeleted?.length ? imgs.SpaceReclaimed ?? 0 : 0;
    const cache = await optional(client.buildPrune(o.filters, o.all));
    section('Deleted build cache objects', cache?.CachesDeleted);
    reclaimed += cache?.SpaceReclaimed ?? 0;
    ctx.out.write(`Total reclaimed space: ${humanSize4(reclaimed)}\n`);
    return 0;
  },
};
