import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { VolumeRow, VolumesTable } from '../store';
import { InvalidParameterError, NotFoundError, SystemError } from '../util/errors';
import { isMounted } from '../util/mountinfo';
import { MNT_DETACH, berthNative } from '../util/native';
import { MS_BIND, parseMountOptions } from './mount-options';
import type { VolumeInfo, VolumeStore } from './volume-store';
import { dirSize } from '../util/dir-size';

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const OPTION_KEYS = new Set(['type', 'device', 'o', 'size']);

/**
 * Docker's "local" driver: <data-root>/volumes/<name>/_data, a plain directory unless the
 * volume was created with `type`/`device` options, in which case that filesystem is mounted
 * on _data while a container uses it (tmpfs, a bind of a host directory, a block device).
 */
export class LocalVolumes implements VolumeStore {
  private readonly root: string;

  constructor(private readonly table: VolumesTable, dataRoot: string) {
    this.root = path.join(dataRoot, 'volumes');
  }

  /** Creates the volumes directory and drops what a removal cut short by a crash left. */
  async open(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o701 });
    const known = new Set(this.table.list().map((v) => v.name));
    for (const name of await fs.readdir(this.root)) {
      if (known.has(name)) continue;
      await this.deleteDir(name).catch(() => undefined);
    }
  }

  private dataDir(name: string): string {
    return path.join(this.root, name, '_data');
  }

  private info(v: VolumeRow): VolumeInfo {
    return { name: v.name, driver: v.driver, mountpoint: this.dataDir(v.name), labels: v.labels, options: v.options, createdAt: v.created };
  }

  async create(name: string, opts: { driver?: string; labels?: Record<string, string>; options?: Record<string, string> | null }): Promise<VolumeInfo> {
    const existing = this.table.get(name);
    if (existing) return this.info(existing);
    if (!NAME_RE.test(name)) {
      throw new InvalidParameterError(`create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
    }
    const options = opts.options ?? null;
    for (const k of Object.keys(options ?? {})) {
      if (!OPTION_KEYS.has(k)) throw new InvalidParameterError(`create ${name}: invalid option key: "${k}"`);
    }
    if (options && (options.type || options.device) && !(options.type && options.device)) {
      throw new InvalidParameterError(`create ${name}: missing required option: "${options.type ? 'device' : 'type'}"`);
    }
    // the directory first, the row after: a crash in between leaves an orphan open() removes
    await fs.mkdir(this.dataDir(name), { recursive: true, mode: 0o755 });
    const row: VolumeRow = { name, driver: opts.driver || 'local', labels: opts.labels ?? {}, options, created: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
    try {
      this.table.insert(row);
    } catch (e) {
      // a concurrent create of the same name won: theirs is the volume
      const won = this.table.get(name);
      if (won) return this.info(won);
      throw e;
    }
    return this.info(row);
  }

  get(name: string): VolumeInfo | null {
    const v = this.table.get(name);
    return v ? this.info(v) : null;
  }

  list(): VolumeInfo[] {
    return this.table.list().map((v) => this.info(v));
  }

  async mount(name: string): Promise<string> {
    const v = this.table.get(name);
    if (!v) throw new NotFoundError(`get ${name}: no such volume`);
    const dir = this.dataDir(name);
    const o = v.options;
    if (!o?.type || !o.device || isMounted(dir)) return dir;
    const { flags, data } = parseMountOptions(o.o ?? '');
    const bind = (flags & MS_BIND) !== 0;
    try {
      berthNative().mount(o.device, dir, bind ? null : o.type, flags, data || null);
      // a bind ignores other flags on the first call; read-only takes a remount (mount(8) does this)
      if (bind && flags & 1) berthNative().mount(null, dir, null, flags | 32, null);
    } catch (e) {
      // the user's options are at fault (EINVAL, ENOENT): a 400, not wrapped as a runtime failure
      throw new InvalidParameterError(`error while mounting volume '${dir}': failed to mount local volume: mount ${o.device}:${dir}, flags: 0x${flags.toString(16)}, data: ${data}: ${errnoText(e)}`);
    }
    return dir;
  }

  async unmount(name: string): Promise<void> {
    const dir = this.dataDir(name);
    while (isMounted(dir)) {
      try {
        berthNative().umount(dir, 0);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EINVAL') return;
        berthNative().umount(dir, MNT_DETACH);
      }
    }
  }

  async remove(name: string): Promise<void> {
    if (!this.table.get(name)) throw new NotFoundError(`get ${name}: no such volume`);
    await this.unmount(name);
    this.table.delete(name);
    await this.deleteDir(name);
  }

  /** Deletes the volume's directory, never through a mount still on _data (a bind of host data). */
  private async deleteDir(name: string): Promise<void> {
    await this.unmount(name);
    if (isMounted(this.dataDir(name))) throw new SystemError(`remove ${name}: volume is still mounted`);
    await fs.rm(path.join(this.root, name), { recursive: true, force: true });
  }

  async size(name: string): Promise<number> {
    if (this.table.get(name)?.options?.device) return -1; // Docker reports no size for mounted volumes
    return dirSize(this.dataDir(name)).catch(() => -1);
  }
}

/** "invalid argument", as Go prints an errno (the addon's message also names the path). */
function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const texts: Record<string, string> = { EINVAL: 'invalid argument', ENOENT: 'no such file or directory', EPERM: 'operation not permitted', ENODEV: 'no such device', ENOTBLK: 'block device required' };
  return (code && texts[code]) || (e as Error).message;
}
