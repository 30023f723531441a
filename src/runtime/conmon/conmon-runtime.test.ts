import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type { ContainerRunSpec, LogEntry } from '../oci-runtime';
import type { ConmonRuntime } from './conmon-runtime';
import { OciRuntimeError } from './oci-cli';
import { canRunContainers, runSpec, Sandbox } from './test-fixtures';

const opts = { skip: !canRunContainers && 'needs root, /bin/busybox and conmon', timeout: 60_000 };

describe('ConmonRuntime lifecycle (real containers)', opts, () => {
  let sb: Sandbox;
  let rt: ConmonRuntime;
  beforeEach(() => { sb = new Sandbox(); rt = sb.runtime(); });
  afterEach(() => sb.cleanup());

  /** create + start, resolving with the exit status once conmon recorded it. */
  async function run(spec: ContainerRunSpec): Promise<{ exitCode: number; log: string }> {
    sb.ids.add(spec.id);
    let unsubscribe = (): void => undefined;
    const exited = new Promise<void>((resolve) => { unsubscribe = rt.watchExits((id) => { if (id === spec.id) resolve(); }); });
    await rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) });
    await rt.start(spec.id);
    await exited;
    unsubscribe();
    const st = await rt.exitStatus(spec.id);
    assert.ok(st, 'exit status recorded');
    assert.match(st.exitedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    return { exitCode: st.exitCode, log: fs.readFileSync(sb.logPath(spec.id), 'utf8') };
  }

  test('echo hi: the line is in the k8s-file log and the exit code is 0', async () => {
    const r = await run(runSpec(['echo', 'hi']));
    assert.equal(r.exitCode, 0);
    assert.match(r.log, /^\S+ stdout F hi\n$/);
  });

  test('an OOM kill is reported (conmon\'s oom marker), a normal exit is not', async () => {
    const spec = runSpec(['sh', '-c', 'x=$(head -c 100000000 /dev/zero | tr "\\0" a); echo survived']);
    spec.resources.memory = 16 << 20;
    spec.resources.memorySwap = 16 << 20;
    const r = await run(spec);
    assert.equal(r.exitCode, 137);
    assert.deepEqual(await rt.exitStatus(spec.id).then((s) => s?.oomKilled), true);
    const ok = runSpec(['true']);
    await run(ok);
    assert.equal((await rt.exitStatus(ok.id))?.oomKilled, false);
  });

  test("sh -c 'exit 3' exits 3; stderr is logged as stderr", async () => {
    const r = await run(runSpec(['sh', '-c', 'echo oops >&2; exit 3']));
    assert.equal(r.exitCode, 3);
    assert.match(r.log, / stderr F oops\n/);
  });

  test('a missing executable fails create with the runtime\'s words', async () => {
    const spec = runSpec(['foo']);
    sb.ids.add(spec.id);
    await assert.rejects(rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) }), (e: unknown) => {
      assert.ok(e instanceof OciRuntimeError);
      assert.match(e.runtimeMessage, /exec: "foo": executable file not found in \$PATH/);
      return true;
    });
    assert.equal(await rt.state(spec.id), null);
    assert.equal(fs.existsSync(rt.layout.bundle(spec.id)), false, 'a failed create leaves no bundle');
  });

  test('state, pause, resume, kill, delete', async () => {
    const spec = runSpec(['sleep', '1000']);
    sb.ids.add(spec.id);
    assert.equal(await rt.state(spec.id), null);
    await rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) });
    assert.equal((await rt.state(spec.id))?.status, 'created');
    const { pid } = await rt.start(spec.id);
    assert.deepEqual(await rt.state(spec.id), { status: 'running', pid });
    const top = await rt.top(spec.id);
    assert.equal(top.titles[1], 'PID');
    assert.deepEqual(top.processes.map((p) => [p[1], p[7]]), [[String(pid), 'sleep 1000']]);
    const stats = await rt.stats(spec.id);
    assert.equal(stats.pids.current, 1);
    assert.ok(stats.memory.usage > 0);
    await rt.pause(spec.id);
    assert.equal((await rt.state(spec.id))?.status, 'paused');
    assert.match(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), /^State:\s+[SD]/m);
    await rt.resume(spec.id);
    assert.equal((await rt.state(spec.id))?.status, 'running');
    assert.equal(await rt.exitStatus(spec.id), null);
    const exited = new Promise<void>((resolve) => { const u = rt.watchExits((id) => { if (id === spec.id) { u(); resolve(); } }); });
    await rt.kill(spec.id, 'KILL');
    await exited;
    assert.equal((await rt.exitStatus(spec.id))?.exitCode, 137);
    assert.equal((await rt.state(spec.id))?.status, 'stopped');
    await rt.delete(spec.id);
    assert.equal(await rt.state(spec.id), null);
    assert.equal(await rt.exitStatus(spec.id), null);
    assert.equal(fs.existsSync(rt.layout.bundle(spec.id)), false);
  });

  test('start: twice fails as runc says; a created container killed before start cannot start', async () => {
    const a = runSpec(['sleep', '1000']);
    const b = runSpec(['sleep', '1000']);
    sb.ids.add(a.id).add(b.id);
    await rt.create(a, { tty: false, stdin: false, logPath: sb.logPath(a.id) });
    const { pid } = await rt.start(a.id);
    assert.deepEqual(await rt.state(a.id), { status: 'running', pid });
    await assert.rejects(rt.start(a.id), /cannot start an already running container/);
    await rt.create(b, { tty: false, stdin: false, logPath: sb.logPath(b.id) });
    await rt.kill(b.id, 'KILL');
    await assert.rejects(rt.start(b.id), /cannot start a container that has stopped/);
  });

  test('delete --force of a running container; delete of a created one', async () => {
    const a = runSpec(['sleep', '1000']);
    const b = runSpec(['sleep', '1000']);
    sb.ids.add(a.id).add(b.id);
    await rt.create(a, { tty: false, stdin: false, logPath: sb.logPath(a.id) });
    await rt.start(a.id);
    await assert.rejects(rt.delete(a.id), OciRuntimeError);
    await rt.delete(a.id, true);
    assert.equal(await rt.state(a.id), null);
    await rt.create(b, { tty: false, stdin: false, logPath: sb.logPath(b.id) });
    const conmon = await rt.conmonPid(b.id);
    await rt.delete(b.id);
    assert.equal(await rt.state(b.id), null);
    assert.equal(fs.existsSync(rt.layout.exitFile(b.id)), false, 'no exit file written after the delete');
    assert.ok(conmon && !fs.existsSync(`/proc/${conmon}/cmdline`) || !fs.readFileSync(`/proc/${conmon}/cmdline`, 'utf8').includes(b.id));
  });

  test('logs() reads the real log with tail, since and follow', async () => {
    const spec = runSpec(['sh', '-c', 'echo one; echo two >&2; printf par; sleep 0.2; echo tial; sleep 0.3; echo three']);
    sb.ids.add(spec.id);
    const logPath = sb.logPath(spec.id);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    const u = rt.watchExits((id) => { if (id === spec.id) stop(); });
    await rt.create(spec, { tty: false, stdin: false, logPath });
    // follow from before start: every line arrives, then the stream ends when stop resolves
    const followed: LogEntry[] = [];
    const following = (async () => {
      for await (const e of rt.logs(logPath, { follow: true, since: 0, until: 0, tail: -1, stop: stopped })) followed.push(e as LogEntry);
    })();
    await rt.start(spec.id);
    await following;
    u();
    const text = (es: LogEntry[]): string[] => es.map((e) => `${e.stream}:${e.data.toString()}`);
    assert.deepEqual(text(followed), ['stdout:one\n', 'stderr:two\n', 'stdout:partial\n', 'stdout:three\n']);
    const read = async (o: Partial<{ since: number; tail: number }>): Promise<LogEntry[]> => {
      const out: LogEntry[] = [];
      for await (const e of rt.logs(logPath, { follow: false, since: 0, until: 0, tail: -1, ...o })) out.push(e as LogEntry);
      return out;
    };
    assert.deepEqual(text(await read({ tail: 2 })), ['stdout:partial\n', 'stdout:three\n']);
    // "three" came 0.3 s after the rest; since is seconds with a fraction (µs kept here)
    const last = followed[3];
    const since = Number(last.timeNano / 1000n) / 1e6 - 0.1;
    assert.deepEqual(text(await read({ since })), ['stdout:three\n']);
  });
});
