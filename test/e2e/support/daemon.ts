/**
 * One berthd per test file: started (with the base images) in `before`, destroyed in `after`.
 * Set BERTH_E2E_LOG_DIR to keep each daemon's log after the run.
 */
import { after, before } from 'node:test';
import { writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { TestDaemon } from '../../harness';

export function useDaemon(name: string, opts: { images?: boolean; args?: () => string[] } = {}): () => TestDaemon {
  let d: TestDaemon | undefined;
  before(async () => {
    d = new TestDaemon(name);
    if (opts.args) d.extraArgs = opts.args;
    await d.start();
    if (opts.images !== false) await d.loadBaseImages();
  });
  after(async () => {
    if (!d) return;
    const keep = process.env.BERTH_E2E_LOG_DIR;
    if (keep) {
      mkdirSync(keep, { recursive: true });
      writeFileSync(path.join(keep, `${name}.log`), d.log);
    }
    await d.destroy();
  });
  return () => {
    if (!d) throw new Error('the daemon of this file did not start');
    return d;
  };
}
