import { test } from 'node:test';
import assert from 'node:assert/strict';
import { historyRows, renderHistory, rfc3339Local } from './history';

const NOW = Date.parse('2026-01-10T00:00:00Z');
const ITEMS = [
  { Id: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', Created: NOW / 1000 - 7200, CreatedBy: 'sh -c echo 0123456789 > /f; echo abcdefghijklmnopqrstuvwxyz >> /f', Tags: ['a:1'], Size: 38, Comment: 'msg' },
  { Id: '<missing>', Created: NOW / 1000 - 86400 * 3, CreatedBy: '/bin/sh -c #(nop)\tCMD ["sh"]', Tags: null, Size: 1982767, Comment: '' },
];

test('history rows: 12-char IDs, <missing> kept, CREATED BY cut at 45 with …, tabs as spaces, human sizes', () => {
  const rows = historyRows(ITEMS, { human: true, noTrunc: false, quiet: false }, NOW);
  assert.deepEqual(rows.map((r) => [r.ID, r.CreatedSince, r.CreatedBy, r.Size]), [
    ['0123456789ab', '2 hours ago', 'sh -c echo 0123456789 > /f; echo abcdefghijk…', '38B'],
    ['<missing>', '3 days ago', '/bin/sh -c #(nop) CMD ["sh"]', '1.98MB'],
  ]);
  assert.equal([...rows[0].CreatedBy].length, 45);
});

test('history table, -q, -H=false and --no-trunc as docker prints them', () => {
  assert.equal(renderHistory(ITEMS, { human: true, noTrunc: false, quiet: true }, NOW), '0123456789ab\n<missing>\n');
  const table = renderHistory(ITEMS, { human: true, noTrunc: false, quiet: false }, NOW).split('\n');
  assert.equal(table[0], 'IMAGE          CREATED       CREATED BY                                      SIZE      COMMENT');
  const raw = renderHistory(ITEMS, { human: false, noTrunc: true, quiet: false }, NOW).split('\n');
  assert.match(raw[0], /^IMAGE\s+CREATED AT\s+CREATED BY\s+SIZE\s+COMMENT$/);
  assert.ok(raw[1].startsWith(`${ITEMS[0].Id}   ${rfc3339Local(ITEMS[0].Created)}   ${ITEMS[0].CreatedBy}   38 `), raw[1]);
  assert.equal(renderHistory(ITEMS, { human: true, noTrunc: false, quiet: false, format: '{{.ID}} {{.Size}}' }, NOW), '0123456789ab 38B\n<missing> 1.98MB\n');
});

test('RFC 3339 in the local zone, Z for UTC', () => {
  assert.match(rfc3339Local(0), /^19(70|69)-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
});
