import { InvalidParameterError } from './errors';

/**
 * Docker's image reference grammar (distribution/reference) and its normalisation:
 * "busybox" → docker.io/library/busybox, "host:5000/a/b:tag", "name@sha256:<hex>".
 * Errors carry Docker's wording so the API can return them as they are.
 */

const alnum = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|${ipv6})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

const referenceRe = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const anchoredNameRe = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const anchoredTagRe = new RegExp(`^${tagPat}$`);
const anchoredIdentifierRe = /^[a-f0-9]{64}$/;

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const NAME_TOTAL_LENGTH_MAX = 255;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

/** A named reference: domain + path, with an optional tag and/or digest. */
export interface NamedReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** What ParseAnyReference yields: a named reference, or a bare digest such as an image ID. */
export type AnyReference = { kind: 'named'; ref: NamedReference } | { kind: 'digest'; digest: string };

function invalid(msg: string): InvalidParameterError {
  return new InvalidParameterError(msg);
}

/** Validates "algo:hex" as go-digest does; returns it or throws with its wording. */
export function parseDigest(s: string): string {
  const i = s.indexOf(':');
  if (i <= 0 || i + 1 === s.length) throw invalid('invalid checksum digest format');
  const algo = s.slice(0, i);
  const enc = s.slice(i + 1);
  const len = DIGEST_LENGTHS[algo];
  if (len === undefined) {
    if (!/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*$/.test(algo)) throw invalid('invalid checksum digest format');
    throw invalid('unsupported digest algorithm');
  }
  if (enc.length !== len) throw invalid('invalid checksum digest length');
  if (!/^[a-f0-9]+$/.test(enc)) throw invalid('invalid checksum digest format');
  return s;
}

/** reference.Parse: the grammar without normalisation. */
export function parseReference(s: string): NamedReference {
  const m = referenceRe.exec(s);
  if (!m) {
    if (s === '') throw invalid('invalid reference format: repository name must have at least one component');
    if (referenceRe.test(s.toLowerCase())) throw invalid('invalid reference format: repository name must be lowercase');
    throw invalid('invalid reference format');
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) throw invalid(`invalid reference format: repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  const nm = anchoredNameRe.exec(m[1]);
  if (!nm) throw invalid('invalid reference format');
  const ref: NamedReference = { domain: nm[1] ?? '', path: nm[2] };
  if (m[2] !== undefined) ref.tag = m[2];
  if (m[3] !== undefined) ref.digest = parseDigest(m[3]);
  return ref;
}

function splitDockerDomain(name: string): [string, string] {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return [domain, remainder];
}

/** reference.ParseNormalizedNamed: "busybox" → docker.io/library/busybox (no tag added). */
export function parseNormalizedNamed(s: string): NamedReference {
  if (anchoredIdentifierRe.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw invalid(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const ref = parseReference(`${domain}/${remainder}`);
  if (!ref.domain) throw invalid('invalid reference format');
  return ref;
}

/** reference.ParseAnyReference: a 64-hex ID or "sha256:<hex>" is a digest, else a name. */
export function parseAnyReference(s: string): AnyReference {
  if (anchoredIdentifierRe.test(s)) return { kind: 'digest', digest: `sha256:${s}` };
  try {
    return { kind: 'digest', digest: parseDigest(s) };
  } catch {
    return { kind: 'named', ref: parseNormalizedNamed(s) };
  }
}

export function isIdentifier(s: string): boolean {
  return anchoredIdentifierRe.test(s);
}

export function isValidTag(tag: string): boolean {
  return anchoredTagRe.test(tag);
}

/** "docker.io/library/busybox" */
export function fullName(ref: NamedReference): string {
  return ref.domain ? `${ref.domain}/${ref.path}` : ref.path;
}

/** "docker.io/library/busybox:latest", "host:5000/a@sha256:..." */
export function referenceString(ref: NamedReference): string {
  return fullName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** "busybox", "user/app", "127.0.0.1:5000/pepito/mi_app" */
export function familiarName(ref: NamedReference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return fullName(ref);
  if (ref.path.startsWith(OFFICIAL_PREFIX) && !ref.path.slice(OFFICIAL_PREFIX.length).includes('/')) {
    return ref.path.slice(OFFICIAL_PREFIX.length);
  }
  return ref.path;
}

/** "busybox:latest" as Docker shows references */
export function familiarString(ref: NamedReference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '');
}

/** reference.TagNameOnly: adds ":latest" to a reference with neither tag nor digest. */
export function tagNameOnly(ref: NamedReference): NamedReference {
  if (ref.tag === undefined && ref.digest === undefined) return { ...ref, tag: 'latest' };
  return ref;
}

/** The key a reference is stored under: a digest wins over a tag, as Docker's store does. */
export function storageKey(ref: NamedReference): string {
  if (ref.digest !== undefined) return `${fullName(ref)}@${ref.digest}`;
  return referenceString(tagNameOnly(ref));
}

/** Parses a stored key ("docker.io/library/busybox:latest") back. */
export function parseStorageKey(key: string): NamedReference {
  return parseReference(key);
}

/** "busybox" → "docker.io/library/busybox:latest"; keeps a digest when given. */
export function normalizeReference(s: string): string {
  return storageKey(parseNormalizedNamed(s));
}

/** "docker.io/library/busybox:latest" → "busybox:latest"; any parseable form works. */
export function familiarize(s: string): string {
  return familiarString(parseNormalizedNamed(s));
}

/**
 * The registry domain a credential's server address names: "https://index.docker.io/v1/"
 * (Docker's default) → docker.io; "127.0.0.1:5000" as is.
 */
export function serverDomain(server: string | undefined): string {
  if (!server) return DEFAULT_DOMAIN;
  const s = server.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (s === LEGACY_DEFAULT_DOMAIN || s === 'registry-1.docker.io' || s === DEFAULT_DOMAIN) return DEFAULT_DOMAIN;
  return s;
}
