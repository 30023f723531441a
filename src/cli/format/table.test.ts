import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FormatError, formatItems, formatOne, templateText } from './table';

const header = { ID: 'CONTAINER ID', Image: 'IMAGE', Names: 'NAMES', Current: 'CURRENT' };
const items = [{ ID: '4f2a1c3b9d8e', Image: 'busybox', Names: 'web' }, { ID: 'b7', Image: 'alpine:3.10', Names: 'db' }];

describe('docker formatter', () => {
  it('renders a table with a header from the labels', () => {
    assert.equal(formatItems('table {{.ID}}\\t{{.Image}}\\t{{.Names}}', items, { header }),
      'CONTAINER ID   IMAGE         NAMES\n4f2a1c3b9d8e   busybox       web\nb7             alpine:3.10   db\n');
  });
  it('prints only the header for no items', () => {
    assert.equal(formatItems('table {{.ID}}\t{{.Names}}', [], { header }), 'CONTAINER ID   NAMES\n');
  });
  it('keeps header functions from changing labels', () => {
    assert.equal(formatItems('table {{lower .Names}}\t{{json .Image}}', items.slice(0, 1), { header }), 'NAMES     IMAGE\nweb       "busybox"\n');
  });
  it('keeps the header written before a header error, as docker does', () => {
    // docker context ls --format 'table {{.Name}}\t{{json .Current}}' prints "NAME      " as header.
    assert.equal(formatItems('table {{.ID}}\t{{json .Missing}}', [], { header }), 'CONTAINER ID   \n');
  });
  it('uses the default table format for a bare "table"', () => {
    assert.equal(formatItems('table', items.slice(0, 1), { header, defaultTableFormat: 'table {{.ID}}\t{{.Names}}' }),
      'CONTAINER ID   NAMES\n4f2a1c3b9d8e   web\n');
  });
  it('prints one line per item for plain templates and json', () => {
    assert.equal(formatItems('{{.ID}}: {{.Names}}', items), '4f2a1c3b9d8e: web\nb7: db\n');
    assert.equal(formatItems('json', items.slice(0, 1)), '{"ID":"4f2a1c3b9d8e","Image":"busybox","Names":"web"}\n');
    assert.equal(formatItems('{{json .}}', items.slice(1)), '{"ID":"b7","Image":"alpine:3.10","Names":"db"}\n');
  });
  it('rewrites \\t and \\n and trims spaces like preFormat', () => {
    assert.equal(templateText('table  {{.A}}\\t{{.B}}\\n '), '{{.A}}\t{{.B}}\n');
    assert.equal(templateText(' json'), 'json');
  });
  it('wraps errors as docker does', () => {
    assert.throws(() => formatItems('{{foo}}', items), (e: unknown) => e instanceof FormatError
      && e.message === 'template parsing error: template: :1: function "foo" not defined');
    assert.throws(() => formatItems('{{.ID.X}}', items), {
      message: 'template parsing error: template: :1:5: executing "" at <.ID.X>: can\'t evaluate field X in type string',
    });
  });
  it('formats one value for inspect', () => {
    assert.equal(formatOne('{{.State.Status}} {{index .Config.Labels "com.x"}}', { State: { Status: 'exited' }, Config: { Labels: { 'com.x': 'y' } } }), 'exited y');
    assert.equal(formatOne('[{{index .Config.Labels "a"}}]', { Config: { Labels: null } }), '[]');
  });
});
