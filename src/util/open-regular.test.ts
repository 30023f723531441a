import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRegular, openRegularSync } from './open-regular';
import { readSmallFile } from './read-small';

describe('openRegular', () => {
  it('opens a regular file; a FIFO swapped in returns null at once instead of waiting for a writer', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'openreg-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'f');
    const fifo = path.join(dir, 'p');
    fs.writeFileSync(file, 'data');
    execFileSync('mkfifo', [fifo]);

    const fd = openRegularSync(file);
    assert.notEqual(fd, null);
    fs.closeSync(fd as number);
    const fh = await openRegular(file);
    assert.equal((await fh?.readFile())?.toString(), 'data');
    await fh?.close();

    // the FIFO is opened in a child: an open that blocks must fail this test, not hang it
    const script = `
      const { openRegular, openRegularSync } = require(${JSON.stringify(path.join(__dirname, 'open-regular.js'))});
      const { readSmallFile } = require(${JSON.stringify(path.join(__dirname, 'read-small.js'))});
      const fifo = ${JSON.stringify(fifo)};
      const zeros = readSmallFile(fifo, 4);
      const sync = openRegularSync(fifo);
      const late = new Promise((r) => setTimeout(() => r('blocked'), 5000));
      Promise.race([openRegular(fifo), late]).then((async) => {
        process.stdout.write(JSON.stringify([sync, async, [...zeros]]));
        process.exit(0);
      });`;
    const r = spawnSync(process.execPath, ['-e', script], { timeout: 10_000, encoding: 'utf8' });
    assert.equal(r.signal, null, 'opening the FIFO blocked');
    assert.equal(r.stdout, '[null,null,[0,0,0,0]]', r.stderr);
    assert.deepEqual([...readSmallFile(file, 4)], [...Buffer.from('data')]);
  });
});
