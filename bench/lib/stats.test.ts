import { test } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, ratio, summarize, table } from './stats';

test('median of odd and even counts, independent of order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('p90 is the nearest rank', () => {
  const ten = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
  assert.equal(percentile(ten, 90), 9);
  assert.equal(percentile(ten, 100), 10);
  assert.equal(percentile([7], 90), 7);
  assert.equal(summarize([3, 1, 2]).min, 1);
  assert.equal(summarize([3, 1, 2]).max, 3);
});

test('ratio says n/a when a side is missing', () => {
  assert.equal(ratio(95, 190), '0.50x');
  assert.equal(ratio(95, NaN), 'n/a');
  assert.equal(ratio(95, 0), 'n/a');
});

test('table aligns columns', () => {
  const t = table(['engine', 'ms'], [['berth', '9.5'], ['dockerd', '190.0']]).split('\n');
  assert.deepEqual(t, ['engine      ms', '-------  -----', 'berth      9.5', 'dockerd  190.0']);
  const l = table(['a', 'b', 'note'], [['x', '1', 'long note'], ['yy', '22', 'n']], [2]).split('\n');
  assert.deepEqual(l, ['a    b  note', '--  --  ---------', 'x    1  long note', 'yy  22  n']);
});
