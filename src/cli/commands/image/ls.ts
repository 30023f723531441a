/** berth images / image ls. */
import type { ImageSummary } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { formatRows } from '../../output';
import { goTime, humanDuration, humanSize } from '../../units';

export interface ImagesOptions { all: boolean; quiet: boolean; digests: boolean; noTrunc: boolean; format?: string; filters: Record<string, string[]> }

export const command: CommandDef = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Show all images (default hides intermediate images)' },
    { name: 'digests', kind: 'bool', help: 'Show digests' },
    { name: 'filter', short: 'f', kind: 'list', help: 'Filter output based on conditions provided' },
    FORMAT_FLAG,
    { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Only show image IDs' },
  ],
  args: { max: 1 },
  async run(ctx, v, args) {
    const o: ImagesOptions = {
      all: get.bool(v, 'all'), quiet: get.bool(v, 'quiet'), digests: get.bool(v, 'digests'), noTrunc: get.bool(v, 'no-trunc'),
      format: get.str(v, 'format'), filters: parseFilters(get.list(v, 'filter')),
    };
    if (args[0]) (o.filters.reference ??= []).push(args[0]);
    const list = await ctx.client().imageList({ all: o.all, digests: o.digests, filters: o.filters });
    ctx.out.write(renderImages(list, o, Date.now()));
    return 0;
  },
};

function splitRepoTag(rt: string): [string, string] {
  const i = rt.lastIndexOf(':');
  return i > rt.lastIndexOf('/') ? [rt.slice(0, i), rt.slice(i + 1)] : [rt, '<none>'];
}

export function imageRows(list: ImageSummary[], noTrunc: boolean, now: number) {
  const rows = [];
  for (const img of list) {
    const id = noTrunc ? img.Id : img.Id.replace(/^sha256:/, '').slice(0, 12);
    const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    const digests = (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>');
    const base = {
      ID: id, CreatedSince: `${humanDuration(now - img.Created * 1000)} ago`, CreatedAt: goTime(img.Created),
      Size: humanSize(img.Size), VirtualSize: humanSize(img.VirtualSize ?? img.Size, 4), UniqueSize: 'N/A', SharedSize: img.SharedSize >= 0 ? humanSize(img.SharedSize) : 'N/A',
      Containers: img.Containers >= 0 ? String(img.Containers) : 'N/A',
    };
    if (!tags.length) {
      const d = digests[0];
      rows.push({ ...base, Repository: d ? d.split('@')[0] : '<none>', Tag: '<none>', Digest: d ? d.split('@')[1] : '<none>' });
      continue;
    }
    for (const t of tags) {
      const [repo, tag] = splitRepoTag(t);
      const d = digests.find((x) => x.startsWith(`${repo}@`));
      rows.push({ ...base, Repository: repo, Tag: tag, Digest: d ? d.split('@')[1] : '<none>' });
    }
  }
  return rows;
}

const HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', ID: 'IMAGE ID', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'VIRTUAL SIZE', SharedSize: 'SHARED SIZE', Containers: 'CONTAINERS' };

export function renderImages(list: ImageSummary[], o: ImagesOptions, now: number): string {
  const rows = imageRows(list, o.noTrunc, now);
  if (o.quiet && !o.format) return rows.map((r) => `${r.ID}\n`).join('');
  const def = `table {{.Repository}}\t{{.Tag}}\t${o.digests ? '{{.Digest}}\t' : ''}{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`;
  return formatRows(o.format, def, rows, HEADERS);
}
