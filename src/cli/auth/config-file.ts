import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AuthConfig } from '../../api-types';
import { parseNormalizedNamed } from '../../util/reference';
import { eraseWithHelper, getWithHelper, storeWithHelper } from './cred-helper';

/**
 * The docker CLI's config.json: $BERTH_CONFIG (a directory, as DOCKER_CONFIG is), else
 * $DOCKER_CONFIG, else ~/.docker. Credentials live in "auths" (base64 "user:pass"), or in a
 * credential helper: "credHelpers" per registry, else "credsStore" for all.
 */

export const DEFAULT_INDEX_SERVER = 'https://index.docker.io/v1/';

interface ConfigJson {
  auths?: Record<string, { auth?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [k: string]: unknown;
}

export function configDir(): string {
  return process.env.BERTH_CONFIG || process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
}

export function configFile(): string {
  return path.join(configDir(), 'config.json');
}

function load(): ConfigJson {
  try {
    return JSON.parse(fs.readFileSync(configFile(), 'utf8')) as ConfigJson;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new Error(`loading config file ${configFile()}: ${(e as Error).message}`);
  }
}

function save(c: ConfigJson): void {
  fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const tmp = `${configFile()}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(c, null, '\t')}\n`, { mode: 0o600 });
  fs.renameSync(tmp, configFile());
}

/** credentials.ConvertToHostname: "https://host:5000/v1/" → "host:5000" */
export function hostnameOf(server: string): string {
  return server.replace(/^[a-z]+:\/\//i, '').split('/')[0];
}

/** The key a registry domain's credentials are kept under: Docker Hub's is its v1 URL. */
export function serverKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DEFAULT_INDEX_SERVER : domain;
}

function helperFor(c: ConfigJson, key: string): string | undefined {
  return c.credHelpers?.[hostnameOf(key)] ?? c.credHelpers?.[key] ?? c.credsStore;
}

/** The stored credentials for a registry, or {} (anonymous). */
export function getAuth(key: string): AuthConfig {
  const c = load();
  const helper = helperFor(c, key);
  if (helper) {
    const got = getWithHelper(helper, key);
    return got ? { ...got, serveraddress: key } : {};
  }
  const entry = c.auths?.[key] ?? Object.entries(c.auths ?? {}).find(([k]) => hostnameOf(k) === hostnameOf(key))?.[1];
  if (!entry) return {};
  const out: AuthConfig = { serveraddress: key };
  if (entry.auth) {
    const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i >= 0) { out.username = plain.slice(0, i); out.password = plain.slice(i + 1); }
  }
  if (entry.identitytoken) out.identitytoken = entry.identitytoken;
  return out;
}

/** Stores credentials; returns whether they went into config.json in the clear. */
export function storeAuth(key: string, a: AuthConfig): { plain: boolean } {
  const c = load();
  const helper = helperFor(c, key);
  if (helper) {
    storeWithHelper(helper, key, a);
    // Docker keeps an empty entry so `docker login` lists the registry
    c.auths = { ...(c.auths ?? {}), [key]: {} };
    save(c);
    return { plain: false };
  }
  const entry: { auth?: string; identitytoken?: string } = {};
  if (a.identitytoken) entry.identitytoken = a.identitytoken;
  else entry.auth = Buffer.from(`${a.username ?? ''}:${a.password ?? ''}`).toString('base64');
  c.auths = { ...(c.auths ?? {}), [key]: entry };
  save(c);
  return { plain: true };
}

/** Forgets a registry's credentials; false when there were none. */
export function eraseAuth(key: string): boolean {
  const c = load();
  const helper = helperFor(c, key);
  let found = false;
  if (helper) found = eraseWithHelper(helper, key);
  for (const k of Object.keys(c.auths ?? {})) {
    if (k === key || hostnameOf(k) === hostnameOf(key)) { delete c.auths![k]; found = true; }
  }
  if (found) save(c);
  return found;
}

/** X-Registry-Auth: the AuthConfig as base64url JSON. */
export function encodeAuthHeader(a: AuthConfig): string {
  return Buffer.from(JSON.stringify(a)).toString('base64url');
}

/** X-Registry-Auth for an image name: the stored credentials of its registry, or none (the daemon judges a bad name). */
export function authHeaderFor(name: string): string {
  let domain: string;
  try {
    domain = parseNormalizedNamed(name).domain;
  } catch {
    return encodeAuthHeader({});
  }
  return encodeAuthHeader(getAuth(serverKey(domain)));
}

/**
 * X-Registry-Config: every stored credential by registry (GetAllCredentials), base64url JSON,
 * for the registries a build's FROM may pull from; "" when there are none.
 */
export function allAuthsHeader(): string {
  const c = load();
  const keys = new Set([...Object.keys(c.auths ?? {}), ...Object.keys(c.credHelpers ?? {})]);
  const all: Record<string, AuthConfig> = {};
  for (const key of keys) {
    const a = getAuth(key);
    if (a.username || a.password || a.identitytoken || a.auth || a.registrytoken) all[key] = a;
  }
  return Object.keys(all).length ? Buffer.from(JSON.stringify(all)).toString('base64url') : '';
}
