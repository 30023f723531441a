import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import type { ContainerConfig, HostConfig, MountPoint } from '../../api-types';
import type { SpecMount } from '../../runtime';
import { scopedJoin } from '../../util/archive';
import { InvalidParameterError, NotFoundError } from '../../util/errors';
import { newId } from '../../util/ids';
import type { VolumeStore } from '../../volume';
import type { EventBus } from '../events/bus';
import { copyTree, isEmptyDir } from '../../volume';
import type { MountRecord, MountRequest } from './mount-specs';
import { parseBind, parseMountSpec, parseVolumesFrom } from './mount-specs';

/** Docker marks the volumes it makes for `-v /path` and VOLUME with this label (23+). */
export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous';

/** What the mount resolution needs to know of a container (kept small: no ContainerDoc import). */
export interface MountOwner {
  id: string;
  mounts?: MountRecord[];
  state: { Running: boolean };
}

/**
 * The container side of volumes: resolves Binds, Mounts, Config.Volumes (with the image's
 * VOLUME) and VolumesFrom into the container's mount list at create, prepares them at start.
 */
export class ContainerMounts {
  constructor(
    private readonly store: VolumeStore,
    private readonly containers: { tryGet(ref: string): MountOwner | null; all(): MountOwner[] },
    private readonly events: Pick<EventBus, 'publish'>,
  ) {}

  /** Docker's registerMountPoints: volumes-from, then anonymous volumes, then binds and mounts over them. */
  async resolve(config: ContainerConfig, hc: HostConfig): Promise<MountRecord[]> {
    const vd = hc.VolumeDriver;
    if (vd && vd !== 'local') throw new NotFoundError(`error looking up volume plugin ${vd}: plugin "${vd}" not found`);
    const byDest = new Map<string, MountRequest>();
    for (const spec of hc.VolumesFrom ?? []) {
      const { ref, mode } = parseVolumesFrom(spec);
      const from = this.containers.tryGet(ref);
      if (!from) throw new NotFoundError(`No such container: ${ref}`);
      for (const m of from.mounts ?? []) {
        if (m.type === 'tmpfs') continue;
        const rw = mode === '' ? m.rw : mode === 'rw';
        byDest.set(m.destination, { ...m, rw, mode: mode || m.mode, copyData: false, anonymous: false });
      }
    }
    const explicit = new Map<string, MountRequest>();
    const add = (m: MountRequest): void => {
      if (explicit.has(m.destination)) throw new InvalidParameterError(`Duplicate mount point: ${m.destination}`);
      explicit.set(m.destination, m);
    };
    for (const b of hc.Binds ?? []) add(parseBind(b));
    for (const m of hc.Mounts ?? []) add(parseMountSpec(m));
    const tmpfs = new Set(Object.keys(hc.Tmpfs ?? {}).map((d) => path.posix.normalize(d)));
    for (const dst of Object.keys(config.Volumes ?? {})) {
      const d = path.posix.normalize(dst).replace(/(.)\/+$/, '$1');
      if (!d.startsWith('/')) throw new InvalidParameterError(`invalid mount config for type "volume": invalid mount path: '${dst}' mount path must be absolute`);
      if (explicit.has(d) || tmpfs.has(d) || byDest.has(d)) continue;
      byDest.set(d, { type: 'volume', name: '', source: '', destination: d, driver: 'local', mode: '', rw: true, propagation: '', copyData: true, anonymous: true });
    }
    for (const [d, m] of explicit) byDest.set(d, m);
    for (const d of tmpfs) {
      if (explicit.has(d)) throw new InvalidParameterError(`Duplicate mount point: ${d}`);
      byDest.delete(d);
    }

    const out: MountRecord[] = [];
    for (const m of byDest.values()) out.push(await this.materialize(m));
    return out;
  }

