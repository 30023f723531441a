/** berth history / image history: docker's formatter/history.go columns. */
import type { ImageHistoryItem } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { get } from '../../flagset';
import { formatRows } from '../../output';
import { humanDuration, humanSize } from '../../units';
import { ellipsis } from '../container/ls';

export interface HistoryOptions { human: boolean; noTrunc: boolean; quiet: boolean; format?: string }

export const command: CommandDef = {
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image',
  flags: [
    FORMAT_FLAG,
    { name: 'human', short: 'H', kind: 'bool', help: 'Print sizes and dates in human readable format (default true)' },
    { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Only show image IDs' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, v, args) {
    const o: HistoryOptions = {
      human: v.human === undefined ? true : get.bool(v, 'human'), noTrunc: get.bool(v, 'no-trunc'), quiet: get.bool(v, 'quiet'), format: get.str(v, 'format'),
    };
    const items = await ctx.client().imageHistory(args[0]);
    ctx.out.write(renderHistory(items, o, Date.now()));
    return 0;
  },
};

/** Go's time.Time.Format(time.RFC3339) in the local zone. */
export function rfc3339Local(sec: number): string {
  const d = new Date(sec * 1000);
  const off = -d.getTimezoneOffset();
  const local = new Date(d.getTime() + off * 60000).toISOString().replace(/\.\d{3}Z$/, '');
  if (off === 0) return `${local}Z`;
  const a = Math.abs(off);
  return `${local}${off < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

function truncateId(id: string): string {
  const i = id.indexOf(':');
  return (i >= 0 ? id.slice(i + 1) : id).slice(0, 12);
}

export function historyRows(items: ImageHistoryItem[], o: HistoryOptions, now: number) {
  return items.map((h) => {
    const createdAt = rfc3339Local(h.Created);
    const createdBy = h.CreatedBy.replace(/\t/g, ' ');
    return {
      ID: o.noTrunc ? h.Id : truncateId(h.Id),
      CreatedSince: o.human ? `${humanDuration(now - h.Created * 1000)} ago` : createdAt,
      CreatedAt: createdAt,
      CreatedBy: o.noTrunc ? createdBy : ellipsis(createdBy, 45),
      Size: o.human ? humanSize(h.Size) : String(h.Size),
      Comment: h.Comment,
    };
  });
}

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export function renderHistory(items: ImageHistoryItem[], o: HistoryOptions, now: number): string {
  const rows = historyRows(items, o, now);
  let def = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
  if (!o.format || o.format === 'table') {
    if (o.quiet) return rows.map((r) => `${r.ID}\n`).join('');
    if (!o.human) def = 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';
  }
  return formatRows(o.format === 'table' ? undefined : o.format, def, rows, HEADERS);
}
