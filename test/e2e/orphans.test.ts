/**
 * A removal cut short by a crash: the container's row is gone but its runtime state, layer
 * and directory are not. The next berthd collects them, so nothing leaks.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { okRun } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

describe('orphans of an interrupted removal', () => {
  const daemon = useDaemon('orphans');

  it('are removed at the next start: dirs, read-write layer, mounts and runtime state', T, async () => {
    const d = daemon();
    const cli = (args: string[]) => d.berth(args);
    const id = (await okRun(cli, ['run', '-d', 'busybox', 'sleep', '300'])).trim();
    const ctrDir = path.join(d.dataRoot, 'containers', id);
    assert.ok(existsSync(ctrDir));
    assert.ok(d.mountsLeft().some((m) => m.includes(id)), 'its rootfs is mounted while it runs');
    // the process dies with the daemon gone, then the crash "lost" the removal after its row went
    await d.kill9();
    const runtimeRoot = path.join(d.execRoot, 'runtime', 'runc');
    const pid = Number(readFileSync(path.join(d.execRoot, 'containers', id, 'pidfile'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const db = new Database(path.join(d.dataRoot, 'berth.db'));
    db.prepare('DELETE FROM containers WHERE id = ?').run(id);
    db.close();

    await d.start();
    assert.equal((await okRun(cli, ['ps', '-aq'])).trim(), '', 'no container is known');
    assert.equal(existsSync(ctrDir), false, 'the container directory is gone');
    assert.equal(existsSync(path.join(d.execRoot, 'containers', id)), false, 'the bundle is gone');
    assert.equal(existsSync(path.join(runtimeRoot, id)), false, 'runc has no state for it');
    assert.deepEqual(d.mountsLeft().filter((m) => m.includes(id)), [], 'no mount is left');
    assert.deepEqual(readdirSync(path.join(d.dataRoot, 'containers')), []);
  });
});
