import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memSwapBytes, parseCpus, parseGoDuration, ramInBytes } from './sizes';

test('ramInBytes uses binary multiples', () => {
  assert.equal(ramInBytes('32m'), 33554432);
  assert.equal(ramInBytes('1g'), 1073741824);
  assert.equal(ramInBytes('512k'), 524288);
  assert.equal(ramInBytes('100'), 100);
  assert.equal(ramInBytes('1.5KB'), 1536);
  assert.throws(() => ramInBytes('xx'), /invalid size: 'xx'/);
  assert.equal(memSwapBytes('-1'), -1);
});

test('--cpus to NanoCpus', () => {
  assert.equal(parseCpus('1.5'), 1500000000);
  assert.equal(parseCpus('0.25'), 250000000);
  assert.throws(() => parseCpus('x'), /failed to parse x as a rational number/);
});

test('Go durations in nanoseconds', () => {
  assert.equal(parseGoDuration('1m'), 60e9);
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('500ms'), 5e8);
  assert.equal(parseGoDuration('0s'), 0);
  assert.equal(parseGoDuration('0'), 0);
  assert.equal(parseGoDuration('1.5h'), 5400e9);
  assert.throws(() => parseGoDuration('10'), /missing unit/);
  assert.throws(() => parseGoDuration('abc'), /time: invalid duration "abc"/);
});
