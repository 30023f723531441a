import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { deviceMajor, deviceMinor } from './device-number';

/** glibc's gnu_dev_makedev */
function makedev(major: bigint, minor: bigint): bigint {
  return ((major & 0xfffn) << 8n) | ((major & ~0xfffn) << 32n) | (minor & 0xffn) | ((minor & ~0xffn) << 12n);
}

test('device numbers decode as glibc does, from a number or a bigint', () => {
  assert.deepEqual([deviceMajor(0x801), deviceMinor(0x801)], [8, 1]);
  const big = makedev(0x1234n, 0x56789n);
  assert.deepEqual([deviceMajor(big), deviceMinor(big)], [0x1234, 0x56789]);
  assert.deepEqual([deviceMajor(Number(big)), deviceMinor(Number(big))], [0x1234, 0x56789]);
});
