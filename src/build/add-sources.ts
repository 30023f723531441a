import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

/**
 * ADD's extras over COPY, as the classic builder decides them:
 * - a local source that is a tar archive (plain, or gzip/bzip2/xz/zstd compressed) is
 *   extracted into the destination (archive.IsArchivePath: the decompressed data must start
 *   with a valid tar header); an archive fetched from a URL is not;
 * - a URL source is saved under the name taken from the URL's path, else from the
 *   Content-Disposition header; with neither, a destination ending in / is an error.
 */

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: [ArchiveKind, number[]][] = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** Whether a 512-byte block is a tar header Go's archive/tar accepts (its checksum). */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false;
  if (block.subarray(0, 512).every((b) => b === 0)) return false;
  const field = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (!/^[0-7]+$/.test(field)) return false;
  const stored = parseInt(field, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed;
}

async function readHead(p: string, n: number): Promise<Buffer> {
  const fh = await fs.promises.open(p, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

async function gunzipHead(p: string, n: number): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const src = fs.createReadStream(p);
    const gz = zlib.createGunzip();
    const done = (): void => { src.destroy(); gz.destroy(); resolve(Buffer.concat(chunks).subarray(0, n)); };
    gz.on('data', (c: Buffer) => { chunks.push(c); got += c.length; if (got >= n) done(); });
    gz.on('end', done);
    gz.on('error', done);
    src.on('error', done);
    src.pipe(gz);
  });
}

/**
 * What ADD would extract `p` as, or null for a plain file. Gzip data is checked for a tar
 * header; for bzip2, xz and zstd only the compression magic is checked (decompressing them
 * needs the tools the layer store drives).
 */
export async function archiveKind(p: string): Promise<ArchiveKind | null> {
  const head = await readHead(p, 512);
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) {
      if (kind !== 'gzip') return kind;
      return isTarHeader(await gunzipHead(p, 512)) ? 'gzip' : null;
    }
  }
  return isTarHeader(head) ? 'tar' : null;
}

/** The file name ADD gives a URL's content, or '' when neither the URL nor the header names one. */
export function downloadFilename(url: string, contentDisposition?: string): string {
  let p = '';
  try {
    p = new URL(url).pathname;
  } catch {
    p = '';
  }
  if (p !== '' && !p.endsWith('/')) {
    const base = path.posix.basename(p);
    if (base !== '') return base;
  }
  if (contentDisposition) {
    const m = /(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i.exec(contentDisposition);
    const name = m ? (m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]) : '';
    if (name !== '' && !name.endsWith('/')) {
      const base = path.posix.basename(name);
      if (base !== '') return base;
    }
  }
  return '';
}
