/**
 * Docker's `--format` rules in one place: "table" / "table TEMPLATE" (header row from a header
 * context, tabwriter columns: minwidth 10, padding 3), "json", or a template per row.
 * Plain `{{.Field}}` templates (every default format) render here without loading the
 * template engine; anything else goes to src/cli/format.
 */

export type Row = object;

interface TemplateEngine { render(src: string, data: unknown): string }

let engine: TemplateEngine | undefined;

/** The Go text/template engine of src/cli/format, loaded only when a format needs it. */
function loadEngine(): TemplateEngine {
  if (engine) return engine;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('./format') as Record<string, unknown>;
  const fn = (mod.renderTemplate ?? mod.executeTemplate ?? mod.render) as ((s: string, d: unknown) => string) | undefined;
  if (typeof fn !== 'function') throw new Error('template engine unavailable');
  engine = { render: fn };
  return engine;
}

const SIMPLE = /^(?:[^{}]|\{\{\s*\.[A-Za-z0-9_]+\s*\}\})*$/;

export function renderTemplate(src: string, data: unknown): string {
  const obj = data as Record<string, unknown>;
  const plain = (k: string) => { const v = obj?.[k]; return v === null || v === undefined || (typeof v !== 'object' && typeof v !== 'function'); };
  if (SIMPLE.test(src) && [...src.matchAll(/\{\{\s*\.([A-Za-z0-9_]+)/g)].every((m) => plain(m[1]))) {
    return src.replace(/\{\{\s*\.([A-Za-z0-9_]+)\s*\}\}/g, (_m, k: string) => {
      const v = obj[k];
      return typeof v === 'function' ? String((v as () => unknown).call(obj)) : v === undefined || v === null ? '<no value>' : String(v);
    });
  }
  return loadEngine().render(src, data);
}

function runeLen(s: string): number { return [...s].length; }

/** Go's text/tabwriter with docker's settings, for tab-separated lines. */
export function tabwrite(lines: string[], minwidth = 10, padding = 3): string {
  const rows = lines.map((l) => l.split('\t'));
  const widths: number[] = [];
  for (const r of rows) {
    for (let c = 0; c < r.length - 1; c++) widths[c] = Math.max(widths[c] ?? 0, runeLen(r[c]) + padding, minwidth);
  }
  return rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(widths[c] - runeLen(cell)) : cell)).join('')).join('\n') + (rows.length ? '\n' : '');
}

/** JSON as Go's encoding/json writes a struct rendered through a map: sorted keys, <>& escaped. */
export function goJson(v: unknown): string {
  const sortKeys = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(sortKeys);
    if (x && typeof x === 'object') {
      return Object.fromEntries(Object.keys(x).sort().filter((k) => typeof (x as Record<string, unknown>)[k] !== 'function').map((k) => [k, sortKeys((x as Record<string, unknown>)[k])]));
    }
    return x;
  };
  return JSON.stringify(sortKeys(v)).replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}

function unescape(f: string): string { return f.replace(/\\t/g, '\t').replace(/\\n/g, '\n'); }

/**
 * Render rows for `--format`. `defaultTable` is the command's default format (always a
 * "table ..." template); `header` maps field names to column titles.
 */
export function formatRows(format: string | undefined, defaultTable: string, rows: Row[], header: Record<string, string>, toJson?: (r: Row) => unknown): string {
  let f = format && format.trim() ? format : defaultTable;
  if (f === 'table') f = defaultTable;
  if (f === 'json') {
    return rows.map((r) => goJson(toJson ? toJson(r) : r)).join('\n') + (rows.length ? '\n' : '');
  }
  if (f.startsWith('table')) {
    const tmpl = unescape(f.slice('table'.length).trim());
    const lines = [renderTemplate(tmpl, header), ...rows.map((r) => renderTemplate(tmpl, r))];
    return tabwrite(lines.join('\n').split('\n'));
  }
  const tmpl = unescape(f);
  return rows.map((r) => `${renderTemplate(tmpl, r)}\n`).join('');
}
