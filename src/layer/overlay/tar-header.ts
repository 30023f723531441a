/**
 * Encodes tar headers as a USTAR block, preceded by a PAX extended header when a field does
 * not fit (long or non-ASCII names and link targets, ids or sizes beyond octal's range), as
 * Go's archive/tar (Docker's) chooses. Used to write a layer's tar without a tar library.
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

function octal(b: Buffer, off: number, len: number, v: number): void {
  b.write(`${v.toString(8).padStart(len - 1, '0')}\0`, off, len, 'latin1');
}

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
  b.write(name, 0, 100, 'utf8');
  octal(b, 100, 8, h.mode & 0o7777);
  octal(b, 108, 8, fits(h.uid, 8) ? h.uid : 0);
  octal(b, 116, 8, fits(h.gid, 8) ? h.gid : 0);
  octal(b, 124, 12, fits(size, 12) ? size : 0);
  octal(b, 136, 12, fits(h.mtime, 12) ? h.mtime : 0);
  b.write(flag, 156, 1, 'latin1');
  b.write(linkname, 157, 100, 'utf8');
  b.write('ustar\x0000', 257, 8, 'latin1');
  octal(b, 329, 8, h.devmajor ?? 0);
  octal(b, 337, 8, h.devminor ?? 0);
  b.write(prefix, 345, 155, 'utf8');
  b.fill(32, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i];
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
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
