/**
 * The runtime options of `run`: user, workdir, env, hostname, entrypoint, labels, init,
 * ulimits, CPU and pids limits, capabilities, security options, stop settings and the
 * none/host networks. With berth and with the real docker CLI.
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLIS, cliFor, describeResult, inspectField, okRun } from './support/cli';
import { useDaemon } from './support/daemon';

const T = { timeout: 120000 };

/** This process's hard RLIMIT_NOFILE and capability bounding set: what berthd inherits. */
function hostNofileHard(): string {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files')) ?? '';
  return line.trim().split(/\s+/)[4];
}
function hostCapBnd(): string {
  return /CapBnd:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '';
}

/** Reads a cgroup file from inside the container: v1 controller dirs, else the v2 unified dir. */
function cgroupRead(v1: string, v2: string): string {
  return `if [ -e /sys/fs/cgroup/${v1} ]; then cat /sys/fs/cgroup/${v1}; else cat /sys/fs/cgroup/${v2}; fi`;
}

describe('run options', () => {
  const daemon = useDaemon('run-options');

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const run = (args: string[], opts?: { input?: string }): Promise<string> => okRun(cli, ['run', '--rm', ...args], opts);

      it('-u resolves names from the image and takes uid:gid', T, async () => {
        // runc sets only the groups listing the user as supplementary (nobody is in none)
        assert.equal(await run(['-u', 'nobody', 'busybox', 'id']), 'uid=65534(nobody) gid=65534(nobody)\n');
        assert.equal(await run(['-u', '1234:4321', 'busybox', 'sh', '-c', 'echo $(id -u):$(id -g)']), '1234:4321\n');
        const r = await cli(['run', '--rm', '-u', 'nosuchuser', 'busybox', 'true']);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /unable to find user nosuchuser/);
      });

      it('-w, -e, --env-file, -h and --entrypoint shape the process', T, async () => {
        assert.equal(await run(['-w', '/tmp', 'busybox', 'pwd']), '/tmp\n');
        const envFile = path.join(daemon().dir, `env-${name}`);
        writeFileSync(envFile, '# a comment\nFROM_FILE=yes\n\nSPACED=a b\n');
        const env = await run(['-e', 'A=1', '--env-file', envFile, 'busybox', 'env']);
        assert.match(env, /^A=1$/m);
        assert.match(env, /^FROM_FILE=yes$/m);
        assert.match(env, /^SPACED=a b$/m);
        assert.equal(await run(['-h', 'myhost', 'busybox', 'hostname']), 'myhost\n');
        assert.equal(await run(['--entrypoint', 'echo', 'busybox', 'from', 'entrypoint']), 'from entrypoint\n');
      });

      it('-l sets labels that inspect and ps --filter see', T, async () => {
        const ctr = `lab-${name}`;
        await okRun(cli, ['create', '--name', ctr, '-l', 'tier=web', '-l', 'owner=me', 'busybox', 'true']);
        assert.equal(await inspectField(cli, ctr, '{{index .Config.Labels "tier"}} {{.Config.Labels.owner}}'), 'web me');
        assert.equal((await okRun(cli, ['ps', '-a', '--filter', 'label=tier=web', '--format', '{{.Names}}'])).trim(), ctr);
        await okRun(cli, ['rm', ctr]);
      });

      it('--init runs docker-init as PID 1 with the command below it', T, async () => {
        const out = await run(['--init', 'busybox', 'ps', '-o', 'pid,args']);
        assert.match(out, /^\s*1\s+\/sbin\/docker-init -- ps -o pid,args$/m, out);
      });

      it('--ulimit sets limits; otherwise the daemon\'s own (hard nofile of the host) are inherited', T, async () => {
        assert.equal(await run(['--ulimit', 'nofile=1024:2048', 'busybox', 'sh', '-c', 'echo $(ulimit -n) $(ulimit -Hn)']), '1024 2048\n');
        assert.equal(await run(['busybox', 'sh', '-c', 'ulimit -Hn']), `${hostNofileHard()}\n`);
      });

      it('--cpus, --cpu-shares and --pids-limit reach the container\'s cgroup', T, async () => {
        const quota = (await run(['--cpus', '0.5', 'busybox', 'sh', '-c', cgroupRead('cpu/cpu.cfs_quota_us', 'cpu.max')])).trim();
        assert.match(quota, /^50000( 100000)?$/);
        const shares = (await run(['--cpu-shares', '512', 'busybox', 'sh', '-c', cgroupRead('cpu/cpu.shares', 'cpu.weight')])).trim();
        assert.ok(shares === '512' || shares === '20', `cpu shares/weight: ${shares}`);
        assert.equal((await run(['--pids-limit', '10', 'busybox', 'sh', '-c', cgroupRead('pids/pids.max', 'pids.max')])).trim(), '10');
      });

      it('--privileged gets the daemon\'s bounding set; --cap-add/--cap-drop change the default set', T, async () => {
        const eff = async (args: string[]): Promise<string> => (await run([...args, 'busybox', 'grep', 'CapEff', '/proc/1/status'])).trim().split(/\s+/)[1];
        assert.equal(await eff(['--privileged']), hostCapBnd());
        assert.equal(await eff(['--cap-drop', 'ALL', '--cap-add', 'NET_BIND_SERVICE']), '0000000000000400');
        assert.equal(await eff(['--cap-add', 'SYS_ADMIN']), '00000000a82425fb');
        assert.equal(await eff(['--cap-drop', 'CHOWN']), '00000000a80425fa');
      });

      it('--security-opt no-new-privileges and seccomp=unconfined|FILE', T, async () => {
        assert.equal((await run(['--security-opt', 'no-new-privileges', 'busybox', 'grep', 'NoNewPrivs', '/proc/1/status'])).trim(), 'NoNewPrivs:\t1');
        assert.equal((await run(['busybox', 'grep', '^Seccomp:', '/proc/1/status'])).trim(), 'Seccomp:\t2');
        assert.equal((await run(['--security-opt', 'seccomp=unconfined', 'busybox', 'grep', '^Seccomp:', '/proc/1/status'])).trim(), 'Seccomp:\t0');
        const profile = path.join(daemon().dir, `seccomp-${name}.json`);
        writeFileSync(profile, JSON.stringify({
          defaultAction: 'SCMP_ACT_ALLOW',
          syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
        }));
        const r = await cli(['run', '--rm', '--security-opt', `seccomp=${profile}`, 'busybox', 'mkdir', '/made']);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, /Operation not permitted/);
        assert.equal(await run(['busybox', 'sh', '-c', 'mkdir /made && echo made']), 'made\n');
      });

      it('--stop-timeout and --stop-signal: a container ignoring the signal is killed after the timeout', T, async () => {
        const ctr = `stop-${name}`;
        await okRun(cli, ['run', '-d', '--name', ctr, '--stop-timeout', '1', '--stop-signal', 'SIGUSR1', 'busybox', 'sh', '-c', 'trap "" USR1 TERM; while true; do sleep 1; done']);
        assert.equal(await inspectField(cli, ctr, '{{.Config.StopTimeout}} {{.Config.StopSignal}}'), '1 SIGUSR1');
        await okRun(cli, ['stop', ctr]);
        assert.equal(await inspectField(cli, ctr, '{{.State.Status}} {{.State.ExitCode}}'), 'exited 137');
        await okRun(cli, ['rm', ctr]);
      });

      it('--network none has only lo; --network host shares the host\'s interfaces and name', T, async () => {
        const ifaces = (out: string): string[] => out.split('\n').slice(2).map((l) => l.split(':')[0].trim()).filter(Boolean).sort();
        assert.deepEqual(ifaces(await run(['--network', 'none', 'busybox', 'cat', '/proc/net/dev'])), ['lo']);
        const hostIfaces = ifaces(readFileSync('/proc/net/dev', 'utf8'));
        assert.deepEqual(ifaces(await run(['--network', 'host', 'busybox', 'cat', '/proc/net/dev'])), hostIfaces);
        assert.equal(await run(['--network', 'host', 'busybox', 'hostname']), `${os.hostname()}\n`);
      });

      it('-i passes stdin through and --rm removes the container afterwards', T, async () => {
        const ctr = `stdin-${name}`;
        assert.equal(await okRun(cli, ['run', '-i', '--rm', '--name', ctr, 'busybox', 'sh', '-c', 'cat; echo end'], { input: 'piped line\n' }), 'piped line\nend\n');
        const r = await cli(['inspect', ctr]);
        assert.notEqual(r.code, 0);
        assert.match(r.stderr, /No such (container|object)/);
      });
    });
  }
});
