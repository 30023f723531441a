import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { InvalidParameterError } from '../errors';
import { encodeHeader } from './tar-header';
import { TarReader, completeTar, looksLikeTar } from './tar-reader';
import { makeTar } from './test-tar';

async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

test('the reader gives every entry and every byte around it, whatever the chunking', async () => {
  const long = `${'a'.repeat(90)}/${'b'.repeat(120)}`;
  const blob = randomBytes(5000);
  const tar = Buffer.concat([await makeTar([
    { name: 'dir/', type: 'directory', mode: 0o755 },
    { name: long, content: 'long' },
    { name: 'blob', content: blob as unknown as string, uid: 1234, gid: 99 },
    { name: 'ln', type: 'symlink', linkname: 'l'.repeat(150) },
  ]), Buffer.from('junk after the end')]);
  for (const size of [1, 7, 511, 513, 100000]) {
    const r = new TarReader(chunked(tar, size));
    const seen: string[] = [];
    const bytes: Buffer[] = [];
    for (let e = await r.next(); e; e = await r.next()) {
      bytes.push(Buffer.from(e.raw));
      const body: Buffer[] = [];
      for await (const c of e.body) body.push(Buffer.from(c));
      bytes.push(...body);
      bytes.push(await r.endEntry());
      seen.push(`${e.header.type} ${e.header.name} ${e.header.size} ${e.header.linkname.length} ${e.header.uid}`);
      if (e.header.name === 'blob') assert.ok(Buffer.concat(body).equals(blob));
    }
    bytes.push(r.trailer);
    assert.deepEqual(seen, ['directory dir/ 0 0 0', `file ${long} 4 0 0`, 'file blob 5000 0 1234', 'symlink ln 0 150 0'], `chunks of ${size}`);
    assert.ok(Buffer.concat(bytes).equals(tar), `chunks of ${size}`);
  }
});

test('the reader refuses a bad checksum and a truncated stream; looksLikeTar tells tars from other files', async () => {
  const tar = await makeTar([{ name: 'f', content: 'x'.repeat(1000) }]);
  const bad = Buffer.from(tar);
  bad[0] ^= 1;
  await assert.rejects(new TarReader(chunked(bad, 512)).next(), InvalidParameterError);
  const r = new TarReader(chunked(tar.subarray(0, 700), 512));
  const e = await r.next();
  await assert.rejects((async () => { for await (const _ of e?.body ?? []) { /* read */ } })(), /unexpected end of data/);
  assert.equal(looksLikeTar(tar), true);
  assert.equal(looksLikeTar(Buffer.alloc(512, 0x7b)), false);
  // what the commit path encodes reads back the same, PAX where USTAR has no room
  const h = encodeHeader({ name: `${'x'.repeat(200)}`, type: 'file', mode: 0o640, uid: 3_000_000, gid: 5, size: 3, mtime: 1_700_000_000 });
  const back = await new TarReader(chunked(Buffer.concat([h, Buffer.from('abc'), Buffer.alloc(509), Buffer.alloc(1024)]), 64)).next();
  assert.deepEqual([back?.header.name, back?.header.uid, back?.header.mode, back?.header.size, back?.header.mtime.getTime()], ['x'.repeat(200), 3_000_000, 0o640, 3, 1_700_000_000_000]);
});

async function completed(tar: Buffer, chunk: number): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of completeTar(chunked(tar, chunk))) out.push(Buffer.from(c));
  return Buffer.concat(out);
}

async function names(tar: Buffer): Promise<Array<[string, string]>> {
  const r = new TarReader(chunked(tar, 1 << 20));
  const out: Array<[string, string]> = [];
  for (let e = await r.next(); e; e = await r.next()) {
    out.push([e.header.name, Buffer.concat(await r.rest()).toString()]);
    await r.endEntry();
  }
  return out;
}

test('completeTar puts back what a tar may leave out after its last data, never content', async () => {
  const tar = await makeTar([{ name: 'a', content: 'x'.repeat(700) }, { name: 'Dockerfile', content: 'FROM busybox\n' }]);
  const dataEnd = 512 + 1024 + 512 + 'FROM busybox\n'.length; // a's header and data, then Dockerfile's
  for (const chunk of [1, 100, 4096]) {
    // whole: the same bytes, then zeros
    const whole = await completed(tar, chunk);
    assert.ok(whole.subarray(0, tar.length).equals(tar));
    assert.ok(whole.subarray(tar.length).every((b) => b === 0));
    // cut after the last entry's data (the docker CLI's `-f -` context): completed
    const cut = await completed(tar.subarray(0, dataEnd), chunk);
    assert.equal(cut.length % 512, 0);
    assert.deepEqual(await names(cut), [['a', 'x'.repeat(700)], ['Dockerfile', 'FROM busybox\n']]);
    // cut inside content or inside a header: an error, not zeros passed off as content
    await assert.rejects(completed(tar.subarray(0, dataEnd - 3), chunk), InvalidParameterError);
    await assert.rejects(completed(tar.subarray(0, 600), chunk), InvalidParameterError);
    await assert.rejects(completed(tar.subarray(0, 1536 + 100), chunk), InvalidParameterError);
  }
});

