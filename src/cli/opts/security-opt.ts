/**
 * --security-opt as the docker CLI passes it on: `seccomp=<file>` is read and inlined as
 * compact JSON (the daemon never reads client files); `systempaths=unconfined` is a client-side
 * switch that empties MaskedPaths/ReadonlyPaths.
 */
export interface SecurityOpts { securityOpt: string[]; unmaskSystemPaths: boolean }

export function parseSecurityOpts(opts: string[], readFile: (p: string) => string): SecurityOpts {
  const out: string[] = [];
  let unmask = false;
  for (const o of opts) {
    if (o === 'no-new-privileges') { out.push(o); continue; }
    const m = /^([^=:]+)[=:](.*)$/s.exec(o);
    if (!m) throw new Error(`Invalid --security-opt: ${JSON.stringify(o)}`);
    const [, key, value] = m;
    if (key === 'systempaths') {
      if (value !== 'unconfined') throw new Error(`Invalid --security-opt: ${JSON.stringify(o)}`);
      unmask = true;
      continue;
    }
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin') {
      let text: string;
      try { text = readFile(value); } catch (e) { throw new Error(`opening seccomp profile (${value}) failed: ${(e as Error).message}`); }
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch (e) { throw new Error(`compacting json for seccomp profile (${value}) failed: ${(e as Error).message}`); }
      out.push(`seccomp=${JSON.stringify(parsed)}`);
      continue;
    }
    if (!['seccomp', 'apparmor', 'label', 'no-new-privileges', 'mask', 'unmask', 'writable-cgroups'].includes(key)) throw new Error(`Invalid --security-opt: ${JSON.stringify(o)}`);
    out.push(`${key}=${value}`);
  }
  return { securityOpt: out, unmaskSystemPaths: unmask };
}
