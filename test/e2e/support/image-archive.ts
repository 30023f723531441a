/** Hand-made docker archives (for `load`): any number of layers, any platform. */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tarStream from 'tar-stream';

export async function tarOf(entries: (Partial<tarStream.Header> & { name: string; content?: string | Buffer })[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  const done = (async () => { for await (const c of pack) chunks.push(Buffer.from(c as Uint8Array)); })();
  for (const { content, ...h } of entries) {
    await new Promise<void>((resolve, reject) => pack.entry({ mtime: new Date(1_600_000_000_000), ...h }, content ?? '', (e) => (e ? reject(e) : resolve())));
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

export const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/**
 * An archive of one image with `layers` layers: layer i holds /layers/<i> (its text) and,
 * when `randomBytes` is set, /blob<i> of that many incompressible bytes.
 */
export async function layeredArchive(tag: string, opts: { layers: number; architecture?: string; randomBytes?: number; label?: string }): Promise<Buffer> {
  const layerTars: Buffer[] = [];
  for (let i = 0; i < opts.layers; i++) {
    const entries: (Partial<tarStream.Header> & { name: string; content?: string | Buffer })[] = [
      { name: 'layers/', type: 'directory', mode: 0o755 },
      { name: `layers/${i}`, content: `layer ${i} of ${tag}\n`, mode: 0o644 },
    ];
    // the bottom layer makes it runnable: Debian's static busybox as sh and cat
    if (i === 0) {
      entries.unshift(
        { name: 'bin/', type: 'directory', mode: 0o755 },
        { name: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 },
        { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
        { name: 'bin/cat', type: 'symlink', linkname: 'busybox' },
      );
    }
    if (opts.randomBytes) entries.push({ name: `blob${i}`, content: randomBytes(opts.randomBytes), mode: 0o644 });
    layerTars.push(await tarOf(entries));
  }
  const config = Buffer.from(JSON.stringify({
    architecture: opts.architecture ?? 'amd64', os: 'linux', created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['sh'], Labels: opts.label ? { made: opts.label } : undefined },
    rootfs: { type: 'layers', diff_ids: layerTars.map(sha) },
    history: layerTars.map((_, i) => ({ created: '2024-01-01T00:00:00Z', created_by: `layer ${i}` })),
  }));
  return tarOf([
    ...layerTars.map((l, i) => ({ name: `l${i}.tar`, content: l })),
    { name: 'config.json', content: config },
    { name: 'manifest.json', content: JSON.stringify([{ Config: 'config.json', RepoTags: [tag], Layers: layerTars.map((_, i) => `l${i}.tar`) }]) },
  ]);
}
