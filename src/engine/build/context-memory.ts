import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { TarReader } from '../../util/archive/tar-reader';
import { containsWildcards, entryChecksum, hashStringSlice, PatternMatcher, readDockerignore, type EntryMeta } from '../../build';
import { extractContext } from './context';

/**
 * A small build context kept in memory: a fully cached rebuild reads its Dockerfile and
 * checksums its COPY sources from here, and the context reaches the disk (the safe
 * extractor, as before) only when a step needs the files: a COPY that misses, an ADD, a RUN
 * bind mount. Creating the files is most of what a cached build cost (~0.5 ms a file here).
 *
 * Only contexts whose extraction is plain are kept: regular files and directories, each
 * parent directory an entry of its own, no duplicate, no `..`; anything else (links,
 * special files, a compressed context) takes the disk path, so the checksums here are
 * those pathChecksum computes over the extracted files, by construction.
 */

/** contexts up to this size are kept in memory */
export const MEMORY_CONTEXT_LIMIT = 16 * 1024 * 1024;

interface Entry {
  dir: boolean;
  mode: number;
  uid: number;
  gid: number;
  data: Buffer;
  /** a directory's entries, sorted as readdir + sort gives them */
  children: string[];
}

/** A context path as scopedJoin resolves it where there are no links: `..` stops at the root. */
function norm(rel: string): string {
  const out: string[] = [];
  for (const p of rel.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out.join('/');
}

export class MemoryContext {
  private readonly removed = new Set<string>();

  private constructor(private readonly tar: Buffer, private readonly entries: Map<string, Entry>, private readonly dir: string) {}

  /** The context, or null when its tar is not one this class keeps (see above). */
  static async parse(tar: Buffer, dir: string): Promise<MemoryContext | null> {
    const entries = new Map<string, Entry>();
    // the reader hands out slices of `tar`: no stream per entry, no copy of the content;
    // a tar may stop after its last entry's data, as for the disk path (completeTar)
    const reader = new TarReader((async function* () { yield tar; })(), { lenientEnd: true });
    let plain = true;
    try {
      for (let entry = await reader.next(); entry; entry = await reader.next()) {
        const h = entry.header;
        const parts = h.name.split('/').filter((p) => p !== '' && p !== '.');
        const name = parts.join('/');
        const chunks = await reader.rest();
        await reader.endEntry();
        if (parts.length === 0 && h.type === 'directory') continue; // the root: the extractor skips it too
        if (parts.length === 0 || parts.includes('..') || entries.has(name) || !['file', 'contiguous-file', 'directory'].includes(h.type)) plain = false;
        if (!plain) break;
        entries.set(name, { dir: h.type === 'directory', mode: h.mode & 0o7777, uid: h.uid, gid: h.gid, data: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), children: [] });
      }
    } catch {
      return null; // the extractor reports what is wrong with it
    }
    if (!plain) return null;
    for (const name of entries.keys()) {
      const i = name.lastIndexOf('/');
      if (i < 0) continue;
      const parent = entries.get(name.slice(0, i));
      if (!parent?.dir) return null; // a directory the extractor would make: its mode is not in the tar
      parent.children.push(name.slice(i + 1));
    }
    const top: string[] = [];
    for (const name of entries.keys()) if (!name.includes('/')) top.push(name);
    entries.set('', { dir: true, mode: 0, uid: 0, gid: 0, data: Buffer.alloc(0), children: top });
    for (const e of entries.values()) e.children.sort();
    // the directory is made only when needed (a fully cached build touches no disk)
    return new MemoryContext(tar, entries, dir);
  }

  /** Writes the context to its directory, as extractContext does, less what .dockerignore removed. */
  extract(): Promise<void> {
    return extractContext(Readable.from([this.tar]), this.dir, (n) => (this.removed.has(norm(n)) ? null : n));
  }

  private file(rel: string): Entry | null {
    const e = this.entries.get(rel);
    return e && !e.dir && !this.removed.has(rel) ? e : null;
  }

  /** readDockerfile's answer, or null when the disk path must answer (not found: its error). */
  readDockerfile(name: string): string | null {
    let rel = norm((name === '' ? 'Dockerfile' : name).replace(/\\/g, '/'));
    let e = this.file(rel);
    if (!e && name === '') {
      rel = 'dockerfile';
      e = this.file(rel);
    }
    if (!e) return null;
    // moby's removeDockerfile, as readDockerfile does on disk
    const ignore = this.file('.dockerignore');
    if (ignore) {
      const matcher = new PatternMatcher(readDockerignore(ignore.data.toString('utf8')));
      for (const f of ['.dockerignore', rel]) if (matcher.matches(f)) this.removed.add(f);
    }
    return e.data.toString('utf8');
  }

  /**
   * A COPY source (cleaned, no wildcards) as resolveCopySources gives it, its checksum as
   * pathChecksum computes it over the extracted context; null: ask the disk.
   */
  source(p: string): { rel: string; abs: string; isDir: boolean; hash: string } | null {
    if (containsWildcards(p)) return null;
    const rel = p === '' ? '.' : p;
    const name = norm(rel);
    const e = this.entries.get(name);
    if (!e || this.removed.has(name)) return null;
    const meta = (n: string, x: Entry): EntryMeta => {
      if (n === '') {
        // the context directory itself, made by mkdir as on the disk path (extractContext)
        fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
        const st = fs.lstatSync(this.dir);
        return { name: n, type: 'directory', mode: st.mode, uid: st.uid, gid: st.gid, size: 0, linkname: '' };
      }
      return { name: n, type: x.dir ? 'directory' : 'file', mode: x.mode, uid: x.uid, gid: x.gid, size: x.dir ? 0 : x.data.length, linkname: '' };
    };
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    let hash: string;
    if (!e.dir) hash = `file:${entryChecksum(meta(name, e), sha(e.data))}`;
    else {
      const sums: string[] = [];
      const walk = (n: string, x: Entry): void => {
        sums.push(entryChecksum(meta(n, x)));
        for (const child of x.children) {
          const cn = n === '' ? child : `${n}/${child}`;
          if (this.removed.has(cn)) continue;
          const c = this.entries.get(cn) as Entry;
          if (c.dir) walk(cn, c);
          else sums.push(entryChecksum(meta(cn, c), sha(c.data)));
        }
      };
      walk(name, e);
      hash = hashStringSlice('dir', sums.sort());
    }
    return { rel, abs: name === '' ? this.dir : path.join(this.dir, name), isDir: e.dir, hash };
  }
}
