import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capsFromMask, capsToMask, containerCapabilities, DEFAULT_CAPABILITIES } from './capabilities';
import { fakeHost } from './test-spec';
import { parseBoundingCaps } from './host-facts';

const bounding = fakeHost().boundingCaps;
const caps = (capAdd: string[], capDrop: string[], privileged = false): string[] =>
  containerCapabilities({ privileged, capAdd, capDrop, boundingCaps: bounding });

test("Docker's default capability set is CapEff 00000000a80425fb", () => {
  assert.equal(capsToMask(DEFAULT_CAPABILITIES), '00000000a80425fb');
  assert.equal(capsToMask(caps([], [])), '00000000a80425fb');
});

test('masks decode back to names; the bounding set 000001fffeffffff lacks CAP_SYS_RESOURCE', () => {
  assert.deepEqual(capsFromMask('00000000a80425fb').sort(), [...DEFAULT_CAPABILITIES].sort());
  const host = parseBoundingCaps('Name:\tx\nCapBnd:\t000001fffeffffff\n');
  assert.equal(host.length, 40);
  assert.ok(!host.includes('CAP_SYS_RESOURCE'));
  assert.ok(host.includes('CAP_SYS_MODULE'));
  assert.ok(host.includes('CAP_CHECKPOINT_RESTORE'));
});

test('cap-add and cap-drop accept any case, with or without CAP_', () => {
  const c = caps(['net_admin', 'CAP_SYS_PTRACE'], ['chown', 'Cap_Kill']);
  assert.ok(c.includes('CAP_NET_ADMIN') && c.includes('CAP_SYS_PTRACE'));
  assert.ok(!c.includes('CAP_CHOWN') && !c.includes('CAP_KILL'));
  assert.equal(c.length, DEFAULT_CAPABILITIES.length);
});

test('cap-drop ALL keeps only the added caps; cap-add ALL grants the bounding set minus drops', () => {
  assert.deepEqual(caps(['NET_BIND_SERVICE'], ['ALL']), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(caps([], ['all']), []);
  const all = caps(['ALL'], ['NET_ADMIN']);
  assert.equal(all.length, bounding.length - 1);
  assert.ok(!all.includes('CAP_NET_ADMIN') && !all.includes('CAP_SYS_RESOURCE'));
});

test('unknown capability is refused in Docker words', () => {
  assert.throws(() => caps(['BOGUS'], []), (e: Error & { status?: number }) => e.message === 'unknown capability: "CAP_BOGUS"' && e.status === 400);
  assert.throws(() => caps([], ['cap_nope']), /unknown capability: "CAP_NOPE"/);
});

test('a cap the daemon lacks cannot be added; privileged gets exactly the bounding set', () => {
  assert.throws(() => caps(['SYS_RESOURCE'], []), /CAP_SYS_RESOURCE is not in the daemon's bounding set/);
  assert.deepEqual(caps([], [], true), bounding);
  const small = containerCapabilities({ privileged: true, capAdd: [], capDrop: [], boundingCaps: ['CAP_CHOWN', 'CAP_KILL'] });
  assert.deepEqual(small, ['CAP_CHOWN', 'CAP_KILL']);
});
