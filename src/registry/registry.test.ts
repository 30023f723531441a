import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { TokenCache, authorize, parseChallenges } from './auth';
import { parsePlatform, selectManifest } from './platform';
import { RegistryTransport } from './transport';

describe('registry auth', () => {
  it('parses Bearer and Basic challenges', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/busybox:pull' } },
    ]);
    assert.deepEqual(parseChallenges('Basic realm="basic-realm"'), [{ scheme: 'basic', params: { realm: 'basic-realm' } }]);
  });

  it('asks the realm once per scope set, with basic credentials, and caches the token', async () => {
    const calls: string[] = [];
    const fetchToken = async (url: string, init: { headers: Record<string, string> }) => {
      calls.push(`${url} ${init.headers.Authorization ?? ''}`);
      return { status: 200, json: { token: `t${calls.length}`, expires_in: 300 }, text: '' };
    };
    const cache = new TokenCache();
    const ch = parseChallenges('Bearer realm="http://h/token",service="reg"')[0];
    const creds = { username: 'u', password: 'p' };
    const [a, b] = await Promise.all([
      authorize(ch, creds, ['repository:a:pull'], cache, fetchToken),
      authorize(ch, creds, ['repository:a:pull'], cache, fetchToken),
    ]);
    assert.equal(a, 'Bearer t1');
    assert.equal(b, 'Bearer t1');
    assert.equal(await authorize(ch, creds, ['repository:b:pull,push'], cache, fetchToken), 'Bearer t2');
    assert.equal(calls.length, 2);
    assert.equal(calls[0], `http://h/token?service=reg&scope=repository%3Aa%3Apull&account=u Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it('basic challenges send the credentials; none is an error in Docker\'s words', async () => {
    const ch = parseChallenges('Basic realm="r"')[0];
    const never = async () => { throw new Error('no token for basic'); };
    assert.equal(await authorize(ch, { username: 'a', password: 'b' }, [], new TokenCache(), never), `Basic ${Buffer.from('a:b').toString('base64')}`);
    await assert.rejects(authorize(ch, {}, [], new TokenCache(), never), /no basic auth credentials/);
  });

  it('a refused login says unauthorized', async () => {
    const ch = parseChallenges('Bearer realm="http://h/token",service="reg"')[0];
    const refuse = async () => ({ status: 401, json: { details: 'incorrect username or password' }, text: '' });
    await assert.rejects(authorize(ch, { username: 'u', password: 'x' }, [], new TokenCache(), refuse), /unauthorized: incorrect username or password/);
  });
});

describe('registry platforms', () => {
  const m = (architecture: string, variant?: string) => ({ mediaType: 'x', digest: `sha256:${architecture}${variant ?? ''}`, size: 1, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } });
  it('normalises platform strings as containerd does', () => {
    assert.deepEqual(parsePlatform('linux/x86_64'), { os: 'linux', architecture: 'amd64' });
    assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' });
    assert.deepEqual(parsePlatform('linux/arm'), { os: 'linux', architecture: 'arm', variant: 'v7' });
  });
  it('picks the entry of the wanted platform, an exact variant first', () => {
    const list = [m('arm', 'v6'), m('arm', 'v7'), m('amd64'), m('arm64', 'v8')];
    assert.equal(selectManifest(list, parsePlatform('linux/amd64'))?.digest, 'sha256:amd64');
    assert.equal(selectManifest(list, parsePlatform('linux/arm/v7'))?.digest, 'sha256:armv7');
    assert.equal(selectManifest(list, parsePlatform('linux/arm64'))?.digest, 'sha256:arm64v8');
    assert.equal(selectManifest([m('arm64')], parsePlatform('linux/amd64')), null);
  });
});

describe('registry transport', () => {
  const t = new RegistryTransport({ certsDir: '/nonexistent', insecure: ['10.0.0.0/8', 'myreg:5000'], mirrors: ['https://mirror.example'] });
  it('loopback, --insecure-registry hosts and CIDRs may use http; others only https', () => {
    for (const d of ['localhost:5000', '127.0.0.1:5000', '127.1.2.3', 'myreg:5000', '10.1.2.3:443']) assert.ok(t.isInsecure(d), d);
    for (const d of ['registry.example.com', 'myreg:5001', '11.0.0.1:5000']) assert.ok(!t.isInsecure(d), d);
    assert.equal(t.endpoints('127.0.0.1:5000')[0].fallback?.base, 'http://127.0.0.1:5000');
    assert.equal(t.endpoints('registry.example.com')[0].fallback, undefined);
  });
  it('docker.io goes to its mirrors first', () => {
    assert.deepEqual(t.endpoints('docker.io').map((e) => e.base), ['https://mirror.example', 'https://registry-1.docker.io']);
    assert.equal(t.searchEndpoint().base, 'https://index.docker.io');
    t.close();
  });
  it('--default-registry replaces Docker Hub for docker.io, search included', () => {
    const own = new RegistryTransport({ certsDir: '/nonexistent', insecure: [], mirrors: [], defaultRegistry: 'http://127.0.0.1:1' });
    assert.deepEqual(own.endpoints('docker.io').map((e) => e.base), ['http://127.0.0.1:1']);
    assert.deepEqual(own.endpoints('docker.io', false).map((e) => e.base), ['http://127.0.0.1:1']);
    assert.equal(own.searchEndpoint().base, 'http://127.0.0.1:1');
    own.close();
  });
});
