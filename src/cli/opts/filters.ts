/** --filter key=value, repeated, into key → values (the client sends docker's map form). */
export function parseFilters(list: string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const f of list) {
    const eq = f.indexOf('=');
    if (eq <= 0) throw new Error(`bad format of filter (expected name=value)`);
    const k = f.slice(0, eq).trim().toLowerCase();
    const v = f.slice(eq + 1).trim();
    (out[k] ??= []).push(v);
  }
  return out;
}
