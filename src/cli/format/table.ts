// docker's --format semantics (cli/command/formatter/formatter.go): "table ..." prints a header
// row rendered from the command's column labels and aligns cells with docker's tabwriter;
// "json" prints one JSON object per line; any other template prints one line per item.
import { DOCKER_TABLE, tabwrite } from './tabwriter';
import { Template, TemplateExecError, TemplateParseError, type TemplateFunc } from './template';

export const TABLE_FORMAT_KEY = 'table';
export const JSON_FORMAT_KEY = 'json';
export const JSON_FORMAT = '{{json .}}';

/** A --format template that failed to parse or execute; message is docker's. */
export class FormatError extends Error {
  override name = 'FormatError';
}

export interface FormatOptions {
  /** Column labels keyed like the items' fields, e.g. { ID: 'CONTAINER ID', Image: 'IMAGE' }. */
  header?: Record<string, string>;
  /** The command's default table format, used when the format is exactly "table". */
  defaultTableFormat?: string;
  /** Extra template functions. */
  funcs?: Record<string, TemplateFunc>;
}

/** docker's Format.IsTable: any format starting with "table". */
export const isTableFormat = (format: string): boolean => format.startsWith(TABLE_FORMAT_KEY);
/** docker's Format.IsJSON: the format is exactly "json". */
export const isJsonFormat = (format: string): boolean => format === JSON_FORMAT_KEY;

/** docker's preFormat: drop "table", map "json", trim spaces, turn literal \t and \n into tab/newline. */
export function templateText(format: string): string {
  let t = format;
  if (isTableFormat(t)) t = t.slice(TABLE_FORMAT_KEY.length);
  else if (isJsonFormat(t)) t = JSON_FORMAT;
  t = t.replace(/^ +| +$/g, '');
  return t.replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
}

/** Parses a --format template with docker's functions; errors read "template parsing error: ...". */
export function parseFormat(text: string, funcs?: Record<string, TemplateFunc>): Template {
  try {
    return Template.parse(text, { funcs });
  } catch (e) {
    if (e instanceof TemplateParseError) throw new FormatError(`template parsing error: ${e.message}`);
    throw e;
  }
}

function run(tmpl: Template, data: unknown): string {
  try {
    return tmpl.execute(data);
  } catch (e) {
    // docker wraps execution errors with the same words as parse errors.
    if (e instanceof TemplateExecError) throw new FormatError(`template parsing error: ${e.message}`);
    throw e;
  }
}

/**
 * Renders `items` as `docker <cmd> ls --format <format>` does and returns the whole output
 * (each line ends in "\n"). With a table format the header row comes first, even for no items.
 * Throws FormatError with docker's message when the template is invalid or fails on an item
 * (then docker prints nothing else).
 */
export function formatItems(format: string, items: readonly unknown[], opts: FormatOptions = {}): string {
  const effective = format === TABLE_FORMAT_KEY && opts.defaultTableFormat ? opts.defaultTableFormat : format;
  const tmpl = parseFormat(templateText(effective), opts.funcs);
  let body = '';
  for (const item of items) body += run(tmpl, item) + '\n';
  if (!isTableFormat(effective)) return body;
  let header: string;
  try {
    header = tmpl.executeHeader(opts.header ?? {});
  } catch (e) {
    // docker ignores header errors and keeps what was written before them.
    if (!(e instanceof TemplateExecError)) throw e;
    header = e.partial;
  }
  return tabwrite(header + '\n' + body, DOCKER_TABLE);
}

/**
 * Executes a template against one value, as `docker inspect --format` does (no table, no \t
 * rewriting); returns the text without a trailing newline.
 */
export function formatOne(format: string, data: unknown, funcs?: Record<string, TemplateFunc>): string {
  return run(parseFormat(format, funcs), data);
}
