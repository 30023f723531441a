/** berth system df: docker's formatter/disk_usage.go (summary table, or -v sections). */
import type { DiskUsage } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { formatRows } from '../../output';
import { humanDuration, humanSize } from '../../units';
import { humanSize4 } from '../../format';
import { psRow } from '../container/ls';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Show docker disk usage',
  flags: [
    FORMAT_FLAG,
    { name: 'verbose', short: 'v', kind: 'bool', help: 'Show detailed information on space usage' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const du = await ctx.client().systemDiskUsage();
    const format = get.str(v, 'format');
    ctx.out.write(get.bool(v, 'verbose') ? renderVerbose(du, format, Date.now()) : renderSummary(du, format));
    return 0;
  },
};

const isActive = (state: string): boolean => /running|paused|restarting/.test(state);

function withPercent(reclaimable: number, total: number): string {
  return total > 0 ? `${humanSize4(reclaimable)} (${Math.floor((reclaimable * 100) / total)}%)` : humanSize4(reclaimable);
}

export function summaryRows(du: DiskUsage) {
  const images = du.Images ?? [];
  const containers = du.Containers ?? [];
  const volumes = du.Volumes ?? [];
  const cache = du.BuildCache ?? [];
  let used = 0;
  for (const i of images) if (i.Containers > 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize;
  const ctrSize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const ctrFree = containers.filter((c) => !isActive(c.State)).reduce((n, c) => n + (c.SizeRw ?? 0), 0);
  const volSize = volumes.reduce((n, x) => n + (x.UsageData && x.UsageData.Size !== -1 ? x.UsageData.Size : 0), 0);
  const volFree = volumes.reduce((n, x) => n + (x.UsageData && x.UsageData.Size !== -1 && x.UsageData.RefCount === 0 ? x.UsageData.Size : 0), 0);
  const cacheSize = cache.filter((b) => !b.Shared).reduce((n, b) => n + b.Size, 0);
  const cacheUsed = cache.filter((b) => b.InUse && !b.Shared).reduce((n, b) => n + b.Size, 0);
  return [
    { Type: 'Images', TotalCount: String(images.length), Active: String(images.filter((i) => i.Containers > 0).length), Size: humanSize4(du.LayersSize), Reclaimable: withPercent(du.LayersSize - used, du.LayersSize) },
    { Type: 'Containers', TotalCount: String(containers.length), Active: String(containers.filter((c) => isActive(c.State)).length), Size: humanSize4(ctrSize), Reclaimable: withPercent(ctrFree, ctrSize) },
    { Type: 'Local Volumes', TotalCount: String(volumes.length), Active: String(volumes.filter((x) => (x.UsageData?.RefCount ?? 0) > 0).length), Size: humanSize4(volSize), Reclaimable: withPercent(volFree, volSize) },
    { Type: 'Build Cache', TotalCount: String(cache.length), Active: String(cache.filter((b) => b.InUse).length), Size: humanSize4(cacheSize), Reclaimable: humanSize4(cacheSize - cacheUsed) },
  ];
}

const SUMMARY_HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

export function renderSummary(du: DiskUsage, format?: string): string {
  return formatRows(format, 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', summaryRows(du), SUMMARY_HEADERS);
}

const IMAGE_HEADERS = { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' };
const CONTAINER_HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', LocalVolumes: 'LOCAL VOLUMES', Size: 'SIZE', RunningFor: 'CREATED', Status: 'STATUS', Names: 'NAMES' };
const VOLUME_HEADERS = { Name: 'VOLUME NAME', Links: 'LINKS', Size: 'SIZE' };
const CACHE_HEADERS = { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' };

export function verboseRows(du: DiskUsage, trunc: boolean, now: number) {
  const ago = (ms: number): string => `${humanDuration(now - ms)} ago`;
  const Images = (du.Images ?? []).map((i) => {
    let repo = '<none>';
    let tag = '<none>';
    const first = (i.RepoTags ?? []).find((t) => t !== '<none>:<none>');
    if (first) {
      const c = first.lastIndexOf(':');
      if (c > first.lastIndexOf('/')) { repo = first.slice(0, c); tag = first.slice(c + 1); }
    }
    return {
      Repository: repo, Tag: tag, ID: trunc ? i.Id.replace(/^sha256:/, '').slice(0, 12) : i.Id, CreatedSince: ago(i.Created * 1000),
      Size: humanSize(i.Size), SharedSize: i.SharedSize === -1 ? 'N/A' : humanSize4(i.SharedSize),
      UniqueSize: i.SharedSize === -1 ? 'N/A' : humanSize4(i.Size - i.SharedSize), Containers: i.Containers === -1 ? 'N/A' : String(i.Containers),
    };
  });
  // the verbose view leaves the virtual size out
  const Containers = (du.Containers ?? []).map((c) => psRow({ ...c, SizeRootFs: 0 }, trunc, now));
  const Volumes = (du.Volumes ?? []).map((x) => ({
    Name: x.Name, Links: x.UsageData && x.UsageData.RefCount !== -1 ? String(x.UsageData.RefCount) : 'N/A',
    Size: x.UsageData && x.UsageData.Size !== -1 ? humanSize4(x.UsageData.Size) : 'N/A',
  }));
  const BuildCache = (du.BuildCache ?? []).map((b) => ({
    ID: trunc ? b.ID.slice(0, 12) : b.ID, CacheType: b.Type, Size: humanSize(b.Size), CreatedSince: ago(Date.parse(b.CreatedAt)),
    LastUsedSince: b.LastUsedAt ? ago(Date.parse(b.LastUsedAt)) : '', UsageCount: String(b.UsageCount), Shared: String(b.Shared),
  }));
  return { Images, Containers, Volumes, BuildCache };
}

export function renderVerbose(du: DiskUsage, format: string | undefined, now: number): string {
  const table = !format || format.startsWith('table');
  const duc = verboseRows(du, table, now);
  if (!table) return formatRows(format, '', [duc], {});
  const builderSize = du.BuilderSize ?? (du.BuildCache ?? []).reduce((n, b) => n + b.Size, 0);
  return `Images space usage:\n\n${formatRows(undefined, 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}', duc.Images, IMAGE_HEADERS)}`
    + `\nContainers space usage:\n\n${formatRows(undefined, 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}', duc.Containers, CONTAINER_HEADERS)}`
    + `\nLocal Volumes space usage:\n\n${formatRows(undefined, 'table {{.Name}}\t{{.Links}}\t{{.Size}}', duc.Volumes, VOLUME_HEADERS)}`
    + `\nBuild cache usage: ${humanSize4(builderSize)}\n\n${formatRows(undefined, 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}', duc.BuildCache, CACHE_HEADERS)}`;
}
