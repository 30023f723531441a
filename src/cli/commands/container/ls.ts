/** berth ps / container ls. */
import type { ContainerSummary } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { formatRows } from '../../output';
import { goTime, humanDuration, humanSize } from '../../units';

export interface PsOptions { all: boolean; quiet: boolean; noTrunc: boolean; size: boolean; last: number; format?: string; filters: Record<string, string[]> }

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'List containers',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', kind: 'list', help: 'Filter output based on conditions provided' },
    FORMAT_FLAG,
    { name: 'last', short: 'n', kind: 'int', def: -1, help: 'Show n last created containers (includes all states)' },
    { name: 'latest', short: 'l', kind: 'bool', help: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Only display container IDs' },
    { name: 'size', short: 's', kind: 'bool', help: 'Display total file sizes' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const o: PsOptions = {
      all: get.bool(v, 'all'), quiet: get.bool(v, 'quiet'), noTrunc: get.bool(v, 'no-trunc'), size: get.bool(v, 'size'),
      last: get.bool(v, 'latest') ? 1 : get.int(v, 'last') ?? -1, format: get.str(v, 'format'), filters: parseFilters(get.list(v, 'filter')),
    };
    const list = await ctx.client().containerList({ all: o.all, limit: o.last > 0 ? o.last : undefined, size: o.size, filters: o.filters });
    ctx.out.write(renderPs(list, o, Date.now()));
    return 0;
  },
};

export function ellipsis(s: string, max: number): string {
  const r = [...s];
  return r.length > max ? `${r.slice(0, max - 1).join('')}…` : s;
}

/** docker's DisplayablePorts, without range folding. */
export function displayPorts(ports: ContainerSummary['Ports']): string {
  const sorted = [...(ports ?? [])].sort((a, b) => a.PrivatePort - b.PrivatePort || (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || (a.IP ?? '').localeCompare(b.IP ?? ''));
  const out: string[] = [];
  for (const p of sorted) {
    if (p.PublicPort) {
      const ip = p.IP ?? '';
      out.push(`${ip.includes(':') ? `[${ip}]` : ip}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`);
    } else out.push(`${p.PrivatePort}/${p.Type}`);
  }
  return [...new Set(out)].join(', ');
}

export function psRow(c: ContainerSummary, trunc: boolean, now: number) {
  const names = (c.Names ?? []).map((n) => n.replace(/^\//, ''));
  const labels = c.Labels ?? {};
  return {
    ID: trunc ? c.Id.slice(0, 12) : c.Id,
    Image: trunc && c.Image.startsWith('sha256:') ? c.Image.slice(7, 19) : c.Image,
    Command: JSON.stringify(trunc ? ellipsis(c.Command ?? '', 20) : c.Command ?? ''),
    CreatedAt: goTime(c.Created),
    RunningFor: `${humanDuration(now - c.Created * 1000)} ago`,
    Ports: displayPorts(c.Ports),
    State: c.State,
    Status: c.Status,
    Size: c.SizeRootFs ? `${humanSize(c.SizeRw ?? 0)} (virtual ${humanSize(c.SizeRootFs)})` : humanSize(c.SizeRw ?? 0),
    Names: (trunc ? names.filter((n) => !n.includes('/')) : names).join(','),
    Labels: Object.entries(labels).map(([k, val]) => `${k}=${val}`).join(','),
    Label: (k: string) => labels[k] ?? '',
    Mounts: (c.Mounts ?? []).map((m) => (trunc ? ellipsis(m.Name || m.Source || '', 15) : m.Name || m.Source || '')).join(','),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Platform: null,
  };
}

const HEADERS = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS',
  State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Label: 'LABEL', Mounts: 'MOUNTS',
  Networks: 'NETWORKS', LocalVolumes: 'LOCAL VOLUMES',
};

export function renderPs(list: ContainerSummary[], o: PsOptions, now: number): string {
  const rows = list.map((c) => psRow(c, !o.noTrunc, now));
  if (o.quiet && !o.format) return rows.map((r) => `${r.ID}\n`).join('');
  const def = `table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}${o.size ? '\t{{.Size}}' : ''}`;
  return formatRows(o.format, def, rows, HEADERS);
}
