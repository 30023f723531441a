import * as path from 'node:path';
import type { Mount } from '../../api-types';
import { ramInBytes } from '../format';

/** -v, --mount and --tmpfs. */

/** The docker CLI makes a source starting with "." absolute (./data, ../x) before sending it. */
function absoluteIfDotted(src: string): string {
  return src.startsWith('.') ? path.resolve(src) : src;
}

/** -v: `/data` alone is an anonymous volume (Config.Volumes); anything with a source is a bind/named volume (Binds). */
export function splitVolumes(vs: string[]): { volumes: Record<string, Record<string, never>>; binds: string[] } {
  const volumes: Record<string, Record<string, never>> = {};
  const binds: string[] = [];
  for (const v of vs) {
    const parts = v.split(':');
    if (!v || parts.some((p, i) => p === '' && i < 2)) throw new Error(`invalid spec: ${v}: empty section between colons`);
    if (parts.length === 1) volumes[v] = {};
    else if (parts.length <= 3) binds.push([absoluteIfDotted(parts[0]), ...parts.slice(1)].join(':'));
    else throw new Error(`invalid spec: ${v}: too many colons`);
  }
  return { volumes, binds };
}

function splitOnce(kv: string): [string, string] {
  const i = kv.indexOf('=');
  return i < 0 ? [kv, ''] : [kv.slice(0, i), kv.slice(i + 1)];
}

/** --mount type=bind,source=/x,target=/y,readonly (a CSV of key=value). */
export function parseMount(spec: string): Mount {
  const m: Mount = { Type: 'volume' };
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const bool = (v: string | undefined) => {
      if (v === undefined || ['1', 'true'].includes(v.toLowerCase())) return true;
      if (['0', 'false'].includes(v.toLowerCase())) return false;
      throw new Error(`invalid value for ${key}: ${v}`);
    };
    switch (key) {
      case 'type':
        if (!val || !['bind', 'volume', 'tmpfs', 'npipe'].includes(val)) throw new Error(`invalid field '${field}' must be a key=value pair`);
        m.Type = val as Mount['Type'];
        break;
      case 'source': case 'src': m.Source = val === undefined ? val : absoluteIfDotted(val); break;
      case 'target': case 'dst': case 'destination': m.Target = val; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(val); break;
      case 'consistency': m.Consistency = val; break;
      case 'bind-propagation': (m.BindOptions ??= {}).Propagation = val; break;
      case 'bind-nonrecursive': (m.BindOptions ??= {}).NonRecursive = bool(val); break;
      case 'volume-nocopy': (m.VolumeOptions ??= {}).NoCopy = bool(val); break;
      case 'volume-driver': ((m.VolumeOptions ??= {}).DriverConfig ??= {}).Name = val; break;
      case 'volume-label': {
        const [k, v] = splitOnce(val ?? '');
        ((m.VolumeOptions ??= {}).Labels ??= {})[k] = v;
        break;
      }
      case 'volume-opt': {
        const [k, v] = splitOnce(val ?? ''); // o=size=2m: the value keeps its own "="
        (((m.VolumeOptions ??= {}).DriverConfig ??= {}).Options ??= {})[k] = v;
        break;
      }
      case 'tmpfs-size': (m.TmpfsOptions ??= {}).SizeBytes = ramInBytes(val ?? ''); break;
      case 'tmpfs-mode': (m.TmpfsOptions ??= {}).Mode = parseInt(val ?? '', 8); break;
      default: throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw new Error('target is required');
  if (m.Type === 'bind' && !m.Source) throw new Error('source is required when specifying bind mounts');
  return m;
}

/** --tmpfs /run:size=64m,mode=1777 → Tmpfs map. */
export function parseTmpfs(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list) {
    const i = t.indexOf(':');
    out[i < 0 ? t : t.slice(0, i)] = i < 0 ? '' : t.slice(i + 1);
  }
  return out;
}
