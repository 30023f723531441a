import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags } from '../../flagset';
import { buildCreate, CREATE_FLAGS } from './create-flags';

function plan(argv: string[], attach = true) {
  const p = parseFlags(CREATE_FLAGS, argv, false);
  return buildCreate(p.values, p.args[0], p.args.slice(1), { readFile: () => 'F=1\n', attach });
}

test('run flags fill the create body as docker does', () => {
  const { body, name } = plan(['-i', '--name', 'x', '-e', 'A=1', '--env-file', 'f', '-p', '8080:80', '-m', '32m', '--cpus', '1.5',
    '--restart', 'on-failure:2', '--ulimit', 'nofile=1024:2048', '--health-cmd', 'true', '--health-interval', '1m', '-l', 'a=b',
    '--init', '--pids-limit', '10', '--cap-add', 'net_admin', '--entrypoint', '/bin/sh', '-u', '1000', '-w', '/w', '-h', 'hn',
    '--read-only', '--network', 'host', '--stop-timeout', '3', 'busybox', 'sh', '-c', 'x']);
  assert.equal(name, 'x');
  assert.deepEqual(body.Cmd, ['sh', '-c', 'x']);
  assert.deepEqual(body.Entrypoint, ['/bin/sh']);
  assert.deepEqual(body.Env, ['F=1', 'A=1']);
  assert.equal(body.OpenStdin, true);
  assert.equal(body.StdinOnce, true);
  assert.equal(body.AttachStdin, true);
  assert.deepEqual(body.Healthcheck, { Test: ['CMD-SHELL', 'true'], Interval: 60e9 });
  assert.deepEqual(body.ExposedPorts, { '80/tcp': {} });
  assert.equal(body.Hostname, 'hn');
  assert.equal(body.StopTimeout, 3);
  const h = body.HostConfig!;
  assert.equal(h.Memory, 33554432);
  assert.equal(h.NanoCpus, 1500000000);
  assert.deepEqual(h.RestartPolicy, { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 1024, Hard: 2048 }]);
  assert.deepEqual(h.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '8080' }] });
  assert.deepEqual(h.CapAdd, ['CAP_NET_ADMIN']);
  assert.equal(h.Init, true);
  assert.equal(h.PidsLimit, 10);
  assert.equal(h.NetworkMode, 'host');
  assert.equal(h.ReadonlyRootfs, true);
});

test('--rm sets AutoRemove and conflicts with --restart; -d attaches nothing', () => {
  assert.equal(plan(['--rm', 'busybox', 'true']).body.HostConfig!.AutoRemove, true);
  assert.throws(() => plan(['--rm', '--restart', 'always', 'busybox']), /cannot specify both --restart and --rm/);
  const d = plan(['-i', 'busybox'], false).body;
  assert.equal(d.AttachStdout, false);
  assert.equal(d.AttachStdin, false);
  assert.equal(d.StdinOnce, false);
  assert.deepEqual(plan(['--no-healthcheck', 'busybox']).body.Healthcheck, { Test: ['NONE'] });
});
