import { encodeAuthHeader, getAuth, serverKey } from './config-file';

/**
 * The little of Docker's reference grammar the CLI needs before it talks to the daemon:
 * which registry a name lives on (for the credentials to send) and the canonical form
 * `pull` prints. The daemon validates and normalises references fully.
 */

/** splitDockerDomain: "127.0.0.1:5000/a/b" → 127.0.0.1:5000; "busybox", "user/app" → docker.io */
export function registryDomain(name: string): string {
  const i = name.indexOf('/');
  const first = i < 0 ? '' : name.slice(0, i);
  if (i < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) return 'docker.io';
  return first === 'index.docker.io' ? 'docker.io' : first;
}

/** [name, tag or digest, separator]; no tag gives undefined */
export function splitReference(ref: string): { name: string; tag?: string; digest?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), digest: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { name: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { name: ref };
}

/** "busybox:latest" → "docker.io/library/busybox:latest", as `docker pull` ends its output. */
export function canonicalReference(ref: string): string {
  const { name, tag, digest } = splitReference(ref);
  const domain = registryDomain(name);
  let path = name.startsWith(`${domain}/`) ? name.slice(domain.length + 1) : name.replace(/^index\.docker\.io\//, '');
  if (domain === 'docker.io' && !path.includes('/')) path = `library/${path}`;
  return `${domain}/${path}${digest ? `@${digest}` : `:${tag ?? 'latest'}`}`;
}

/** X-Registry-Auth for an image name: the stored credentials of its registry, or {}. */
export function authHeaderFor(name: string): string {
  return encodeAuthHeader(getAuth(serverKey(registryDomain(name))));
}
