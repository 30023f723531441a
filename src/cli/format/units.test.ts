import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bytesSize, containerStatus, fromHumanSize, goTimeString, humanDuration, humanSize, humanSize4,
  ramInBytes, timeAgo,
} from './units';

const s = 1000; const min = 60 * s; const hour = 60 * min; const day = 24 * hour;
const week = 7 * day; const month = 30 * day; const year = 365 * day;

describe('humanDuration (go-units thresholds)', () => {
  const cases: Array<[number, string]> = [
    [450, 'Less than a second'], [1 * s, '1 second'], [59 * s, '59 seconds'], [60 * s, 'About a minute'],
    [89 * s, 'About a minute'], [90 * s, 'About a minute'], [119 * s, 'About a minute'], [120 * s, '2 minutes'],
    [3 * min, '3 minutes'], [35 * min + 40 * s, '35 minutes'], [59 * min, '59 minutes'], [hour, 'About an hour'],
    [hour + 29 * min, 'About an hour'], [hour + 31 * min, '2 hours'], [3 * hour + 59 * min, '4 hours'],
    [day, '24 hours'], [day + 12 * hour, '36 hours'], [2 * day, '2 days'], [13 * day + 5 * hour, '13 days'],
    [2 * week, '2 weeks'], [3 * week, '3 weeks'], [month, '4 weeks'], [month + 2 * week, '6 weeks'],
    [2 * month, '2 months'], [5 * month + 2 * week, '5 months'], [24 * month, '24 months'],
    [24 * month + 2 * week, '2 years'], [3 * year + 2 * month, '3 years'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(humanDuration(ms), want));
  it('says "ago" for created times', () => assert.equal(timeAgo(1_700_000_000, 1_700_000_000_000 + 3 * min), '3 minutes ago'));
});

describe('containerStatus (daemon State.String)', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  const ago = (ms: number): string => new Date(now - ms).toISOString();
  const zero = '0001-01-01T00:00:00Z';
  it('covers every state', () => {
    assert.equal(containerStatus({ Running: true, StartedAt: ago(3 * s) }, now), 'Up 3 seconds');
    assert.equal(containerStatus({ Running: true, Paused: true, StartedAt: ago(2 * min) }, now), 'Up 2 minutes (Paused)');
    assert.equal(containerStatus({ Running: true, StartedAt: ago(5 * s), Health: { Status: 'healthy' } }, now), 'Up 5 seconds (healthy)');
    assert.equal(containerStatus({ Running: true, StartedAt: ago(5 * s), Health: { Status: 'starting' } }, now), 'Up 5 seconds (health: starting)');
    assert.equal(containerStatus({ Running: false, ExitCode: 3, StartedAt: ago(min), FinishedAt: ago(2 * s) }, now), 'Exited (3) 2 seconds ago');
    assert.equal(containerStatus({ StartedAt: zero, FinishedAt: zero }, now), 'Created');
    assert.equal(containerStatus({ Running: true, Restarting: true, ExitCode: 1, StartedAt: ago(min), FinishedAt: ago(5 * s) }, now), 'Restarting (1) 5 seconds ago');
    assert.equal(containerStatus({ Status: 'removing', StartedAt: ago(min) }, now), 'Removal In Progress');
    assert.equal(containerStatus({ Dead: true, StartedAt: ago(min) }, now), 'Dead');
  });
});

describe('sizes', () => {
  it('humanSize: decimal, 3 significant digits', () => {
    assert.equal(humanSize(0), '0B');
    assert.equal(humanSize(1000), '1kB');
    assert.equal(humanSize(1024), '1.02kB');
    assert.equal(humanSize(1200), '1.2kB');
    assert.equal(humanSize(4860000), '4.86MB');
    assert.equal(humanSize(999), '999B');
    assert.equal(humanSize4(2746000), '2.746MB');
  });
  it('bytesSize: binary, 4 significant digits', () => {
    assert.equal(bytesSize(1536000), '1.465MiB');
    assert.equal(bytesSize(8327000000), '7.755GiB');
    assert.equal(bytesSize(1023), '1023B');
    assert.equal(bytesSize(1024), '1KiB');
  });
  it('parses sizes like RAMInBytes and FromHumanSize', () => {
    assert.equal(ramInBytes('32m'), 32 * 2 ** 20);
    assert.equal(ramInBytes('1g'), 2 ** 30);
    assert.equal(ramInBytes('512k'), 512 * 1024);
    assert.equal(ramInBytes('1.5GB'), 1.5 * 2 ** 30);
    assert.equal(ramInBytes('10 MiB'), 10 * 2 ** 20);
    assert.equal(ramInBytes('100'), 100);
    assert.equal(fromHumanSize('44kB'), 44000);
    assert.throws(() => ramInBytes('abc'), { message: "invalid size: 'abc'" });
    assert.throws(() => ramInBytes('1x'), { message: "invalid suffix: 'x'" });
    assert.throws(() => ramInBytes('1mbb'), { message: "invalid suffix: 'mbb'" });
    assert.throws(() => ramInBytes('-1m'), { message: "invalid size: '-1m'" });
  });
});

describe('Go times', () => {
  it('prints times like time.Time.String', () => {
    const want = process.env.TZ === undefined || process.env.TZ === 'UTC' ? '2023-11-14 22:13:20 +0000 UTC' : null;
    if (want && new Date().getTimezoneOffset() === 0) assert.equal(goTimeString(1_700_000_000), want);
    assert.match(goTimeString(1_700_000_000), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} \S+$/);
  });
});
