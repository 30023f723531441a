/**
 * Smoke set for the real docker CLI 28 against berthd: version, info, run --rm hello-world,
 * ps --format and images, as a Docker user would first try them.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { useDaemon } from '../e2e/support/daemon';
import { describeResult } from '../e2e/support/cli';

const T = { timeout: 120000 };

describe('docker CLI smoke', () => {
  const daemon = useDaemon('compat-docker-cli');

  it('docker version shows a Server section with API version 1.41', T, async () => {
    const r = await daemon().docker(['version']);
    assert.equal(r.code, 0, describeResult(r));
    const server = r.stdout.split(/^Server:/m)[1];
    assert.ok(server, `a Server section: ${r.stdout}`);
    assert.match(server, /^\s+API version:\s+1\.41\b/m);
    assert.match(server, /^\s+Version:\s+\S+/m);
    assert.match(r.stdout, /^Client:/m);
    const api = await daemon().docker(['version', '--format', '{{.Server.APIVersion}}']);
    assert.equal(api.stdout, '1.41\n', describeResult(api));
  });

  it('docker info answers with the daemon\'s counts', T, async () => {
    const r = await daemon().docker(['info']);
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /^Server:/m);
    assert.match(r.stdout, /^\s+Containers: \d+/m);
    assert.match(r.stdout, /^\s+Images: \d+/m);
    assert.match(r.stdout, /^\s+Server Version: \S+/m);
    assert.match(r.stdout, /^\s+Operating System: /m);
    assert.doesNotMatch(r.stderr, /error/i, r.stderr);
    const images = await daemon().docker(['info', '--format', '{{.Images}}']);
    assert.ok(Number(images.stdout.trim()) >= 2, `at least busybox and hello-world: ${describeResult(images)}`);
  });

  it('docker run --rm hello-world prints its greeting and leaves no container', T, async () => {
    const r = await daemon().docker(['run', '--rm', 'hello-world']);
    assert.equal(r.code, 0, describeResult(r));
    // the offline stand-in image greets as berth's (scripts/base-images.sh); Docker's says "Hello from Docker!"
    assert.match(r.stdout, /^Hello from (Docker|Berth)!$/m);
    assert.match(r.stdout, /This message shows that your installation appears to be working correctly./);
    const left = await daemon().docker(['ps', '-a', '-q', '--filter', 'ancestor=hello-world']);
    assert.equal(left.code, 0, describeResult(left));
    assert.equal(left.stdout, '');
  });

  it("docker ps --format '{{.Names}}' lists running containers' names", T, async () => {
    const d = daemon();
    const r = await d.docker(['run', '-d', '--name', 'compat-ps', 'busybox', 'sleep', '300']);
    assert.equal(r.code, 0, describeResult(r));
    const stopped = await d.docker(['create', '--name', 'compat-stopped', 'busybox', 'true']);
    assert.equal(stopped.code, 0, describeResult(stopped));
    const ps = await d.docker(['ps', '--format', '{{.Names}}']);
    assert.equal(ps.code, 0, describeResult(ps));
    assert.deepEqual(ps.stdout.split('\n').filter(Boolean), ['compat-ps']);
    const all = await d.docker(['ps', '-a', '--format', '{{.Names}} {{.Image}}']);
    assert.deepEqual(all.stdout.split('\n').filter(Boolean).sort(), ['compat-ps busybox', 'compat-stopped busybox']);
  });

  it('docker images lists busybox and hello-world', T, async () => {
    const r = await daemon().docker(['images']);
    assert.equal(r.code, 0, describeResult(r));
    const [header, ...rows] = r.stdout.trimEnd().split('\n');
    assert.match(header, /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    for (const repo of ['busybox', 'hello-world']) {
      assert.ok(rows.some((l) => new RegExp(`^${repo}\\s+latest\\s+[0-9a-f]{12}\\s+`).test(l)), `${repo}:latest listed:\n${r.stdout}`);
    }
    const q = await daemon().docker(['images', '-q', 'busybox']);
    assert.match(q.stdout, /^[0-9a-f]{12}\n$/);
  });
});
