import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGoDuration, goQuote, goQuoteSlice, goSlice, parseGoDuration } from './go-format';

test('goQuote is strconv.Quote', () => {
  assert.equal(goQuote('sh'), '"sh"');
  assert.equal(goQuote('a "b" \\ c'), '"a \\"b\\" \\\\ c"');
  assert.equal(goQuote('tab\tnl\n'), '"tab\\tnl\\n"');
  assert.equal(goQuote('\x01\x7f'), '"\\x01\\x7f"');
  assert.equal(goQuote('héllo 世界'), '"héllo 世界"');
  assert.equal(goQuoteSlice(['/bin/sh', '-c', 'echo "x"']), '["/bin/sh" "-c" "echo \\"x\\""]');
  assert.equal(goQuoteSlice(null), '[]');
  assert.equal(goSlice(['/a', '/b']), '[/a /b]');
});

test('Go durations both ways', () => {
  const cases: [string, number, string][] = [
    ['5m', 300e9, '5m0s'], ['3s', 3e9, '3s'], ['1m30s', 90e9, '1m30s'], ['1.5h', 5400e9, '1h30m0s'],
    ['500ms', 5e8, '500ms'], ['10us', 1e4, '10µs'], ['2h45m', 9900e9, '2h45m0s'], ['0', 0, '0s'], ['1ns', 1, '1ns'],
  ];
  for (const [s, ns, back] of cases) {
    assert.equal(parseGoDuration(s), ns, s);
    assert.equal(formatGoDuration(ns), back, s);
  }
  assert.throws(() => parseGoDuration('5'), { message: 'time: missing unit in duration "5"' });
  assert.throws(() => parseGoDuration('5x'), { message: 'time: unknown unit "x" in duration "5x"' });
  assert.throws(() => parseGoDuration(''), { message: 'time: invalid duration ""' });
});
