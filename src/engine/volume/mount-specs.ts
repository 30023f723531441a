import * as path from 'node:path';
import type { Mount } from '../../api-types';
import { InvalidParameterError } from '../../util/errors';

/**
 * A container's mount, resolved at create and kept in its document: what inspect shows and
 * what start hands to the runtime. Additive to the stored ContainerDoc (`mounts`).
 */
export interface MountRecord {
  type: 'volume' | 'bind' | 'tmpfs';
  /** the volume's name ('' for binds and tmpfs) */
  name: string;
  /** host path: the volume's _data or the bind source ('' for tmpfs) */
  source: string;
  destination: string;
  driver: string;
  mode: string;
  rw: boolean;
  propagation: string;
  /** fill a new, empty volume with the image's content at the next start (cleared after) */
  copyData: boolean;
  /** an anonymous volume made for this container: `rm -v` and --rm remove it */
  anonymous: boolean;
  /** -v /missing:/x creates the host directory at start; --mount refuses a missing source */
  createSource?: boolean;
  nonRecursive?: boolean;
  tmpfsOptions?: string[];
}

/** A mount before its volume is looked up or created (volume sources may still be ''). */
export type MountRequest = MountRecord & { volumeLabels?: Record<string, string>; volumeOptions?: Record<string, string> | null; volumeDriver?: string };

const PROPAGATION = new Set(['shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate']);
const LABEL_MODES = new Set(['z', 'Z']);

/** Go's path.Clean: normalized, no trailing slash. */
function clean(p: string): string {
  return path.posix.normalize(p).replace(/(.)\/+$/, '$1');
}

function mountConfigError(type: string, msg: string): InvalidParameterError {
  return new InvalidParameterError(`invalid mount config for type "${type}": ${msg}`);
}

function checkDestination(type: string, dst: string): void {
  if (!dst) throw mountConfigError(type, 'field Target must not be empty');
  if (!dst.startsWith('/')) throw mountConfigError(type, `invalid mount path: '${dst}' mount path must be absolute`);
  if (clean(dst) === '/') throw mountConfigError(type, "invalid specification: destination can't be '/'");
}

/** Docker's -v mode list: rw|ro, z|Z, nocopy, one propagation; anything else is "invalid mode". */
function parseMode(mode: string, raw: string): { rw: boolean; nocopy: boolean; propagation: string } {
  let rw = true;
  let nocopy = false;
  let propagation = '';
  let rwSeen = 0;
  for (const m of mode ? mode.split(',') : []) {
    if (m === 'rw' || m === 'ro') {
      rw = m === 'rw';
      rwSeen++;
    } else if (m === 'nocopy') {
      nocopy = true;
    } else if (PROPAGATION.has(m)) {
      if (propagation) throw new InvalidParameterError(`invalid mode: ${mode}`);
      propagation = m;
    } else if (!LABEL_MODES.has(m) && m !== 'consistent' && m !== 'cached' && m !== 'delegated') {
      throw new InvalidParameterError(`invalid mode: ${mode}`);
    }
  }
  if (rwSeen > 1) throw new InvalidParameterError(`invalid mode: ${mode}`);
  void raw;
  return { rw, nocopy, propagation };
}

/** One HostConfig.Binds entry: `name:/dst[:mode]`, `/host:/dst[:mode]` or `/dst`. */
export function parseBind(raw: string): MountRequest {
  const parts = raw.split(':');
  if (parts.length > 3 || parts.some((p) => p === '')) throw new InvalidParameterError(`invalid volume specification: '${raw}'`);
  let [src, dst, mode] = parts.length === 1 ? ['', parts[0], ''] : [parts[0], parts[1], parts[2] ?? ''];
  if (parts.length === 2 && !parts[1].startsWith('/') && parts[0].startsWith('/') && /^[a-zA-Z,]+$/.test(parts[1])) {
    // "/dst:ro": an anonymous volume with a mode
    [src, dst, mode] = ['', parts[0], parts[1]];
  }
  const type = src.startsWith('/') ? 'bind' : 'volume';
  try {
    checkDestination(type, dst);
  } catch (e) {
    throw new InvalidParameterError(`invalid volume specification: '${raw}': ${(e as Error).message}`);
  }
  const m = parseMode(mode, raw);
  if (type === 'bind') {
    if (m.nocopy) throw new InvalidParameterError(`invalid mode: ${mode}`);
    return {
      type, name: '', source: clean(src), destination: clean(dst), driver: '', mode, rw: m.rw,
      propagation: m.propagation || 'rprivate', copyData: false, anonymous: false, createSource: true,
    };
  }
  return {
    // the daemon sets "z" on local volumes without a mode (Moby's setBindModeIfNull)
    type, name: src, source: '', destination: clean(dst), driver: 'local', mode: mode || 'z', rw: m.rw,
    propagation: m.propagation, copyData: !m.nocopy, anonymous: !src,
  };
}

