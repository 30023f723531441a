import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidParameterError } from '../util/errors';

/**
 * Content-addressed blobs: <data-root>/content/blobs/sha256/<hex> (configs, manifests).
 * A blob is written under content/tmp/, fsynced and renamed into place, so a reader never
 * sees a partial blob; open() removes what a crash left in tmp/.
 */
export class ContentStore {
  private readonly blobDir: string;
  private readonly tmpDir: string;

  constructor(dataRoot: string) {
    this.blobDir = path.join(dataRoot, 'content', 'blobs', 'sha256');
    this.tmpDir = path.join(dataRoot, 'content', 'tmp');
    fs.mkdirSync(this.blobDir, { recursive: true, mode: 0o700 });
    fs.mkdirSync(this.tmpDir, { recursive: true, mode: 0o700 });
  }

  open(): void {
    for (const e of fs.readdirSync(this.tmpDir)) fs.rmSync(path.join(this.tmpDir, e), { recursive: true, force: true });
  }

  path(digest: string): string {
    const m = /^sha256:([a-f0-9]{64})$/.exec(digest);
    if (!m) throw new InvalidParameterError(`invalid digest: ${digest}`);
    return path.join(this.blobDir, m[1]);
  }

  /** Stores `data`; returns its digest ("sha256:<hex>"). Idempotent. */
  put(data: Buffer): string {
    const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
    const dest = this.path(digest);
    if (fs.existsSync(dest)) return digest;
    const tmp = path.join(this.tmpDir, `blob-${randomBytes(8).toString('hex')}`);
    const fd = fs.openSync(tmp, 'wx', 0o600);
    try {
      fs.writeSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, dest);
    const dfd = fs.openSync(this.blobDir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
    return digest;
  }

  get(digest: string): Buffer | null {
    try {
      return fs.readFileSync(this.path(digest));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  has(digest: string): boolean {
    return fs.existsSync(this.path(digest));
  }

  delete(digest: string): void {
    fs.rmSync(this.path(digest), { force: true });
  }
}
