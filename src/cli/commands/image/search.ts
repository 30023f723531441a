import type { ImageSearchResult } from '../../../api-types';
import { FILTER_FLAG, FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { formatRows } from '../../output';

const HEADERS = { Name: 'NAME', Description: 'DESCRIPTION', StarCount: 'STARS', IsOfficial: 'OFFICIAL', IsAutomated: 'AUTOMATED' };

export const command: CommandDef = {
  usage: '[OPTIONS] TERM',
  description: 'Search the Docker Hub for images',
  flags: [
    FILTER_FLAG,
    FORMAT_FLAG,
    { name: 'limit', kind: 'string', help: 'Max number of search results (default 25)' },
    { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, args) {
    const limitS = get.str(v, 'limit');
    const limit = limitS === undefined ? 25 : Number(limitS);
    if (!Number.isInteger(limit)) throw new Error(`invalid argument "${limitS}" for "--limit" flag: strconv.ParseInt: parsing "${limitS}": invalid syntax`);
    const results = await ctx.client().imageSearch(args[0], limit, parseFilters(get.list(v, 'filter')));
    ctx.out.write(renderSearch(results, get.bool(v, 'no-trunc'), get.str(v, 'format')));
    return 0;
  },
};

export function renderSearch(results: ImageSearchResult[], noTrunc: boolean, format?: string): string {
  const rows = results.map((r) => {
    let d = r.description.replace(/\n/g, ' ');
    if (!noTrunc && [...d].length > 45) d = `${[...d].slice(0, 44).join('')}…`;
    return { Name: r.name, Description: d, StarCount: String(r.star_count), IsOfficial: r.is_official ? '[OK]' : '', IsAutomated: r.is_automated ? '[OK]' : '' };
  });
  // docker 28's table: AUTOMATED is gone (automated builds were retired), the field stays for --format
  return formatRows(format, 'table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}', rows, HEADERS);
}
