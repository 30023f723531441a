import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ExitWatcher } from './exit-watch';

test('exit watcher: reports a file renamed into place once, ignores temp names and empty files', async () => {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'berth-exits-')), 'exits');
  const w = new ExitWatcher(dir); // creates the directory itself
  const seen: string[] = [];
  let notify!: () => void;
  const got = new Promise<void>((r) => { notify = r; });
  const unsubscribe = w.subscribe((id) => { seen.push(id); if (id === 'b') notify(); });
  try {
    // an event before the code is written (empty file) must not count
    fs.writeFileSync(path.join(dir, 'a'), '');
    fs.writeFileSync(path.join(dir, 'b.XYZ123'), '0');
    fs.renameSync(path.join(dir, 'b.XYZ123'), path.join(dir, 'b'));
    await got;
    fs.writeFileSync(path.join(dir, 'a'), '137');
    assert.equal(await w.waitFor('a', 2000).exited, true);
    assert.equal(await w.waitFor('never', 50).exited, false);
    const pending = w.waitFor('never', 60_000);
    pending.cancel();
    assert.equal(await pending.exited, false);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(seen.sort(), ['a', 'b']);
  } finally {
    unsubscribe();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
