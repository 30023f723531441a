import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import type { BuildMessage } from '../../api-types';
import { OrderedOutput, shortId } from './output';

describe('OrderedOutput', () => {
  it('streams the first stage live and holds later ones until the earlier are done', () => {
    const seen: string[] = [];
    const o = new OrderedOutput([0, 2, 3], (m: BuildMessage) => seen.push(m.stream ?? ''));
    o.write(2, { stream: 'b1' });
    o.write(0, { stream: 'a1' });
    o.write(3, { stream: 'c1' });
    assert.deepEqual(seen, ['a1']);
    o.done(3); // finished early: waits for 2
    assert.deepEqual(seen, ['a1']);
    o.done(0);
    assert.deepEqual(seen, ['a1', 'b1']);
    o.write(2, { stream: 'b2' });
    assert.deepEqual(seen, ['a1', 'b1', 'b2']);
    o.done(2);
    assert.deepEqual(seen, ['a1', 'b1', 'b2', 'c1']);
  });

  it('flush emits whatever is held, in stage order', () => {
    const seen: string[] = [];
    const o = new OrderedOutput([0, 1, 2], (m: BuildMessage) => seen.push(m.stream ?? ''));
    o.write(2, { stream: 'z' });
    o.write(1, { stream: 'y' });
    o.flush();
    assert.deepEqual(seen, ['y', 'z']);
  });

  it('shortId strips the algorithm and keeps 12 characters', () => {
    assert.equal(shortId('sha256:0123456789abcdef0123'), '0123456789ab');
    assert.equal(shortId('fedcba9876543210'), 'fedcba987654');
  });
});
