import { test } from 'node:test';
import assert from 'node:assert/strict';
import { boolParam, filtersParam, intParam, listParam, parseFilters, timestampParam } from './query';
import { InvalidParameterError } from '../util/errors';

const q = (s: string): URLSearchParams => new URLSearchParams(s);

test('booleans as dockerd reads them', () => {
  for (const v of ['1', 'true', 'True', 'TRUE', 'yes', 'anything']) assert.equal(boolParam(q(`a=${v}`), 'a'), true, v);
  for (const v of ['', '0', 'false', 'False', 'no', 'none', ' 0 ']) assert.equal(boolParam(q(`a=${encodeURIComponent(v)}`), 'a'), false, v);
  assert.equal(boolParam(q(''), 'a'), false);
  assert.equal(boolParam(q(''), 'stream', true), true);
  assert.equal(boolParam(q('stream=0'), 'stream', true), false);
});

test('integers: default when absent, 400 when not a number', () => {
  assert.equal(intParam(q('t=10'), 't'), 10);
  assert.equal(intParam(q('t=-1'), 't'), -1);
  assert.equal(intParam(q(''), 't'), undefined);
  assert.equal(intParam(q('limit='), 'limit', -1), -1);
  assert.throws(() => intParam(q('t=ten'), 't'), InvalidParameterError);
  assert.throws(() => intParam(q('t=1.5'), 't'), /invalid value for t/);
});

test('repeated parameters', () => {
  assert.deepEqual(listParam(q('changes=CMD%20%5B%22sh%22%5D&changes=ENV%20A%3Db'), 'changes'), ['CMD ["sh"]', 'ENV A=b']);
  assert.deepEqual(listParam(q(''), 'changes'), []);
});

test('filters in the list form and the legacy map form', () => {
  assert.deepEqual(parseFilters('{"type":["container"],"label":["a=b","c"]}'), { type: ['container'], label: ['a=b', 'c'] });
  assert.deepEqual(parseFilters('{"type":{"container":true,"image":false},"event":{"start":true}}'), { type: ['container'], event: ['start'] });
  assert.deepEqual(filtersParam(q('filters=' + encodeURIComponent('{"status":{"exited":true}}'))), { status: ['exited'] });
  assert.deepEqual(parseFilters(''), {});
  assert.deepEqual(parseFilters(null), {});
  assert.throws(() => parseFilters('{"type":'), InvalidParameterError);
  assert.throws(() => parseFilters('[1]'), InvalidParameterError);
});

test('timestamps: seconds with nanos, RFC 3339, default', () => {
  assert.equal(timestampParam(q('since=1700000000'), 'since'), 1700000000);
  assert.equal(timestampParam(q('since=1700000000.500000000'), 'since'), 1700000000.5);
  assert.equal(timestampParam(q('since=2023-11-14T22:13:20Z'), 'since'), 1700000000);
  assert.equal(timestampParam(q(''), 'since', 0), 0);
  assert.throws(() => timestampParam(q('since=yesterday'), 'since'), InvalidParameterError);
});
