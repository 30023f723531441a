import * as fs from 'node:fs';
import { deviceMajor, deviceMinor } from '../device-number';
import type { HeaderFields } from './tar-header';

/** The type-dependent fields of a tar entry for a host file. */
export type HostEntry = Pick<HeaderFields, 'type' | 'size' | 'linkname' | 'devmajor' | 'devminor'>;

/**
 * What Docker's archive writer (pkg/archive's addTarFile) records for a host file of the tree
 * being packed: its type, size, link target or device numbers. A non-directory with more than
 * one link is a hard link to the first name seen for its inode (`links`, kept per archive).
 * Sockets are not archived: null.
 */
export function hostEntry(hostPath: string, name: string, st: fs.Stats, links: Map<string, string>): HostEntry | null {
  if (st.isSocket()) return null;
  if (st.isDirectory()) return { type: 'directory', size: 0 };
  if (st.nlink > 1) {
    const key = `${st.dev}:${st.ino}`;
    const first = links.get(key);
    if (first !== undefined) return { type: 'link', size: 0, linkname: first };
    links.set(key, name);
  }
  if (st.isSymbolicLink()) return { type: 'symlink', size: 0, linkname: fs.readlinkSync(hostPath) };
  if (st.isCharacterDevice() || st.isBlockDevice()) {
    return { type: st.isCharacterDevice() ? 'character-device' : 'block-device', size: 0, devmajor: deviceMajor(st.rdev), devminor: deviceMinor(st.rdev) };
  }
  if (st.isFIFO()) return { type: 'fifo', size: 0 };
  return { type: 'file', size: st.size };
}
