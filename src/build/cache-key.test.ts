import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cacheKey, hashStringSlice, pathChecksum, sourceHash } from './cache-key';

const base = { Env: ['PATH=/bin'], Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=1'] };

test('the key changes with the parent, the step text, the env, labels; not with key order', () => {
  const k = cacheKey('sha256:p', base);
  assert.match(k, /^[0-9a-f]{64}$/);
  assert.equal(cacheKey('sha256:p', { ...base }), k);
  assert.notEqual(cacheKey('sha256:q', base), k);
  assert.notEqual(cacheKey('sha256:p', { ...base, Cmd: ['/bin/sh', '-c', '#(nop) ', 'ENV A=2'] }), k);
  assert.notEqual(cacheKey('sha256:p', { ...base, Env: ['PATH=/bin', 'X=1'] }), k);
  // build args in use are part of RUN's Cmd (`|1 A=b ...`)
  const run = { Env: [], Cmd: ['|1', 'A=b', '/bin/sh', '-c', 'make'] };
  assert.notEqual(cacheKey('p', run), cacheKey('p', { ...run, Cmd: ['|1', 'A=c', '/bin/sh', '-c', 'make'] }));
  const l1 = cacheKey('p', { ...base, Labels: { a: '1', b: '2' }, ExposedPorts: { '80/tcp': {}, '53/udp': {} } });
  const l2 = cacheKey('p', { ...base, Labels: { b: '2', a: '1' }, ExposedPorts: { '53/udp': {}, '80/tcp': {} } });
  assert.equal(l1, l2);
  assert.notEqual(cacheKey('p', base, 'linux/arm64'), cacheKey('p', base));
});

test('source checksums: content and metadata count, mtime does not, links are not followed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sum-'));
  try {
    fs.mkdirSync(path.join(dir, 'app'));
    fs.writeFileSync(path.join(dir, 'app', 'a.py'), 'print(1)');
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    fs.symlinkSync('/etc/passwd', path.join(dir, 'link'));
    const f1 = await pathChecksum(dir, 'f');
    assert.match(f1, /^file:[0-9a-f]{64}$/);
    fs.utimesSync(path.join(dir, 'f'), new Date(1000), new Date(1000));
    assert.equal(await pathChecksum(dir, 'f'), f1);
    fs.chmodSync(path.join(dir, 'f'), 0o600);
    assert.notEqual(await pathChecksum(dir, 'f'), f1);
    const d1 = await pathChecksum(dir, 'app');
    assert.match(d1, /^dir:[0-9a-f]{64}$/);
    fs.writeFileSync(path.join(dir, 'app', 'a.py'), 'print(2)');
    const d2 = await pathChecksum(dir, 'app');
    assert.notEqual(d2, d1);
    fs.writeFileSync(path.join(dir, 'app', 'b.py'), '');
    assert.notEqual(await pathChecksum(dir, 'app'), d2);
    const l = await pathChecksum(dir, 'link');
    fs.rmSync(path.join(dir, 'link'));
    fs.symlinkSync('/etc/hosts', path.join(dir, 'link'));
    assert.notEqual(await pathChecksum(dir, 'link'), l);
    assert.equal(sourceHash([f1]), f1);
    assert.equal(sourceHash([f1, d1]), hashStringSlice('multi', [f1, d1]));
    assert.match(sourceHash([f1, d1]), /^multi:[0-9a-f]{64}$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
