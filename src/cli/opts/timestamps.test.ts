import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toApiTime } from './timestamps';

test('durations are relative to now', () => {
  const now = 1_700_000_000_000;
  assert.equal(toApiTime('0s', now), '1700000000.000000000');
  assert.equal(toApiTime('1m', now), '1699999940.000000000');
});

test('unix timestamps pass through; RFC 3339 keeps nanoseconds', () => {
  assert.equal(toApiTime('1700000000.5', 0), '1700000000.5');
  assert.equal(toApiTime('2023-11-14T22:13:20.123456789Z', 0), '1700000000.123456789');
  assert.equal(toApiTime('2023-11-14', 0), '1699920000.000000000');
  assert.throws(() => toApiTime('yesterday', 0), /failed to parse value as time or duration/);
});
