import type { Volume, VolumeCreateRequest, VolumeListResponse, VolumePruneResponse } from '../../api-types';
import { ConflictError, InvalidParameterError, NotFoundError } from '../../util/errors';
import { newId } from '../../util/ids';
import type { VolumeInfo, VolumeStore } from '../../volume';
import type { Filters, VolumeBackend } from '../backends';
import type { EventBus } from '../events/bus';
import type { ContainerMounts } from './container-mounts';
import { ANONYMOUS_LABEL } from './container-mounts';
import { labelMatch } from '../label-filter';

const LIST_FILTERS = new Set(['dangling', 'name', 'label', 'driver']);
const PRUNE_FILTERS = new Set(['label', 'label!', 'all']);

function nameMatch(name: string, pattern: string): boolean {
  try {
    return new RegExp(pattern).test(name);
  } catch {
    return name.includes(pattern);
  }
}

function dangling(values: string[]): boolean | null {
  if (!values.length) return null;
  const v = values[values.length - 1].toLowerCase();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new InvalidParameterError(`invalid filter 'dangling=${values[values.length - 1]}'`);
}

/** The volume API: docker volume create/ls/inspect/rm/prune, and the data `system df` shows. */
export class VolumeService implements VolumeBackend {
  constructor(private readonly store: VolumeStore, private readonly mounts: ContainerMounts, private readonly events: EventBus) {}

  private view(v: VolumeInfo): Volume {
    return { CreatedAt: v.createdAt, Driver: v.driver, Labels: v.labels, Mountpoint: v.mountpoint, Name: v.name, Options: v.options, Scope: 'local' };
  }

  private find(name: string): VolumeInfo {
    const v = this.store.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    return v;
  }

  async list(filters: Filters): Promise<VolumeListResponse> {
    for (const k of Object.keys(filters)) if (!LIST_FILTERS.has(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
    const dang = dangling(filters.dangling ?? []);
    const vols = this.store.list().filter((v) => {
      if (dang !== null && (this.mounts.users(v.name).length === 0) !== dang) return false;
      if (filters.name?.length && !filters.name.some((n) => nameMatch(v.name, n))) return false;
      if (filters.driver?.length && !filters.driver.includes(v.driver)) return false;
      if (filters.label?.length && !filters.label.every((l) => labelMatch(v.labels, l))) return false;
      return true;
    });
    return { Volumes: vols.map((v) => this.view(v)), Warnings: null };
  }

  async create(req: VolumeCreateRequest): Promise<Volume> {
    const driver = req.Driver || 'local';
    if (driver !== 'local') throw new NotFoundError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const name = req.Name || newId();
    const existed = this.store.get(name);
    const v = await this.store.create(name, { driver, labels: req.Labels ?? {}, options: req.DriverOpts ?? {} });
    if (!existed) this.events.publish('volume', 'create', name, { driver });
    return this.view(v);
  }

  async inspect(name: string): Promise<Volume> {
    return this.view(this.find(name));
  }

  /** Refused while any container (running or not) uses it; force only forgives a missing volume. */
  async remove(name: string, force: boolean): Promise<void> {
    const v = this.store.get(name);
    if (!v) {
      if (force) return;
      throw new NotFoundError(`get ${name}: no such volume`);
    }
    const users = this.mounts.users(name);
    if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.map((c) => c.id).join(', ')}]`);
    await this.store.remove(name);
    this.events.publish('volume', 'destroy', name, { driver: v.driver });
  }

  /**
   * API 1.41 semantics: every unused local volume. An explicit all=false filter asks for the
   * 1.42 behaviour, anonymous volumes only (what the berth CLI sends without -a).
   */
  async prune(filters: Filters): Promise<VolumePruneResponse> {
    for (const k of Object.keys(filters)) if (!PRUNE_FILTERS.has(k)) throw new InvalidParameterError(`invalid filter '${k}'`);
    const all = filters.all?.length ? filters.all[filters.all.length - 1].toLowerCase() : 'true';
    if (!['true', 'false', '1', '0'].includes(all)) throw new InvalidParameterError(`invalid filter 'all=${all}'`);
    const anonymousOnly = all === 'false' || all === '0';
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const v of this.store.list()) {
      if (filters.label?.length && !filters.label.every((l) => labelMatch(v.labels, l))) continue;
      if (filters['label!']?.length && filters['label!'].some((l) => labelMatch(v.labels, l))) continue;
      if (anonymousOnly && !(ANONYMOUS_LABEL in v.labels)) continue;
      if (this.mounts.users(v.name).length) continue;
      const size = await this.store.size(v.name);
      try {
        await this.store.remove(v.name);
      } catch {
        continue;
      }
      this.events.publish('volume', 'destroy', v.name, { driver: v.driver });
      deleted.push(v.name);
      if (size > 0) reclaimed += size;
    }
    this.events.publish('volume', 'prune', '', { reclaimed: String(reclaimed) });
    return { VolumesDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }

  /** For GET /system/df: every volume with UsageData {Size, RefCount}. */
  async usage(): Promise<Volume[]> {
    const out: Volume[] = [];
    for (const v of this.store.list()) {
      out.push({ ...this.view(v), UsageData: { Size: await this.store.size(v.name), RefCount: this.mounts.users(v.name).length } });
    }
    return out;
  }
}
