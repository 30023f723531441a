/** The distribution protocol's shapes (OCI image spec and Docker's v2 schema 2). */

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
} as const;

/** What a pull asks for, best first (Docker's order). */
export const MANIFEST_ACCEPT = [MEDIA.dockerManifest, MEDIA.dockerList, MEDIA.ociManifest, MEDIA.ociIndex];

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  platform?: Platform;
  annotations?: Record<string, string>;
}

export interface ImageManifest {
  schemaVersion: 2;
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ManifestIndex {
  schemaVersion: 2;
  mediaType?: string;
  manifests: Descriptor[];
}

/** A repository on a registry: domain as in references ("docker.io", "127.0.0.1:5000"). */
export interface Repository {
  domain: string;
  /** "library/busybox" */
  path: string;
}

/** Docker's AuthConfig, as X-Registry-Auth and config.json carry it. */
export interface Credentials {
  username?: string;
  password?: string;
  /** an OAuth refresh token from an earlier login */
  identityToken?: string;
  /** a bearer token used as is */
  registryToken?: string;
}

/** A fetched manifest: its exact bytes (their sha256 is its digest). */
export interface FetchedManifest {
  mediaType: string;
  digest: string;
  bytes: Buffer;
}

export function isIndex(mediaType: string): boolean {
  return mediaType === MEDIA.dockerList || mediaType === MEDIA.ociIndex;
}

export function isImageManifest(mediaType: string): boolean {
  return mediaType === MEDIA.dockerManifest || mediaType === MEDIA.ociManifest;
}
