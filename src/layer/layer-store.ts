import type { Readable } from 'node:stream';

/**
 * Unpacked layers and container read-write layers, as overlay2 keeps them.
 *
 * Read-only layers are keyed by chain ID (sha256 over the parent chain and the diff ID, as
 * in the OCI image spec) and shared by every image that contains them. A container gets
 * one read-write layer on top of its image's chain; mount() returns the merged directory.
 * Registering is atomic: a layer is visible only once fully unpacked and recorded.
 */
export interface LayerStore {
  /** the read-only layer, or null */
  get(chainId: string): LayerInfo | null;
  /**
   * Unpacks an uncompressed (or gzip) layer tar on top of `parent`; computes its diff ID.
   * Refuses entries escaping the layer (../, absolute links out). Idempotent per chain ID.
   */
  register(parent: string | null, tar: Readable): Promise<LayerInfo>;
  /**
   * Unpacks a layer tar (plain or compressed) without a parent yet: a layer's content does
   * not depend on it, so a load can unpack while the archive streams in and decide later.
   */
  stage(tar: Readable): Promise<StagedLayer>;
  /** Makes a staged layer a layer on top of `parent` (consumes it; an existing chain wins). */
  registerStaged(parent: string | null, staged: StagedLayer): Promise<LayerInfo>;
  /** A container's changes (its read-write layer) staged as a layer; null when there are none. */
  stageRw(containerId: string): Promise<StagedLayer | null>;
  /** Drops a staged layer not registered. */
  discardStaged(staged: StagedLayer): Promise<void>;
  /** The layer's uncompressed tar, byte-identical to what was registered (sha256 = diff ID). */
  tarLayer(chainId: string): Promise<{ size: number; stream: Readable }>;
  /** Adds/removes a reference (an image using it); a layer with none is deleted. */
  retain(chainId: string): void;
  release(chainId: string): Promise<void>;

  createRw(containerId: string, parentChainId: string | null): Promise<void>;
  /** Mounts (idempotently) and returns the merged directory. */
  mount(containerId: string): Promise<string>;
  unmount(containerId: string): Promise<void>;
  removeRw(containerId: string): Promise<void>;
  /** container IDs that have a read-write layer */
  rwLayers(): string[];
  /** bytes in the container's upper directory */
  rwSize(containerId: string): Promise<number>;
  /** overlay2-style GraphDriver data for inspect */
  graphData(containerId: string): Record<string, string>;
}

/** An unpacked layer not registered yet (from LayerStore.stage). */
export interface StagedLayer {
  readonly diffId: string;
  /** bytes of regular file content */
  readonly size: number;
  /** where it is unpacked (the store's own) */
  readonly dir: string;
}

export interface LayerInfo {
  chainId: string;
  diffId: string;
  parent: string | null;
  /** uncompressed size of this layer's content */
  size: number;
}
