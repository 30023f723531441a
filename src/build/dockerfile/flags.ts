/**
 * Instruction flags (`COPY --from=x`), as BuildKit 0.8's BFlags parses them, with its error
 * texts (`Unknown flag: foo`, `Missing a value on flag: from`, ...).
 */
type FlagType = 'bool' | 'string' | 'strings';

interface Flag {
  type: FlagType;
  value: string;
  values: string[];
}

export class BFlags {
  private readonly flags = new Map<string, Flag>();
  private readonly used = new Set<string>();

  constructor(private readonly args: readonly string[]) {}

  addBool(name: string, def = false): void { this.flags.set(name, { type: 'bool', value: def ? 'true' : 'false', values: [] }); }
  addString(name: string, def = ''): void { this.flags.set(name, { type: 'string', value: def, values: [] }); }
  addStrings(name: string): void { this.flags.set(name, { type: 'strings', value: '', values: [] }); }

  string(name: string): string { return this.flags.get(name)?.value ?? ''; }
  bool(name: string): boolean { return this.flags.get(name)?.value === 'true'; }
  strings(name: string): string[] { return [...(this.flags.get(name)?.values ?? [])]; }
  isUsed(name: string): boolean { return this.used.has(name); }
  usedNames(): string[] { return [...this.used]; }

  parse(): void {
    for (const a of this.args) {
      if (!a.startsWith('--')) throw new Error(`Arg should start with -- : ${a}`);
      if (a === '--') return;
      let arg = a.slice(2);
      let value = '';
      const eq = arg.indexOf('=');
      if (eq >= 0) { value = arg.slice(eq + 1); arg = arg.slice(0, eq); }
      const flag = this.flags.get(arg);
      if (!flag) throw new Error(`Unknown flag: ${arg}`);
      if (this.used.has(arg) && flag.type !== 'strings') throw new Error(`Duplicate flag specified: ${arg}`);
      this.used.add(arg);
      switch (flag.type) {
        case 'bool': {
          if (eq >= 0 && value === '') throw new Error(`Missing a value on flag: ${arg}`);
          const lower = value.toLowerCase();
          if (lower === '') flag.value = 'true';
          else if (lower === 'true' || lower === 'false') flag.value = lower;
          else throw new Error(`Expecting boolean value for flag ${arg}, not: ${value}`);
          break;
        }
        case 'string':
          if (eq < 0) throw new Error(`Missing a value on flag: ${arg}`);
          flag.value = value;
          break;
        case 'strings':
          if (eq < 0) throw new Error(`Missing a value on flag: ${arg}`);
          flag.values.push(value);
          break;
      }
    }
  }
}
