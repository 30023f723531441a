import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { buildRequest } from './build';

describe('POST /build query', () => {
  it('decodes Docker\'s parameters with their defaults', () => {
    const r = buildRequest(new URLSearchParams('t=a:1&t=b&buildargs=%7B%22K%22%3A%22v%22%2C%22N%22%3Anull%7D&labels=%7B%22l%22%3A%22x%22%7D&q=1&nocache=1&target=t&networkmode=none&extrahosts=h%3A1.2.3.4&dockerfile=sub%2FDockerfile&forcerm=1'));
    assert.deepEqual(r.tags, ['a:1', 'b']);
    assert.deepEqual([...r.buildArgs], [['K', 'v'], ['N', null]]);
    assert.deepEqual(r.labels, { l: 'x' });
    assert.equal(r.quiet, true);
    assert.equal(r.noCache, true);
    assert.equal(r.target, 't');
    assert.equal(r.networkMode, 'none');
    assert.deepEqual(r.extraHosts, ['h:1.2.3.4']);
    assert.equal(r.dockerfile, 'sub/Dockerfile');
    assert.equal(r.rm, true);
    assert.equal(r.forceRm, true);
    assert.deepEqual(r.resources, {});
    const lim = buildRequest(new URLSearchParams('memory=67108864&cpushares=512&shmsize=0&ulimits=%5B%7B%22Name%22%3A%22nofile%22%2C%22Soft%22%3A10%2C%22Hard%22%3A20%7D%5D'));
    assert.deepEqual(lim.resources, { Memory: 67108864, CpuShares: 512, Ulimits: [{ Name: 'nofile', Soft: 10, Hard: 20 }] });
    const d = buildRequest(new URLSearchParams('rm=0'));
    assert.equal(d.rm, false);
    assert.equal(d.dockerfile, '');
    assert.deepEqual(d.tags, []);
  });

  it('refuses buildargs that are not a JSON object', () => {
    assert.throws(() => buildRequest(new URLSearchParams('buildargs=%5B1%5D')), /failed to parse buildargs: not a JSON object/);
    assert.throws(() => buildRequest(new URLSearchParams('labels=%7Bx')), /failed to parse labels/);
  });
});
