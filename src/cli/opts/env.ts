/** -e and --env-file, and the line format label files share with env files. */

/** Lines of an env/label file: blank lines and # comments skipped, leading space trimmed. */
export function parseLineFile(content: string, fileName: string): string[] {
  const out: string[] = [];
  for (const raw of content.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (!line || line.startsWith('#')) continue;
    const name = line.split('=')[0];
    if (/\s/.test(name)) throw new Error(`variable '${name}' contains whitespaces`);
    if (!name) throw new Error(`no variable name on line '${line}' in ${fileName}`);
    out.push(line);
  }
  return out;
}

/**
 * `NAME=value` passes through; a bare `NAME` takes the value from the CLI's environment
 * and is dropped when unset, as docker does.
 */
export function resolveEnv(entries: string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.includes('=')) { if (e.startsWith('=')) throw new Error(`invalid environment variable: ${e}`); out.push(e); continue; }
    const v = env[e];
    if (v !== undefined) out.push(`${e}=${v}`);
  }
  return out;
}

/** Env files first, then -e flags, as docker orders them. */
export function buildEnv(flags: string[], files: string[], read: (f: string) => string, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromFiles = files.flatMap((f) => parseLineFile(read(f), f));
  return resolveEnv([...fromFiles, ...flags], env);
}

/** -l and --label-file into a label map; `-l key` alone means an empty value. */
export function buildLabels(flags: string[], files: string[], read: (f: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of [...files.flatMap((f) => parseLineFile(read(f), f)), ...flags]) {
    const eq = l.indexOf('=');
    if (eq === 0) throw new Error(`invalid label format: "${l}"`);
    if (eq < 0) out[l] = '';
    else out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}
