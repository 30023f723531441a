import type { AuthConfig } from '../../api-types';
import { type NamedReference, familiarName, familiarString } from '../../image';
import { AuthError, type Credentials, DialError, type DistributionMetadata, type RegistryClient, RegistryError } from '../../registry';
import { EngineError, ForbiddenError, InvalidParameterError, NotFoundError, SystemError, UnauthorizedError, errorMessage } from '../../util/errors';

/** What pull, push, login and search share: the client, the layer metadata, a temp dir. */
export interface RegistryAccess {
  client: RegistryClient;
  metadata: DistributionMetadata;
  /** where blobs are downloaded to (wiped at daemon start) */
  tmpDir: string;
  /** layers downloaded (or uploaded) at once */
  concurrency: number;
}

/** Docker's AuthConfig → the registry client's credentials ("auth" is base64 "user:pass"). */
export function credentialsOf(a: AuthConfig | undefined): Credentials {
  if (!a) return {};
  let { username, password } = a;
  if (!username && !password && a.auth) {
    const plain = Buffer.from(a.auth, 'base64').toString('utf8');
    const i = plain.indexOf(':');
    if (i > 0) { username = plain.slice(0, i); password = plain.slice(i + 1); }
  }
  const c: Credentials = {};
  if (username) c.username = username;
  if (password) c.password = password;
  if (a.identitytoken) c.identityToken = a.identitytoken;
  if (a.registrytoken) c.registryToken = a.registrytoken;
  return c;
}

/** A registry failure in Docker's words, with the status dockerd gives it. */
export function registryFailure(e: unknown, ref: NamedReference, op: 'pull' | 'push'): Error {
  if (e instanceof EngineError) return e;
  const msg = errorMessage(e);
  if (e instanceof DialError) return new SystemError(msg);
  const denied = e instanceof AuthError || (e instanceof RegistryError && (e.status === 401 || e.status === 403 || e.code === 'DENIED' || e.code === 'UNAUTHORIZED'));
  if (op === 'pull') {
    if (e instanceof RegistryError && e.code === 'MANIFEST_UNKNOWN') return new NotFoundError(`manifest for ${familiarString(ref)} not found: ${msg}`);
    if (e instanceof RegistryError && e.code === 'NAME_UNKNOWN') return new NotFoundError(`repository ${familiarName(ref)} not found: ${msg}`);
    if (denied) return new ForbiddenError(`pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${msg}`);
  }
  if (denied) return new UnauthorizedError(msg);
  if (e instanceof RegistryError && e.status === 400) return new InvalidParameterError(msg);
  return new SystemError(msg);
}
