import type { DiskUsage, DiskUsageVolume } from '../../api-types';
import type { ImageStore } from '../../image';
import type { BuildBackend, ContainerBackend, DiskUsageBackend, ImageBackend } from '../backends';

/** Volumes with their usage, offered by the volume subsystem once it exists. */
export type VolumeUsageProvider = () => Promise<DiskUsageVolume[]>;

/**
 * GET /system/df, as Moby's SystemDiskUsage: images with how many containers use them and
 * the bytes of layers they share with other images, containers with their read-write and
 * root filesystem sizes, the size of every layer some image references, volumes when a
 * provider is given, and the builder's cache when it is plugged in.
 */
export class DiskUsageService implements DiskUsageBackend {
  constructor(
    private readonly images: ImageStore,
    private readonly imageList: Pick<ImageBackend, 'list'>,
    private readonly containers: Pick<ContainerBackend, 'list'>,
    private volumes?: VolumeUsageProvider,
  ) {}

  private builds?: Pick<BuildBackend, 'usage'>;

  /** the builder plugs in here (its cache in df) */
  setBuildCache(b: Pick<BuildBackend, 'usage'>): void {
    this.builds = b;
  }

  /** the volume subsystem plugs in here */
  setVolumeProvider(p: VolumeUsageProvider): void {
    this.volumes = p;
  }

  async diskUsage(): Promise<DiskUsage> {
    const containers = await this.containers.list({ all: true, limit: -1, size: true, filters: {} });
    const records = new Map(this.images.list().map((r) => [r.id, r]));
    const summaries = await this.imageList.list({ all: true, filters: {}, digests: true });
    // how many images hold each layer (every prefix of their chain)
    const holders = new Map<string, number>();
    for (const r of records.values()) for (const c of r.chainIds) holders.set(c, (holders.get(c) ?? 0) + 1);
    const sizes = new Map([...holders.keys()].map((c) => [c, this.images.layerSize(c)]));
    let layersSize = 0;
    for (const s of sizes.values()) layersSize += s;
    const images = summaries.map((s) => {
      const chain = records.get(s.Id)?.chainIds ?? [];
      const shared = chain.filter((c) => (holders.get(c) ?? 0) > 1).reduce((n, c) => n + (sizes.get(c) ?? 0), 0);
      return { ...s, SharedSize: shared, Containers: containers.filter((c) => c.ImageID === s.Id).length };
    });
    const volumes = this.volumes ? await this.volumes() : [];
    const buildCache = this.builds ? await this.builds.usage() : [];
    const builderSize = buildCache.reduce((n, b) => n + b.Size, 0);
    return { LayersSize: layersSize, Images: images, Containers: containers, Volumes: volumes, BuildCache: buildCache, BuilderSize: builderSize };
  }

}
