/** berth volume ls. */
import type { Volume } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { formatRows } from '../../output';

const HEADERS = { Driver: 'DRIVER', Name: 'VOLUME NAME', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };

export function volumeRows(list: Volume[]) {
  // the docker CLI sorts by name, naturally (vol2 before vol10)
  const sorted = [...list].sort((a, b) => a.Name.localeCompare(b.Name, undefined, { numeric: true }));
  return sorted.map((vol) => ({
    Name: vol.Name, Driver: vol.Driver, Scope: vol.Scope, Mountpoint: vol.Mountpoint,
    Labels: Object.entries(vol.Labels ?? {}).map(([k, val]) => `${k}=${val}`).join(','),
    Links: vol.UsageData ? String(vol.UsageData.RefCount) : 'N/A',
    Size: 'N/A',
  }));
}

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'List volumes',
  flags: [
    { name: 'filter', short: 'f', kind: 'list', help: "Provide filter values (e.g. 'dangling=true')" },
    FORMAT_FLAG,
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Only display volume names' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const r = await ctx.client().volumeList(parseFilters(get.list(v, 'filter')));
    const rows = volumeRows(r.Volumes ?? []);
    const format = get.str(v, 'format');
    if (get.bool(v, 'quiet') && !format) ctx.out.write(rows.map((x) => `${x.Name}\n`).join(''));
    else ctx.out.write(formatRows(format, 'table {{.Driver}}\t{{.Name}}', rows, HEADERS));
    for (const w of r.Warnings ?? []) ctx.err.write(`${w}\n`);
    return 0;
  },
};
