/**
 * Volumes: directories the engine manages, outliving containers.
 *
 * Lifecycle: create (idempotent by name) → mount at each use (returns the host directory to
 * bind into the container) → unmount once no running container uses it → remove. Which
 * containers use a volume is the engine's knowledge (it derives the references from its
 * containers), so the store never counts users itself.
 */
export interface VolumeStore {
  /** Creates the volume, or returns the existing one of that name. */
  create(name: string, opts: { driver?: string; labels?: Record<string, string>; options?: Record<string, string> | null }): Promise<VolumeInfo>;
  get(name: string): VolumeInfo | null;
  list(): VolumeInfo[];
  /** Mounts what needs mounting (tmpfs, device volumes; idempotent); returns the host path. */
  mount(name: string): Promise<string>;
  /** Undoes mount() (no-op for plain directories). */
  unmount(name: string): Promise<void>;
  /** Unmounts and deletes the volume's data and record. */
  remove(name: string): Promise<void>;
  /** bytes used by the volume's data (-1 when unknown) */
  size(name: string): Promise<number>;
}

export interface VolumeInfo {
  name: string;
  driver: string;
  /** the host directory holding the data (<data-root>/volumes/<name>/_data) */
  mountpoint: string;
  labels: Record<string, string>;
  options: Record<string, string> | null;
  /** RFC 3339 */
  createdAt: string;
}
