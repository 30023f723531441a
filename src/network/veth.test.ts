import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { batchSafe, linkExists, macFor } from './veth';

test('macFor gives Docker\'s 02:42 MAC of an IPv4 address', () => {
  assert.equal(macFor('172.17.0.2'), '02:42:ac:11:00:02');
  assert.equal(macFor('10.255.3.200'), '02:42:0a:ff:03:c8');
});

test('batchSafe refuses words ip -batch would split or quote', () => {
  assert.ok(batchSafe('/run/berth/netns/abc', 'berth0', 'eth0'));
  assert.ok(!batchSafe('/tmp/with space/ns'));
  assert.ok(!batchSafe('a"b'));
  assert.ok(!batchSafe(''));
});

test('linkExists looks only at plain interface names', () => {
  assert.ok(linkExists('lo'));
  assert.ok(!linkExists('../lo'));
  assert.ok(!linkExists('no-such-link0'));
});
