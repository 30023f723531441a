/** The CLI's launcher (src/cli/boot.ts): the bundle started with a V8 code cache beside it. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const DIST = path.join(__dirname, '..', '..');
const boot = path.join(DIST, 'src', 'cli', 'boot.js');
const cacheFile = path.join(DIST, 'berth.js.v8cache');

test('boot runs the bundle, caches its code, and a cached start gives the same output', () => {
  const first = execFileSync(process.execPath, [boot, '--version'], { encoding: 'utf8' });
  assert.equal(first, 'Berth version 0.1.0\n');
  const header = readFileSync(cacheFile).toString('latin1').split('\n')[0];
  assert.match(header, /^berth-v8cache v\d+\.\d+\.\d+ \d+ \d+\t/);
  const second = execFileSync(process.execPath, [boot, '--version'], { encoding: 'utf8' });
  assert.equal(second, first);
  const help = execFileSync(process.execPath, [boot, 'run', '--help'], { encoding: 'utf8' });
  assert.match(help, /^Usage: {2}berth run \[OPTIONS\] IMAGE/);
  assert.match(readFileSync(cacheFile).toString('latin1').split('\n')[0], /\t.*\brun\b/);
});
