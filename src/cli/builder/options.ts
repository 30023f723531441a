/** Parsers of `build`'s list flags, with the docker CLI's rules and wording. */
import { isIP } from 'node:net';

/** opts.ValidateEnv: a name is required; the value may be absent. */
export function validateBuildArg(val: string): void {
  const eq = val.indexOf('=');
  if ((eq < 0 ? val : val.slice(0, eq)) === '') throw new Error(`invalid environment variable: ${val}`);
}

/**
 * --build-arg values: `K=V` as given; a bare `K` takes its value from the CLI's environment
 * (docker's rule), or stays null (declared, no value) when the variable is unset.
 */
export function buildArgMap(list: string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const a of list) {
    const eq = a.indexOf('=');
    if (eq >= 0) out[a.slice(0, eq)] = a.slice(eq + 1);
    else out[a] = env[a] ?? null;
  }
  return out;
}

/** opts.ValidateLabel */
export function validateLabel(val: string): void {
  const eq = val.indexOf('=');
  if ((eq < 0 ? val : val.slice(0, eq)).trim() === '') throw new Error(`invalid label '${val}': empty name`);
}

/** --label: `K=V`, or `K` for an empty value. */
export function labelMap(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of list) {
    const eq = l.indexOf('=');
    if (eq < 0) out[l] = ''; else out[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return out;
}

/** opts.ValidateExtraHost: host:ip or host=ip (IPv6 in brackets allowed), or host-gateway. */
export function validateExtraHost(val: string): void {
  let sep = val.indexOf('=');
  if (sep < 0) sep = val.indexOf(':');
  const host = sep < 0 ? '' : val.slice(0, sep);
  if (sep < 0 || host === '' || host.includes(':')) throw new Error(`bad format for add-host: "${val}"`);
  let ip = val.slice(sep + 1);
  if (ip === 'host-gateway') return;
  if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (!isIP(ip)) throw new Error(`invalid IP address in add-host: "${ip}"`);
}

// distribution/reference's grammar
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

/** validateTag: reference.ParseNormalizedNamed's checks and wording. */
export function validateTag(ref: string): void {
  if (/^[a-f0-9]{64}$/.test(ref)) throw new Error(`invalid repository name (${ref}), cannot specify 64-byte hexadecimal strings`);
  const slash = ref.indexOf('/');
  const first = slash < 0 ? '' : ref.slice(0, slash);
  const hasDomain = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first);
  let remainder = hasDomain ? ref.slice(slash + 1) : ref;
  if (!hasDomain && slash < 0) remainder = `library/${ref}`;
  const tagSep = remainder.indexOf(':');
  const remoteName = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder.split('@')[0];
  if (remoteName.toLowerCase() !== remoteName) throw new Error(`invalid reference format: repository name (${remoteName}) must be lowercase`);
  if (ref === '') throw new Error('repository name must have at least one component');
  if (!REFERENCE.test(ref)) throw new Error('invalid reference format');
}
