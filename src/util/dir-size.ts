import { promises as fs, type Dirent } from 'node:fs';
import * as path from 'node:path';

/**
 * Bytes of everything under `root` but directories, hard links counted once, links not
 * followed (Docker's directory.Size, used for a container's read-write size and a volume's).
 * A missing `root` is an error; a subdirectory that vanishes during the walk is skipped.
 */
export async function dirSize(root: string): Promise<number> {
  await fs.lstat(root);
  const seen = new Set<string>();
  let total = 0;
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try { entries = await fs.readdir(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { await walk(p); continue; }
      const st = await fs.lstat(p);
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) { if (seen.has(key)) continue; seen.add(key); }
      total += st.size;
    }
  };
  await walk(root);
  return total;
}