  /** Looks up or creates the volume (named on demand, anonymous with a 64-hex name); checks bind sources. */
  private async materialize(m: MountRequest): Promise<MountRecord> {
    const { volumeLabels, volumeOptions, volumeDriver, ...rec } = m;
    if (rec.type === 'bind') {
      if (!rec.createSource && !(await exists(rec.source))) {
        throw new InvalidParameterError(`invalid mount config for type "bind": bind source path does not exist: ${rec.source}`);
      }
      return rec;
    }
    if (rec.type !== 'volume') return rec;
    if (rec.driver && rec.driver !== 'local') throw new NotFoundError(`error looking up volume plugin ${rec.driver}: plugin "${rec.driver}" not found`);
    if (volumeDriver && volumeDriver !== 'local') throw new NotFoundError(`error looking up volume plugin ${volumeDriver}: plugin "${volumeDriver}" not found`);
    if (rec.source) return rec; // from --volumes-from: already resolved
    const name = rec.name || newId();
    const known = this.store.get(name);
    const v = known ?? await this.store.create(name, {
      labels: rec.anonymous ? { [ANONYMOUS_LABEL]: '', ...(volumeLabels ?? {}) } : volumeLabels ?? {},
      options: volumeOptions ?? null,
    });
    if (!known) this.events.publish('volume', 'create', name, { driver: v.driver });
    return { ...rec, name, source: v.mountpoint, driver: v.driver };
  }

  /**
   * At start: mounts what the volumes need, fills new volumes with the image's content once,
   * creates missing -v host directories, and returns the runtime's bind and tmpfs mounts.
   * Returns whether the records changed (copyData cleared), so the caller saves the doc.
   */
  async prepare(owner: MountOwner, rootfs: string): Promise<{ specs: SpecMount[]; changed: boolean }> {
    const specs: SpecMount[] = [];
    let changed = false;
    for (const m of owner.mounts ?? []) {
      if (m.type === 'tmpfs') {
        specs.push({ destination: m.destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.tmpfsOptions ?? [])] });
        continue;
      }
      let source = m.source;
      if (m.type === 'volume') {
        source = await this.store.mount(m.name);
        if (m.copyData) {
          // the destination as the image has it, resolved inside the rootfs (never through a link out of it)
          const inImage = scopedJoin(rootfs, m.destination);
          const st = await fs.lstat(inImage).catch(() => null);
          if (st?.isDirectory() && await isEmptyDir(source)) await copyTree(inImage, source);
          m.copyData = false;
          changed = true;
        }
      } else if (m.createSource) {
        await fs.mkdir(source, { recursive: true, mode: 0o755 });
      } else if (!(await exists(source))) {
        throw new InvalidParameterError(`invalid mount config for type "bind": bind source path does not exist: ${source}`);
      }
      if (m.type === 'volume') {
        this.events.publish('volume', 'mount', m.name, {
          container: owner.id, destination: m.destination, driver: m.driver, propagation: m.propagation, 'read/write': String(m.rw),
        });
      }
      const opts = [m.nonRecursive ? 'bind' : 'rbind', m.rw ? 'rw' : 'ro'];
      opts.push(m.propagation || 'rprivate');
      specs.push({ destination: m.destination, type: 'bind', source, options: opts });
    }
    return { specs, changed };
  }

  /** After an exit: unmounts the volumes (tmpfs, devices) that no running container uses any more. */
  async release(owner: MountOwner, announce = true): Promise<void> {
    for (const m of owner.mounts ?? []) {
      if (m.type !== 'volume') continue;
      if (announce) this.events.publish('volume', 'unmount', m.name, { container: owner.id, driver: m.driver });
      if (this.users(m.name).some((c) => c.state.Running && c.id !== owner.id)) continue;
      await this.store.unmount(m.name).catch(() => undefined);
    }
  }

  /** After `rm`: unmounts, and with `rm -v` removes the anonymous volumes nobody else uses. */
  async removed(owner: MountOwner, removeAnonymous: boolean): Promise<void> {
    await this.release(owner, false); // its exit announced the unmount already
    if (!removeAnonymous) return;
    for (const m of owner.mounts ?? []) {
      if (m.type !== 'volume' || !m.anonymous) continue;
      if (this.users(m.name).some((c) => c.id !== owner.id)) continue;
      await this.store.remove(m.name).catch(() => undefined);
    }
  }

  /**
   * At daemon start, after recovery: unmounts the volumes (tmpfs, devices) no running
   * container uses, e.g. mounted for a start that a crash of the daemon cut short.
   */
  async reconcile(): Promise<void> {
    const inUse = new Set<string>();
    for (const c of this.containers.all()) {
      if (!c.state.Running) continue;
      for (const m of c.mounts ?? []) if (m.type === 'volume') inUse.add(m.name);
    }
    for (const v of this.store.list()) {
      if (v.options?.device && !inUse.has(v.name)) await this.store.unmount(v.name).catch(() => undefined);
    }
  }

  /** The containers (any state) whose mounts name the volume. */
  users(name: string): MountOwner[] {
    return this.containers.all().filter((c) => (c.mounts ?? []).some((m) => m.type === 'volume' && m.name === name));
  }
}

