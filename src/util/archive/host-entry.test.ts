import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostEntry } from './host-entry';

describe('hostEntry', () => {
  it('types host files as Docker archives them; later names of an inode are hard links', async (t) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostentry-'));
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const p = (n: string): string => path.join(dir, n);
    fs.writeFileSync(p('a'), 'hello');
    fs.linkSync(p('a'), p('b'));
    fs.symlinkSync('a', p('s'));
    fs.linkSync(p('s'), p('s2'));
    fs.mkdirSync(p('d'));
    execFileSync('mkfifo', [p('f')]);
    const server = net.createServer().listen(p('sock'));
    await new Promise((r) => server.once('listening', r));
    t.after(() => server.close());

    const links = new Map<string, string>();
    const of = (n: string, hostPath = p(n)) => hostEntry(hostPath, n, fs.lstatSync(hostPath), links);
    assert.deepEqual(of('a'), { type: 'file', size: 5 });
    assert.deepEqual(of('b'), { type: 'link', size: 0, linkname: 'a' });
    assert.deepEqual(of('s'), { type: 'symlink', size: 0, linkname: 'a' });
    assert.deepEqual(of('s2'), { type: 'link', size: 0, linkname: 's' });
    assert.deepEqual(of('d'), { type: 'directory', size: 0 });
    assert.deepEqual(of('f'), { type: 'fifo', size: 0 });
    assert.equal(of('sock'), null);
    assert.deepEqual(of('null', '/dev/null'), { type: 'character-device', size: 0, devmajor: 1, devminor: 3 });
  });
});
