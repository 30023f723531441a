/** berth network ls. */
import type { NetworkResource } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { formatRows } from '../../output';

const HEADERS = { ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT' };
const DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}';

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'List networks',
  flags: [
    { name: 'filter', short: 'f', kind: 'list', help: 'Provide filter values (e.g. "driver=bridge")' },
    FORMAT_FLAG,
    { name: 'no-trunc', kind: 'bool', help: 'Do not truncate the output' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Only display network IDs' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const list = await ctx.client().networkList(parseFilters(get.list(v, 'filter')));
    ctx.out.write(renderNetworks(list, { quiet: get.bool(v, 'quiet'), noTrunc: get.bool(v, 'no-trunc'), format: get.str(v, 'format') }));
    return 0;
  },
};

export function renderNetworks(list: NetworkResource[], o: { quiet: boolean; noTrunc: boolean; format?: string }): string {
  const rows = [...list].sort((a, b) => a.Name.localeCompare(b.Name)).map((n) => ({
    ID: o.noTrunc ? n.Id : n.Id.slice(0, 12), Name: n.Name, Driver: n.Driver, Scope: n.Scope,
    IPv6: String(n.EnableIPv6), Internal: String(n.Internal),
    Labels: Object.entries(n.Labels ?? {}).map(([k, val]) => `${k}=${val}`).join(','),
    CreatedAt: goCreated(n.Created),
  }));
  if (o.quiet && !o.format) return rows.map((r) => `${r.ID}\n`).join('');
  return formatRows(o.format, DEFAULT, rows, HEADERS);
}

/** "2024-01-02 15:04:05.999999999 +0000 UTC", as the docker CLI prints a network's time. */
function goCreated(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().replace('T', ' ').replace('Z', '')} +0000 UTC`;
}