/** One HostConfig.Mounts entry, validated as Docker's linux parser does. */
export function parseMountSpec(mnt: Mount): MountRequest {
  const type = mnt.Type ?? '';
  const dst = mnt.Target ?? '';
  checkDestination(type, dst);
  const destination = clean(dst);
  const rw = !mnt.ReadOnly;
  switch (type) {
    case 'bind': {
      const src = mnt.Source ?? '';
      if (!src) throw mountConfigError(type, 'field Source must not be empty');
      const prop = mnt.BindOptions?.Propagation ?? '';
      if (prop && !PROPAGATION.has(prop)) throw mountConfigError(type, `invalid propagation mode: ${prop}`);
      if (mnt.VolumeOptions) throw mountConfigError(type, 'field VolumeOptions must not be specified');
      if (mnt.TmpfsOptions) throw mountConfigError(type, 'field TmpfsOptions must not be specified');
      if (!src.startsWith('/')) throw mountConfigError(type, `invalid mount path: '${src}' mount path must be absolute`);
      return {
        type, name: '', source: clean(src), destination, driver: '', mode: '', rw,
        propagation: prop || 'rprivate', copyData: false, anonymous: false, nonRecursive: !!mnt.BindOptions?.NonRecursive,
      };
    }
    case 'volume': {
      if (mnt.BindOptions) throw mountConfigError(type, 'field BindOptions must not be specified');
      if (mnt.TmpfsOptions) throw mountConfigError(type, 'field TmpfsOptions must not be specified');
      const name = mnt.Source ?? '';
      if (mnt.ReadOnly && !name) throw mountConfigError(type, 'must not set ReadOnly mode when using anonymous volumes');
      const vo = mnt.VolumeOptions;
      return {
        type, name, source: '', destination, driver: vo?.DriverConfig?.Name || 'local', mode: 'z', rw, propagation: '',
        copyData: !vo?.NoCopy, anonymous: !name,
        volumeLabels: vo?.Labels ?? undefined, volumeOptions: vo?.DriverConfig?.Options ?? null, volumeDriver: vo?.DriverConfig?.Name,
      };
    }
    case 'tmpfs': {
      if (mnt.Source) throw mountConfigError(type, 'field Source must not be specified');
      if (mnt.BindOptions) throw mountConfigError(type, 'field BindOptions must not be specified');
      if (mnt.VolumeOptions) throw mountConfigError(type, 'field VolumeOptions must not be specified');
      const size = mnt.TmpfsOptions?.SizeBytes ?? 0;
      if (size < 0 || !Number.isFinite(size)) throw mountConfigError(type, `invalid tmpfs size: ${size}`);
      const opts: string[] = [];
      if (size > 0) opts.push(`size=${Math.floor(size / 1024)}k`);
      if (mnt.TmpfsOptions?.Mode) opts.push(`mode=${mnt.TmpfsOptions.Mode.toString(8)}`);
      if (!rw) opts.push('ro');
      return { type, name: '', source: '', destination, driver: '', mode: '', rw, propagation: '', copyData: false, anonymous: false, tmpfsOptions: opts };
    }
    default:
      throw new InvalidParameterError(`mount type unknown: "${type}"`);
  }
}

/** `C[:ro|rw]` of --volumes-from. */
export function parseVolumesFrom(spec: string): { ref: string; mode: '' | 'ro' | 'rw' } {
  const i = spec.lastIndexOf(':');
  if (i < 0) return { ref: spec, mode: '' };
  const mode = spec.slice(i + 1);
  if (mode !== 'ro' && mode !== 'rw' && mode !== 'z' && mode !== 'Z') throw new InvalidParameterError(`invalid mode for volumes-from: ${mode}`);
  return { ref: spec.slice(0, i), mode: mode === 'ro' || mode === 'rw' ? mode : '' };
}

/** Parents before children, so a mount on /a/b lands on top of one on /a. */
export function byDepth<T extends { destination: string }>(a: T, b: T): number {
  return a.destination.split('/').filter(Boolean).length - b.destination.split('/').filter(Boolean).length;
}
