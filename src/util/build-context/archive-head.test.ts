import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tarStream from 'tar-stream';
import { compressionOf, isArchive } from './archive-head';

test('isArchive: a tar header or compression magic; a Dockerfile, a short text or zeros are not', async () => {
  const pack = tarStream.pack();
  pack.entry({ name: 'Dockerfile' }, 'FROM busybox\n');
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  assert.equal(isArchive(Buffer.concat(chunks)), true);
  assert.equal(isArchive(Buffer.from('FROM busybox\n'.repeat(100))), false);
  assert.equal(isArchive(Buffer.alloc(1024)), false);
  assert.equal(compressionOf(Buffer.from([0x1f, 0x8b, 0x08, 0x00])), 'gzip');
  assert.equal(compressionOf(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(compressionOf(Buffer.from([0x28, 0xb5, 0x2f, 0xfd])), 'zstd');
  assert.equal(isArchive(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), true);
});
