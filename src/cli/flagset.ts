/**
 * A pflag-compatible flag parser (the library behind docker's cobra commands). commander
 * cannot express pflag's rules: `--rm=false` / `-d=false` on booleans, pflag's error wording
 * ("unknown shorthand flag: 'x' in -x"), `-h` meaning --hostname on run, and it costs ~13 ms
 * of startup that `berth run` pays on every call; this file is the whole of it.
 */

export type FlagKind = 'bool' | 'string' | 'list' | 'int';

export interface FlagSpec {
  /** Long name without dashes. */
  name: string;
  short?: string;
  kind: FlagKind;
  help?: string;
  /** Default shown in help and returned when the flag is absent (string/int only). */
  def?: string | number;
  /** Validate a value at parse time; throw Error(reason) → pflag's "invalid argument" wording. */
  check?: (value: string) => void;
  hidden?: boolean;
}

export type FlagValue = boolean | string | number | string[];
export type FlagValues = Record<string, FlagValue | undefined>;

export class FlagError extends Error {
  constructor(message: string) { super(message); this.name = 'FlagError'; }
}

export interface Parsed { values: FlagValues; args: string[]; help: boolean }

function flagLabel(f: FlagSpec): string {
  return f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
}

function parseBool(v: string, f: FlagSpec): boolean {
  if (/^(1|t|T|true|TRUE|True)$/.test(v)) return true;
  if (/^(0|f|F|false|FALSE|False)$/.test(v)) return false;
  throw new FlagError(`invalid argument "${v}" for "${flagLabel(f)}" flag: strconv.ParseBool: parsing "${v}": invalid syntax`);
}

function setValue(values: FlagValues, f: FlagSpec, raw: string): void {
  if (f.kind === 'int') {
    if (!/^[+-]?\d+$/.test(raw)) throw new FlagError(`invalid argument "${raw}" for "${flagLabel(f)}" flag: strconv.ParseInt: parsing "${raw}": invalid syntax`);
  }
  if (f.check) {
    try { f.check(raw); } catch (e) {
      throw new FlagError(`invalid argument "${raw}" for "${flagLabel(f)}" flag: ${(e as Error).message}`);
    }
  }
  if (f.kind === 'list') {
    const cur = values[f.name];
    values[f.name] = Array.isArray(cur) ? [...cur, raw] : [raw];
  } else if (f.kind === 'int') values[f.name] = Number(raw);
  else values[f.name] = raw;
}

/**
 * Parse argv against specs. With `interspersed` false (run, create, exec) parsing stops at
 * the first positional: everything after the image is the container's command.
 */
export function parseFlags(specs: readonly FlagSpec[], argv: readonly string[], interspersed = true): Parsed {
  const byLong = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const f of specs) {
    byLong.set(f.name, f);
    if (f.short) byShort.set(f.short, f);
  }
  const values: FlagValues = {};
  const args: string[] = [];
  let help = false;
  let i = 0;
  while (i < argv.length) {
    const a = argv[i++];
    if (a === '--') { args.push(...argv.slice(i)); break; }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const f = byLong.get(name);
      if (!f) {
        if (name === 'help') { help = true; continue; }
        throw new FlagError(`unknown flag: --${name}`);
      }
      if (f.kind === 'bool') values[f.name] = eq < 0 ? true : parseBool(a.slice(eq + 1), f);
      else if (eq >= 0) setValue(values, f, a.slice(eq + 1));
      else if (i < argv.length) setValue(values, f, argv[i++]);
      else throw new FlagError(`flag needs an argument: --${name}`);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      let s = a.slice(1);
      while (s.length) {
        const c = s[0];
        const f = byShort.get(c);
        if (!f) {
          if (c === 'h' && !byShort.has('h')) { help = true; s = s.slice(1); continue; }
          throw new FlagError(`unknown shorthand flag: '${c}' in -${s}`);
        }
        if (f.kind === 'bool') {
          if (s[1] === '=') { values[f.name] = parseBool(s.slice(2), f); s = ''; } else { values[f.name] = true; s = s.slice(1); }
          continue;
        }
        if (s.length > 1) setValue(values, f, s[1] === '=' ? s.slice(2) : s.slice(1));
        else if (i < argv.length) setValue(values, f, argv[i++]);
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
        s = '';
      }
      continue;
    }
    args.push(a);
    if (!interspersed) { args.push(...argv.slice(i)); break; }
  }
  for (const f of specs) {
    if (values[f.name] === undefined && f.def !== undefined) values[f.name] = f.def;
  }
  return { values, args, help };
}

/** Typed accessors over parsed values. */
export const get = {
  bool: (v: FlagValues, k: string): boolean => v[k] === true,
  str: (v: FlagValues, k: string): string | undefined => (typeof v[k] === 'string' ? v[k] as string : typeof v[k] === 'number' ? String(v[k]) : undefined),
  int: (v: FlagValues, k: string): number | undefined => (typeof v[k] === 'number' ? v[k] as number : undefined),
  list: (v: FlagValues, k: string): string[] => (Array.isArray(v[k]) ? v[k] as string[] : []),
  has: (v: FlagValues, k: string): boolean => v[k] !== undefined,
};

/** Help text in docker's layout. */
export function formatHelp(usage: string, description: string, specs: readonly FlagSpec[], aliases?: string[]): string {
  const lines = [`Usage:  ${usage}`, '', description, ''];
  if (aliases?.length) lines.push('Aliases:', `  ${aliases.join(', ')}`, '');
  const shown = specs.filter((f) => !f.hidden);
  if (shown.length) {
    lines.push('Options:');
    const cells = shown.map((f) => {
      const typ = f.kind === 'bool' ? '' : f.kind === 'list' ? ' list' : f.kind === 'int' ? ' int' : ' string';
      const left = f.short ? `  -${f.short}, --${f.name}${typ}` : `      --${f.name}${typ}`;
      const d = f.def !== undefined && f.def !== '' ? ` (default ${typeof f.def === 'string' ? `"${f.def}"` : f.def})` : '';
      return [left, `${f.help ?? ''}${d}`];
    });
    const w = Math.max(...cells.map((c) => c[0].length)) + 3;
    for (const [l, r] of cells) lines.push(l.padEnd(w) + r);
  }
  return `${lines.join('\n')}\n`;
}
