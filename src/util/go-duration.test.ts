import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, parseGoDuration as parseDuration } from './go-duration';

describe('Go durations', () => {
  it('parses', () => {
    assert.equal(parseDuration('1m30s'), 90e9);
    assert.equal(parseDuration('500ms'), 500e6);
    assert.equal(parseDuration('2h'), 7200e9);
    assert.equal(parseDuration('1.5h'), 5400e9);
    assert.equal(parseDuration('-3s'), -3e9);
    assert.equal(parseDuration('0'), 0);
    assert.equal(parseDuration('10us'), 10e3);
    assert.equal(parseDuration('1m'), 60e9);
    assert.equal(parseDuration('.5s'), 5e8);
    assert.throws(() => parseDuration('1'), { message: 'time: missing unit in duration "1"' });
    assert.throws(() => parseDuration('1x'), { message: 'time: unknown unit "x" in duration "1x"' });
    assert.throws(() => parseDuration(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseDuration('.s'), { message: 'time: invalid duration ".s"' });
  });
  it('prints like Duration.String', () => {
    assert.equal(formatGoDuration(90e9), '1m30s');
    assert.equal(formatGoDuration(500e6), '500ms');
    assert.equal(formatGoDuration(7200e9), '2h0m0s');
    assert.equal(formatGoDuration(1500), '1.5µs');
    assert.equal(formatGoDuration(1.5e9), '1.5s');
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(-30e9), '-30s');
  });
});
