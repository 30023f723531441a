/** berth events: docker's one-line format, or --format per event. */
import type { EventMessage } from '../../../api-types';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { parseFilters } from '../../opts/filters';
import { toApiTime } from '../../opts/timestamps';
import { renderTemplate } from '../../output';

/** RFC 3339 with 9 fraction digits in local time, as docker's rfc3339NanoFixed. */
export function rfc3339NanoFixed(timeNano: number | bigint): string {
  const ns = BigInt(timeNano);
  const ms = Number(ns / 1_000_000n);
  const frac = String(ns % 1_000_000_000n).padStart(9, '0');
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const local = new Date(ms + off * 60_000).toISOString().slice(0, 19);
  const p = (n: number) => String(n).padStart(2, '0');
  const tz = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${local}.${frac}${tz}`;
}

export function eventLine(e: EventMessage): string {
  // String() of a JSON number past 2^53 gives the digits the daemon sent (rounded), not the double's.
  const tn = e.timeNano !== undefined ? BigInt(String(e.timeNano).includes('e') ? Math.round(e.timeNano) : String(e.timeNano)) : BigInt(e.time) * 1_000_000_000n;
  const attrs = Object.entries(e.Actor?.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${k}=${v}`);
  return `${rfc3339NanoFixed(tn)} ${e.Type} ${e.Action} ${e.Actor?.ID ?? ''}${attrs.length ? ` (${attrs.join(', ')})` : ''}`;
}

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  flags: [
    { name: 'filter', short: 'f', kind: 'list', help: 'Filter output based on conditions provided' },
    { name: 'format', kind: 'string', help: 'Format output using a custom template' },
    { name: 'since', kind: 'string', help: 'Show all events created since timestamp' },
    { name: 'until', kind: 'string', help: 'Stream events until this timestamp' },
  ],
  args: { max: 0 },
  async run(ctx, v) {
    const now = Date.now();
    const since = get.str(v, 'since');
    const until = get.str(v, 'until');
    const format = get.str(v, 'format');
    const stream = ctx.client().events({
      since: since ? toApiTime(since, now) : undefined, until: until ? toApiTime(until, now) : undefined,
      filters: parseFilters(get.list(v, 'filter')),
    });
    for await (const e of stream) {
      if (!format) ctx.out.write(`${eventLine(e)}\n`);
      else ctx.out.write(`${format === 'json' ? JSON.stringify(e) : renderTemplate(format.replace(/\\t/g, '\t'), e)}\n`);
    }
    return 0;
  },
};
