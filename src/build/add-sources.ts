import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { compressionOf, isTarHeader, type ArchiveKind } from '../util/build-context';

// the header checks live in util/build-context, shared with the CLI
export { isTarHeader, type ArchiveKind };

/**
 * ADD's extras over COPY, as the classic builder decides them:
 * - a local source that is a tar archive (plain, or gzip/bzip2/xz/zstd compressed) is
 *   extracted into the destination (archive.IsArchivePath: the decompressed data must start
 *   with a valid tar header); an archive fetched from a URL is not;
 * - a URL source is saved under the name taken from the URL's path, else from the
 *   Content-Disposition header; with neither, a destination ending in / is an error.
 */

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
  const kind = compressionOf(head);
  if (kind === 'gzip') return isTarHeader(await gunzipHead(p, 512)) ? 'gzip' : null;
  if (kind) return kind;
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
