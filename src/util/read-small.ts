import * as fs from 'node:fs';
import { openRegularSync } from './open-regular';

/**
 * Reads a small file whole with plain syscalls (no thread-pool round trip per file, which
 * dominates when packing thousands of small files). Never follows a final symlink. A file
 * that shrank since `size` was taken is zero-padded: a tar header already promised `size`;
 * one that is no longer a regular file (see openRegularSync) reads as all zeros.
 */
export function readSmallFile(file: string, size: number): Buffer {
  const buf = Buffer.allocUnsafe(size);
  const fd = openRegularSync(file);
  if (fd === null) return buf.fill(0);
  let off = 0;
  try {
    while (off < size) {
      const n = fs.readSync(fd, buf, off, size - off, null);
      if (n === 0) break;
      off += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  if (off < size) buf.fill(0, off);
  return buf;
}
