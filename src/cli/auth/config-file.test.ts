import { after, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authHeaderFor } from './config-file';

describe('X-Registry-Auth for an image name', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'berth-config-'));
  const saved = process.env.BERTH_CONFIG;
  process.env.BERTH_CONFIG = dir;
  const basic = (u: string): string => Buffer.from(`${u}:pw`).toString('base64');
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    auths: { '127.0.0.1:5000': { auth: basic('local') }, 'https://index.docker.io/v1/': { auth: basic('hub') } },
  }));
  after(() => {
    if (saved === undefined) delete process.env.BERTH_CONFIG;
    else process.env.BERTH_CONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  });
  const user = (name: string): unknown => (JSON.parse(Buffer.from(authHeaderFor(name), 'base64url').toString()) as { username?: string }).username;

  it('sends the credentials of the registry the name lives on, as Docker splits names', () => {
    assert.equal(user('127.0.0.1:5000/pepito/mi_app:v1'), 'local');
    assert.equal(user('busybox'), 'hub');
    assert.equal(user('user/app@sha256:0000000000000000000000000000000000000000000000000000000000000000'), 'hub');
    assert.equal(user('index.docker.io/library/busybox'), 'hub');
    assert.equal(user('localhost/app'), undefined);
  });
  it('a name it cannot parse gets no credentials (the daemon says what is wrong)', () => {
    assert.equal(authHeaderFor('UPPER'), Buffer.from('{}').toString('base64url'));
  });
});
