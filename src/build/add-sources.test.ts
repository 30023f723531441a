import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tarStream from 'tar-stream';
import { archiveKind, downloadFilename, isTarHeader } from './add-sources';

async function tarBuffer(): Promise<Buffer> {
  const pack = tarStream.pack();
  pack.entry({ name: 'hello.txt' }, 'hi');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('ADD extracts tar archives, plain or compressed, and nothing else', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'add-'));
  try {
    const tar = await tarBuffer();
    assert.equal(isTarHeader(tar.subarray(0, 512)), true);
    const files: [string, Buffer, string | null][] = [
      ['a.tar', tar, 'tar'],
      ['a.tar.gz', zlib.gzipSync(tar), 'gzip'],
      ['text.gz', zlib.gzipSync(Buffer.from('just text, not a tar')), null],
      ['x.xz', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]), 'xz'],
      ['x.bz2', Buffer.from('BZh91AY&SY'), 'bzip2'],
      ['x.zst', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0]), 'zstd'],
      ['plain.txt', Buffer.from('hello'), null],
      ['zeros', Buffer.alloc(1024), null],
      ['empty', Buffer.alloc(0), null],
    ];
    for (const [name, body, want] of files) {
      fs.writeFileSync(path.join(dir, name), body);
      assert.equal(await archiveKind(path.join(dir, name)), want, name);
    }
    const bad = Buffer.from(tar);
    bad[0] ^= 1;
    fs.writeFileSync(path.join(dir, 'bad.tar'), bad);
    assert.equal(await archiveKind(path.join(dir, 'bad.tar')), null);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('names of downloaded files', () => {
  assert.equal(downloadFilename('http://127.0.0.1:8080/files/app.tar.gz'), 'app.tar.gz');
  assert.equal(downloadFilename('http://h/dir/file?x=1'), 'file');
  assert.equal(downloadFilename('http://h/dir/', 'attachment; filename="r.txt"'), 'r.txt');
  assert.equal(downloadFilename('http://h/', 'attachment; filename=a/b.bin'), 'b.bin');
  assert.equal(downloadFilename('http://h/'), '');
  assert.equal(downloadFilename('http://h', 'inline'), '');
});
