import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memSwapBytes, parseCpus } from './sizes';

test('--memory-swap: a size or -1', () => {
  assert.equal(memSwapBytes('-1'), -1);
  assert.equal(memSwapBytes('64m'), 67108864);
  assert.throws(() => memSwapBytes('xx'), /invalid size: 'xx'/);
});

test('--cpus to NanoCpus', () => {
  assert.equal(parseCpus('1.5'), 1500000000);
  assert.equal(parseCpus('0.25'), 250000000);
  assert.throws(() => parseCpus('x'), /failed to parse x as a rational number/);
});
