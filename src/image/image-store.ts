import type { Readable } from 'node:stream';

/** The OCI/Docker image configuration's runtime part ("config" in the image JSON). */
export interface ImageRuntimeConfig {
  User?: string;
  ExposedPorts?: Record<string, Record<string, never>>;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Volumes?: Record<string, Record<string, never>>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

export interface ImageHistoryEntry { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }

/** The image configuration JSON whose sha256 is the image ID. */
export interface ImageConfigJson {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  author?: string;
  comment?: string;
  docker_version?: string;
  container?: string;
  container_config?: ImageRuntimeConfig;
  config: ImageRuntimeConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: ImageHistoryEntry[];
}

export interface ImageRecord {
  /** "sha256:<hex>" = digest of the config JSON */
  id: string;
  config: ImageConfigJson;
  /** chain IDs, bottom layer first */
  chainIds: string[];
  /** "docker.io/library/busybox:latest"-style normalised refs, shown familiar by the API */
  repoTags: string[];
  repoDigests: string[];
  /** total uncompressed size of its layers */
  size: number;
  parent: string;
  /** when a tag last moved to it (ISO) */
  lastTagTime: string;
}

export interface ImportOptions {
  /** "repo[:tag]" to tag the new image with; empty for none */
  reference?: string;
  /** Dockerfile-like changes: "CMD [\"sh\"]", "ENV A=b", "WORKDIR /x", "EXPOSE 80", ... */
  changes: string[];
  message?: string;
  platform?: string;
}

/** Who uses an image: a container ID (stopped), a running one, or nobody. */
export type ImageUserRef = string | { containerId: string; running: boolean } | null;

/**
 * The local images: configs, tags and their layers. Reference resolution follows Docker:
 * "busybox" = "docker.io/library/busybox:latest"; full or short (unique prefix) IDs.
 */
export interface ImageStore {
  /** throws NotFoundError("No such image: <ref>") */
  resolve(ref: string): ImageRecord;
  tryResolve(ref: string): ImageRecord | null;
  list(): ImageRecord[];
  /** the uncompressed size of one read-only layer (its own content), 0 when unknown */
  layerSize(chainId: string): number;
  /** docker import: one layer from a (possibly compressed) tar of a root filesystem */
  import(tar: Readable, opts: ImportOptions): Promise<ImageRecord>;
  /** tags `ref` as "repo[:tag]" (normalised) */
  tag(ref: string, target: string): void;
  /**
   * docker rmi semantics: untag, then delete when no tags remain. `isUsed` tells whether a
   * container uses an image ID (conflict unless force).
   */
  remove(ref: string, opts: { force: boolean; noPrune: boolean }, isUsed: (imageId: string) => ImageUserRef): Promise<{ Untagged?: string; Deleted?: string }[]>;
}
