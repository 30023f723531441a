import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * What berth knows of a layer's life on registries (Docker's distribution metadata): the
 * compressed blob(s) a diff ID was pulled as or pushed as, and in which repositories. Pull
 * records it; push uses it to HEAD or mount a blob instead of compressing and uploading the
 * layer again. One small JSON file per diff ID under <data-root>/distribution/, written
 * atomically; losing it only costs a re-upload.
 */

export interface BlobRecord {
  /** compressed blob digest */
  digest: string;
  size: number;
  mediaType: string;
  /** "127.0.0.1:5000/pepito/mi_app", newest last */
  repos: string[];
}

export class DistributionMetadata {
  private readonly dir: string;

  constructor(dataRoot: string) {
    this.dir = path.join(dataRoot, 'distribution', 'by-diffid');
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  blobsOf(diffId: string): BlobRecord[] {
    try {
      return JSON.parse(fs.readFileSync(this.file(diffId), 'utf8')) as BlobRecord[];
    } catch {
      return [];
    }
  }

  add(diffId: string, blob: Omit<BlobRecord, 'repos'>, repo: string): void {
    const all = this.blobsOf(diffId);
    let rec = all.find((b) => b.digest === blob.digest);
    if (!rec) { rec = { ...blob, repos: [] }; all.push(rec); }
    rec.repos = [...rec.repos.filter((r) => r !== repo), repo].slice(-20);
    const tmp = `${this.file(diffId)}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(all));
    fs.renameSync(tmp, this.file(diffId));
  }

  private file(diffId: string): string {
    const m = /^sha256:([a-f0-9]{64})$/.exec(diffId);
    if (!m) throw new Error(`invalid diff ID ${diffId}`);
    return path.join(this.dir, m[1]);
  }
}
