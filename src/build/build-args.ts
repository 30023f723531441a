/**
 * Build arguments as the classic builder tracks them (moby builder/dockerfile/buildargs.go):
 * - `--build-arg` values are usable only where an ARG declares the name (meta ARGs before the
 *   first FROM are usable only in FROM lines; a stage sees a meta ARG after redeclaring it,
 *   `ARG NAME` without a value then takes the meta value);
 * - the proxy variables (HTTP_PROXY, ...) need no ARG: given with --build-arg they reach RUN's
 *   environment, but stay out of the history (`|N` prefix) unless an ARG declares them;
 * - `--build-arg` names no ARG consumed are reported in a warning.
 */

export const BUILTIN_ARGS: ReadonlySet<string> = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

/** name → value; null when given without one (`--build-arg NAME` with NAME unset in the client) */
export type BuildArgValues = ReadonlyMap<string, string | null>;

type Decl = Map<string, string | undefined>;

export class BuildArgs {
  private allowed: Decl = new Map();
  private readonly meta: Decl = new Map();
  private readonly referenced = new Set<string>();

  constructor(private readonly fromOptions: BuildArgValues = new Map()) {}

  /** A stage's own copy: meta args and references carried, declarations reset. */
  forStage(): BuildArgs {
    const b = new BuildArgs(this.fromOptions);
    for (const [k, v] of this.meta) b.meta.set(k, v);
    for (const k of this.referenced) b.referenced.add(k);
    return b;
  }

  mergeReferenced(other: BuildArgs): void {
    for (const k of other.referenced) this.referenced.add(k);
  }

  addMetaArg(key: string, value: string | undefined): void { this.meta.set(key, value); }

  addArg(key: string, value: string | undefined): void {
    this.allowed.set(key, value);
    this.referenced.add(key);
  }

  isReferencedOrNotBuiltin(key: string): boolean {
    return this.allowed.has(key) || !BUILTIN_ARGS.has(key);
  }

  private value(key: string, source: Decl): string | undefined {
    const opt = this.fromOptions.get(key);
    if (opt !== undefined && opt !== null) return opt;
    const def = source.get(key);
    // declared without a value: the meta ARG's value, if any
    return def === undefined ? this.meta.get(key) : def;
  }

  private all(source: Decl): Map<string, string> {
    const out = new Map<string, string>();
    const keys = new Set<string>([...source.keys(), ...BUILTIN_ARGS]);
    for (const k of keys) {
      const v = this.value(k, source);
      if (v !== undefined) out.set(k, v);
    }
    return out;
  }

  /** declared ARGs of the stage (and given proxy args) with their values */
  allAllowed(): Map<string, string> { return this.all(this.allowed); }

  /** meta ARGs (before the first FROM), for FROM lines */
  allMeta(): Map<string, string> { return this.all(this.meta); }

  /** `K=v` of the allowed args the config's Env does not set (RUN's extra environment) */
  filterAllowed(env: readonly string[]): string[] {
    const set = new Set(env.map((e) => e.split('=', 1)[0]));
    const out: string[] = [];
    for (const [k, v] of this.allAllowed()) if (!set.has(k)) out.push(`${k}=${v}`);
    return out;
  }

  /** the warning Docker prints after the build, or null */
  unusedWarning(): string | null {
    const left = [...this.fromOptions.keys()].filter((k) => !this.referenced.has(k) && !BUILTIN_ARGS.has(k)).sort();
    return left.length ? `[Warning] One or more build-args [${left.join(' ')}] were not consumed` : null;
  }
}
