import * as tarStream from 'tar-stream';
import { gzipSync } from 'node:zlib';

/** Test helper: builds a tar in memory from header/content pairs. */
export type TarEntry = Partial<tarStream.Header> & { name: string; content?: string };

export async function makeTar(entries: TarEntry[], opts: { gzip?: boolean } = {}): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const e of entries) {
    const { content, ...header } = e;
    await new Promise<void>((resolve, reject) => {
      pack.entry({ mtime: new Date(1_600_000_000_000), ...header }, content ?? '', (err) => (err ? reject(err) : resolve()));
    });
  }
  pack.finalize();
  await done;
  const tar = Buffer.concat(chunks);
  return opts.gzip ? gzipSync(tar) : tar;
}
