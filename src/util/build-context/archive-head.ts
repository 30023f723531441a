/**
 * What the first bytes of a stream or file say it is: a tar (a first header whose checksum
 * Go's archive/tar accepts) or a compressed stream (gzip, bzip2, xz, zstd magic). Used by the
 * CLI for a context on stdin (docker's build.IsArchive) and by the builder for ADD.
 */

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd';

const MAGIC: [Exclude<ArchiveKind, 'tar'>, number[]][] = [
  ['gzip', [0x1f, 0x8b, 0x08]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
];

/** The compression `head` starts with, or null. */
export function compressionOf(head: Buffer): Exclude<ArchiveKind, 'tar'> | null {
  for (const [kind, magic] of MAGIC) {
    if (head.length >= magic.length && magic.every((b, i) => head[i] === b)) return kind;
  }
  return null;
}

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

/** docker's build.IsArchive: compressed, or a tar header first. */
export function isArchive(head: Buffer): boolean {
  return compressionOf(head) !== null || isTarHeader(head);
}
