// Go text/template for berth's --format flags: parse once, execute per item.
import { execute, TemplateExecError } from './exec';
import { BUILTINS, DOCKER_FUNCS, HEADER_FUNCS, type FuncDef, type TemplateFunc } from './funcs';
import { parse, TemplateParseError, type ParsedTemplate } from './parser';
import { NO_VALUE } from './values';

export { TemplateExecError, TemplateParseError };
export type { TemplateFunc };
export { NO_VALUE, formatV as formatGoValue, goJson } from './values';
export { sprintf, sprint, sprintln } from './fmt';

export interface TemplateOptions {
  /** Template name used in error messages ("template: <name>:1: ..."); docker uses "". */
  name?: string;
  /** Extra functions, callable by name from the template. */
  funcs?: Record<string, TemplateFunc>;
  /** Leave out docker's json/split/join/title/lower/upper/pad/truncate (plain Go template). */
  noDockerFuncs?: boolean;
}

/** A parsed Go template. */
export class Template {
  private constructor(
    readonly text: string,
    private readonly tree: ParsedTemplate,
    private readonly funcs: Record<string, FuncDef>,
  ) {}

  /** Parses `text`; throws TemplateParseError with Go's message (e.g. `template: :1: function "foo" not defined`). */
  static parse(text: string, opts: TemplateOptions = {}): Template {
    const funcs: Record<string, FuncDef> = { ...BUILTINS, ...(opts.noDockerFuncs ? {} : DOCKER_FUNCS) };
    for (const [k, fn] of Object.entries(opts.funcs ?? {})) funcs[k] = { fn, params: [], variadic: 'any' };
    const known = (n: string): boolean => n === 'and' || n === 'or' || n in funcs;
    return new Template(text, parse(text, opts.name ?? '', known), funcs);
  }

  /** Runs the template against `data`; throws TemplateExecError (with the partial output). */
  execute(data: unknown): string {
    return execute(this.tree, this.text, rootOf(data), this.funcs);
  }

  /** Runs with docker's header functions (json, upper... return their argument unchanged). */
  executeHeader(data: unknown): string {
    return execute(this.tree, this.text, rootOf(data), { ...this.funcs, ...HEADER_FUNCS });
  }
}

/** Shorthand for Template.parse. */
export function parseTemplate(text: string, opts?: TemplateOptions): Template {
  return Template.parse(text, opts);
}

/** Go's Execute(w, nil) sees an invalid value, so {{.}} prints <no value> and {{.X}} too. */
const rootOf = (data: unknown): unknown => (data === null || data === undefined ? NO_VALUE : data);