/** inspect's Mounts. */
export function mountPoints(mounts: MountRecord[] | undefined): MountPoint[] {
  return (mounts ?? []).map((m) => {
    const p: MountPoint = { Type: m.type };
    if (m.type === 'volume') p.Name = m.name;
    p.Source = m.source;
    p.Destination = m.destination;
    if (m.type === 'volume') p.Driver = m.driver;
    p.Mode = m.mode;
    p.RW = m.rw;
    p.Propagation = m.propagation;
    return p;
  });
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return true; // missing: let the caller report it as for any path
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(() => true, () => false);
}

/**
 * The volume or bind mount a container path lies on (the deepest destination), for cp:
 * Docker reads and writes the mount, not the layer hidden beneath it. `rel` keeps a
 * trailing "/" or "/." of the path. Links before the mount point are not followed here.
 */
export function mountFor(mounts: MountRecord[] | undefined, containerPath: string): { root: string; rel: string; rw: boolean } | null {
  const abs = path.posix.join('/', containerPath);
  const clean = path.posix.normalize(abs).replace(/(.)\/+$/, '$1');
  let best: MountRecord | null = null;
  for (const m of mounts ?? []) {
    if (m.type === 'tmpfs' || !m.source) continue;
    if (clean !== m.destination && !clean.startsWith(`${m.destination}/`)) continue;
    if (!best || m.destination.length > best.destination.length) best = m;
  }
  if (!best) return null;
  if (clean === best.destination && !isDirectory(best.source)) {
    // a bind-mounted file: seen from its directory, the last element kept as is
    return { root: path.dirname(best.source), rel: `/${path.basename(best.source)}`, rw: best.rw };
  }
  const tail = containerPath.endsWith('/.') ? '/.' : containerPath.endsWith('/') ? '/' : '';
  return { root: best.source, rel: (clean.slice(best.destination.length) || '/') + tail, rw: best.rw };
}

/**
 * For archives of a directory holding mount points (cp of "/" or a parent): the host path
 * where the walk meets each mount's destination → the mount's source, so the archive shows
 * the volume's files as Docker's does. Nested mounts are keyed under their parent's source.
 */
export function mountRedirects(mounts: MountRecord[] | undefined, rootfs: string): Map<string, string> {
  const list = (mounts ?? []).filter((m) => m.type !== 'tmpfs' && m.source);
  const out = new Map<string, string>();
  for (const m of list) {
    let parent: MountRecord | null = null;
    for (const o of list) {
      if (o !== m && m.destination.startsWith(`${o.destination}/`) && (!parent || o.destination.length > parent.destination.length)) parent = o;
    }
    const key = parent ? path.join(parent.source, m.destination.slice(parent.destination.length)) : path.join(rootfs, m.destination);
    out.set(key, m.source);
  }
  return out;
}
