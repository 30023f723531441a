import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DOCKER_DEFAULT_POOLS, allocateAddress, cidrString, formatIPv4, hostRoutes, overlaps, parseAddressPool, parseCidr, parseIPv4, pickSubnet,
} from './ipam';

test('parseCidr clears host bits and rejects nonsense', () => {
  assert.equal(cidrString(parseCidr('10.1.2.3/16')), '10.1.0.0/16');
  assert.equal(cidrString(parseCidr('0.0.0.0/0')), '0.0.0.0/0');
  assert.throws(() => parseCidr('10.1.2/16'), /invalid CIDR address: 10.1.2\/16/);
  assert.throws(() => parseCidr('10.1.2.300/16'), /invalid CIDR/);
  assert.throws(() => parseCidr('10.1.2.3/33'), /invalid CIDR/);
  assert.equal(formatIPv4(parseIPv4('255.254.3.4') as number), '255.254.3.4');
});

test('overlaps compares on the shorter prefix', () => {
  assert.ok(overlaps(parseCidr('172.17.0.0/16'), parseCidr('172.17.5.0/24')));
  assert.ok(overlaps(parseCidr('172.16.0.0/12'), parseCidr('172.17.0.0/16')));
  assert.ok(!overlaps(parseCidr('172.17.0.0/16'), parseCidr('172.18.0.0/16')));
});

test('pickSubnet skips taken ranges, as Docker walks its default pools', () => {
  assert.equal(cidrString(pickSubnet(DOCKER_DEFAULT_POOLS, []) as never), '172.17.0.0/16');
  const taken = [parseCidr('172.17.0.0/16'), parseCidr('172.18.3.0/24')];
  assert.equal(cidrString(pickSubnet(DOCKER_DEFAULT_POOLS, taken) as never), '172.19.0.0/16');
  const pool = parseAddressPool('base=10.9.0.0/16,size=24');
  assert.equal(cidrString(pickSubnet([pool], [parseCidr('10.9.0.0/23')]) as never), '10.9.2.0/24');
  assert.equal(pickSubnet([pool], [parseCidr('10.0.0.0/8')]), null);
  assert.throws(() => parseAddressPool('base=10.9.0.0/16'), /invalid default address pool/);
});

test('allocateAddress skips network, broadcast and used addresses; honours an ip-range', () => {
  const s = parseCidr('10.0.0.0/30');
  const used = new Set([parseIPv4('10.0.0.1') as number]);
  assert.equal(formatIPv4(allocateAddress(s, null, used) as number), '10.0.0.2');
  used.add(parseIPv4('10.0.0.2') as number);
  assert.equal(allocateAddress(s, null, used), null);
  const big = parseCidr('10.0.0.0/24');
  assert.equal(formatIPv4(allocateAddress(big, parseCidr('10.0.0.128/25'), new Set()) as number), '10.0.0.128');
});

test('hostRoutes reads /proc/net/route (little-endian hex), skipping the default route', () => {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'routes-')), 'route');
  writeFileSync(f, [
    'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    'eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0',
    'docker0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
  ].join('\n'));
  assert.deepEqual(hostRoutes(f).map(cidrString), ['172.17.0.0/16']);
});
