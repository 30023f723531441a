/**
 * The CLI's door to src/cli/format: docker's `--format` rules ("table", "table TEMPLATE",
 * "json", or a template per row) and single-object templates for inspect/version/info.
 */
import { formatItems, formatOne, goJson as formatGoJson, tabwrite as formatTabwrite } from './format';

export type Row = object;

/** One template against one value (inspect -f, version -f, events --format). */
export function renderTemplate(src: string, data: unknown): string {
  return formatOne(src, data);
}

/** Tab-separated lines through docker's tabwriter (minwidth, padding 3). */
export function tabwrite(lines: string[], minWidth = 10, padding = 3): string {
  return formatTabwrite(`${lines.join('\n')}\n`, { minWidth, padding });
}

export function goJson(v: unknown): string {
  return formatGoJson(v);
}

/**
 * Render rows for `--format`. `defaultTable` is the command's default ("table ...");
 * `header` maps field names to column titles.
 */
export function formatRows(format: string | undefined, defaultTable: string, rows: Row[], header: Record<string, string>): string {
  const f = format && format.trim() ? format : defaultTable;
  return formatItems(f, rows, { header, defaultTableFormat: defaultTable });
}
