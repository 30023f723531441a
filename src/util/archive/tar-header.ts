/**
 * Encodes tar headers as a USTAR block, preceded by a PAX extended header when a field does
 * not fit (long or non-ASCII names and link targets, ids or sizes beyond octal's range), as
 * Go's archive/tar (Docker's) chooses. Used to write layer and build-context tars without a
 * tar library's stream machinery.
 */

export interface HeaderFields {
  name: string;
  type: 'file' | 'link' | 'symlink' | 'character-device' | 'block-device' | 'directory' | 'fifo';
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** seconds */
  mtime: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
}

const FLAG: Record<HeaderFields['type'], string> = {
  file: '0', link: '1', symlink: '2', 'character-device': '3', 'block-device': '4', directory: '5', fifo: '6',
};

/**
 * The fields are written byte by byte, each writer returning the sum of its bytes for the
 * checksum: a client packs a build context with cold (interpreted) code, where Buffer.write
 * calls and a 512-byte checksum loop made each header cost ~40 us.
 */

/** `len - 1` octal digits and a NUL */
function octal(b: Buffer, off: number, len: number, v: number): number {
  let sum = 0;
  for (let i = off + len - 2; i >= off; i--) {
    const c = 48 + (v % 8);
    b[i] = c;
    sum += c;
    v = Math.floor(v / 8);
  }
  b[off + len - 1] = 0;
  return sum;
}

/** at most `max` bytes of `s` (UTF-8) */
function text(b: Buffer, off: number, max: number, s: string): number {
  let sum = 0;
  const n = Math.min(s.length, max);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) {
      // not ASCII: let Buffer encode it, then sum what it wrote
      b.fill(0, off, off + max);
      const w = b.write(s, off, max, 'utf8');
      sum = 0;
      for (let j = off; j < off + w; j++) sum += b[j];
      return sum;
    }
    b[off + i] = c;
    sum += c;
  }
  return sum;
}

/** "ustar\0" and version "00" */
const MAGIC = [0x75, 0x73, 0x74, 0x61, 0x72, 0, 0x30, 0x30];
const MAGIC_SUM = MAGIC.reduce((a, c) => a + c, 0);

function fits(v: number, len: number): boolean {
  return v >= 0 && v < 8 ** (len - 1);
}

const ascii = (s: string): boolean => /^[\x01-\x7f]*$/.test(s);

/** name/prefix split of USTAR, or null when it cannot hold the name */
function splitName(name: string): [string, string] | null {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  return null;
}

function block(h: HeaderFields, name: string, prefix: string, linkname: string, flag: string, size: number): Buffer {
  const b = Buffer.alloc(512);
  let sum = text(b, 0, 100, name);
  sum += octal(b, 100, 8, h.mode & 0o7777);
  sum += octal(b, 108, 8, fits(h.uid, 8) ? h.uid : 0);
  sum += octal(b, 116, 8, fits(h.gid, 8) ? h.gid : 0);
  sum += octal(b, 124, 12, fits(size, 12) ? size : 0);
  sum += octal(b, 136, 12, fits(h.mtime, 12) ? h.mtime : 0);
  b[156] = flag.charCodeAt(0);
  sum += b[156];
  sum += text(b, 157, 100, linkname);
  for (let i = 0; i < 8; i++) b[257 + i] = MAGIC[i];
  sum += MAGIC_SUM;
  sum += octal(b, 329, 8, h.devmajor ?? 0);
  sum += octal(b, 337, 8, h.devminor ?? 0);
  sum += text(b, 345, 155, prefix);
  // the checksum field counts as eight spaces; it holds six digits, a NUL and a space
  octal(b, 148, 7, sum + 8 * 32);
  b[155] = 32;
  return b;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(body);
  // the length counts its own digits
  const len = n + String(n + String(n).length).length;
  return `${len}${body}`;
}

/** The header block(s) of an entry: USTAR, or a PAX header and a USTAR block. */
export function encodeHeader(h: HeaderFields): Buffer {
  const linkname = h.linkname ?? '';
  const split = ascii(h.name) ? splitName(h.name) : null;
  const pax: [string, string][] = [];
  if (!split) pax.push(['path', h.name]);
  if (Buffer.byteLength(linkname) > 100 || !ascii(linkname)) pax.push(['linkpath', linkname]);
  if (!fits(h.size, 12)) pax.push(['size', String(h.size)]);
  if (!fits(h.uid, 8)) pax.push(['uid', String(h.uid)]);
  if (!fits(h.gid, 8)) pax.push(['gid', String(h.gid)]);
  if (!fits(h.mtime, 12)) pax.push(['mtime', String(h.mtime)]);
  const [prefix, name] = split ?? ['', h.name.slice(0, 100)];
  const main = block(h, name, prefix, pax.some(([k]) => k === 'linkpath') ? '' : linkname, FLAG[h.type], h.size);
  if (pax.length === 0) return main;
  const data = Buffer.from(pax.map(([k, v]) => paxRecord(k, v)).join(''));
  const paxName = `PaxHeaders.0/${(split?.[1] ?? h.name).split('/').filter(Boolean).pop()?.slice(0, 80) ?? 'x'}`;
  const ph = block({ ...h, mtime: fits(h.mtime, 12) ? h.mtime : 0 }, ascii(paxName) ? paxName : 'PaxHeaders.0/x', '', '', 'x', data.length);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([ph, padded, main]);
}

const ZERO_BLOCK = Buffer.alloc(512);

/** The zeros that complete `size` bytes of an entry's data to whole 512-byte blocks, or null. */
export function dataPadding(size: number): Buffer | null {
  const rest = size % 512;
  return rest ? ZERO_BLOCK.subarray(0, 512 - rest) : null;
}
