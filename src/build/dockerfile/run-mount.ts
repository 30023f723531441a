/**
 * `RUN --mount=type=cache,target=/root/.cache` and `RUN --network=none`, with BuildKit's
 * defaults (bind mounts read-only, cache and tmpfs read-write) and error texts.
 */

export type MountType = 'bind' | 'cache' | 'tmpfs' | 'secret' | 'ssh';
export type CacheSharing = 'shared' | 'private' | 'locked';

export interface RunMount {
  type: MountType;
  /** stage name or image the bind/cache source comes from; '' = the build context */
  from: string;
  source: string;
  target: string;
  readOnly: boolean;
  /** cache id; defaults (at run time) to the target */
  id: string;
  sharing: CacheSharing | '';
  mode?: number;
  uid?: number;
  gid?: number;
  /** tmpfs size in bytes */
  size?: number;
  required: boolean;
}

const TYPES = new Set<string>(['bind', 'cache', 'tmpfs', 'secret', 'ssh']);
const SHARING = new Set<string>(['shared', 'private', 'locked']);

/** encoding/csv fields of one record: `a,"b,c",d` → [a, b,c, d]. */
export function csvFields(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) throw new Error('failed to parse csv mounts: extraneous or missing " in quoted-field');
        if (s[i] === '"') {
          if (s[i + 1] === '"') { field += '"'; i += 2; continue; }
          i++;
          break;
        }
        field += s[i++];
      }
      if (i < s.length && s[i] !== ',') throw new Error('failed to parse csv mounts: extraneous or missing " in quoted-field');
    } else {
      while (i < s.length && s[i] !== ',') field += s[i++];
    }
    out.push(field);
    if (i >= s.length) return out;
    i++;
  }
}

function parseBool(key: string, v: string): boolean {
  const l = v.toLowerCase();
  if (['1', 't', 'true'].includes(l) || v === 'TRUE' || v === 'True') return true;
  if (['0', 'f', 'false'].includes(l) || v === 'FALSE' || v === 'False') return false;
  throw new Error(`invalid value for ${key}: ${v}`);
}

function parseUint(v: string, base: 8 | 10, what: string): number {
  const re = base === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!re.test(v)) throw new Error(`invalid value ${v} for ${what}`);
  const n = parseInt(v, base);
  if (n > 0xffffffff) throw new Error(`invalid value ${v} for ${what}`);
  return n;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

/** Parses one --mount value; `expand` substitutes variables in values. */
export function parseRunMount(val: string, expand: (w: string) => string = (w) => w): RunMount {
  const m: RunMount = { type: 'bind', from: '', source: '', target: '', readOnly: false, id: '', sharing: '', required: false };
  let roAuto = true;
  for (const field of csvFields(val)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) {
      switch (key) {
        case 'readonly': case 'ro': m.readOnly = true; roAuto = false; continue;
        case 'readwrite': case 'rw': m.readOnly = false; roAuto = false; continue;
        case 'required':
          if (m.type === 'secret' || m.type === 'ssh') { m.required = true; continue; }
          throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        default:
          throw new Error(`invalid field '${field}' must be a key=value pair`);
      }
    }
    const value = expand(field.slice(eq + 1));
    switch (key) {
      case 'type':
        if (!TYPES.has(value.toLowerCase())) throw new Error(`unsupported mount type ${JSON.stringify(value)}`);
        m.type = value.toLowerCase() as MountType;
        break;
      case 'from': m.from = value; break;
      case 'source': case 'src': m.source = value; break;
      case 'target': case 'dst': case 'destination': m.target = value; break;
      case 'readonly': case 'ro': m.readOnly = parseBool(key, value); roAuto = false; break;
      case 'readwrite': case 'rw': m.readOnly = !parseBool(key, value); roAuto = false; break;
      case 'required':
        if (m.type !== 'secret' && m.type !== 'ssh') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        m.required = parseBool(key, value);
        break;
      case 'size': {
        if (m.type !== 'tmpfs') throw new Error(`unexpected key '${key}' for mount type '${m.type}'`);
        const sm = /^(\d+(?:\.\d+)?)\s*([kmgtb]?b?)$/i.exec(value);
        if (!sm) throw new Error(`invalid value for ${key}: ${value}`);
        m.size = Math.floor(Number(sm[1]) * SIZE_UNITS[sm[2].toLowerCase()]);
        break;
      }
      case 'id': m.id = value; break;
      case 'sharing':
        if (!SHARING.has(value.toLowerCase())) throw new Error(`unsupported sharing value ${JSON.stringify(value)}`);
        m.sharing = value.toLowerCase() as CacheSharing;
        break;
      case 'mode': m.mode = parseUint(value, 8, 'mode'); break;
      case 'uid': m.uid = parseUint(value, 10, 'uid'); break;
      case 'gid': m.gid = parseUint(value, 10, 'gid'); break;
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  const fileInfoAllowed = m.type === 'secret' || m.type === 'ssh' || m.type === 'cache';
  if (!fileInfoAllowed) {
    if (m.mode !== undefined) throw new Error(`mode not allowed for "${m.type}" type mounts`);
    if (m.uid !== undefined) throw new Error(`uid not allowed for "${m.type}" type mounts`);
    if (m.gid !== undefined) throw new Error(`gid not allowed for "${m.type}" type mounts`);
  }
  if (roAuto) m.readOnly = !(m.type === 'cache' || m.type === 'tmpfs');
  if (m.type === 'secret') {
    if (m.from !== '') throw new Error('secret mount should not have a from');
    if (m.sharing !== '') throw new Error('secret mount should not define sharing');
    if (m.source === '' && m.target === '' && m.id === '') throw new Error('invalid secret mount. one of source, target required');
    if (m.source !== '' && m.id !== '') throw new Error("both source and id can't be set");
  }
  if (m.sharing !== '' && m.type !== 'cache') throw new Error(`invalid cache sharing set for ${m.type} mount`);
  return m;
}

export type NetworkMode = 'default' | 'none' | 'host';

export function parseRunNetwork(v: string): NetworkMode {
  if (v === 'default' || v === 'none' || v === 'host') return v;
  throw new Error(`invalid network mode ${JSON.stringify(v)}`);
}
