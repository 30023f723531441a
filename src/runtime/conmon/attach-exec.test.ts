import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { Readable } from 'node:stream';
import type { OutputChunk } from '../oci-runtime';
import type { ConmonRuntime } from './conmon-runtime';
import { ConflictError } from '../../util/errors';
import { OciRuntimeError } from './oci-cli';
import { canRunContainers, collect, newId, runSpec, Sandbox } from './test-fixtures';

const opts = { skip: !canRunContainers && 'needs root, /bin/busybox and conmon', timeout: 60_000 };

/** Reads chunks until the accumulated text matches, returning that text. */
async function until(output: Readable, re: RegExp, seen = { text: '' }): Promise<string> {
  if (re.test(seen.text)) return seen.text;
  return new Promise((resolve, reject) => {
    const onData = (c: OutputChunk): void => {
      seen.text += c.data.toString();
      if (re.test(seen.text)) { output.off('data', onData); output.off('end', onEnd); resolve(seen.text); }
    };
    const onEnd = (): void => reject(new Error(`output ended before ${re}: ${JSON.stringify(seen.text)}`));
    output.on('data', onData);
    output.once('end', onEnd);
  });
}

describe('attach, resize and exec (real containers)', opts, () => {
  let sb: Sandbox;
  let rt: ConmonRuntime;
  beforeEach(() => { sb = new Sandbox(); rt = sb.runtime(); });
  afterEach(() => sb.cleanup());

  test('attach with stdin to cat echoes the input; closing stdin ends the container', async () => {
    const spec = runSpec(['cat']);
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: false, stdin: true, logPath: sb.logPath(spec.id) });
    const io = await rt.attach(spec.id);
    assert.ok(io.input);
    await rt.start(spec.id);
    const exited = new Promise<void>((resolve) => { const u = rt.watchExits((id) => { if (id === spec.id) { u(); resolve(); } }); });
    io.input.write('hello through conmon\n');
    io.input.write(Buffer.alloc(100_000, 'x')); // bigger than one attach message
    io.input.write('\nbye\n');
    const out = collect(io.output);
    io.input.end();
    assert.equal((await out).stdout, `hello through conmon\n${'x'.repeat(100_000)}\nbye\n`);
    await exited;
    assert.equal((await rt.exitStatus(spec.id))?.exitCode, 0);
    // a client typing after the end gets no error (nothing would be listening for one)
    const other = await rt.attach(spec.id).catch((e: Error) => e);
    assert.ok(other instanceof Error, 'no attach once conmon is gone');
    io.close();
  });

  test('input written after the container ended is dropped without an error', async () => {
    const spec = runSpec(['sh', '-c', 'read x; echo "got $x"']);
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: false, stdin: true, logPath: sb.logPath(spec.id) });
    const io = await rt.attach(spec.id);
    await rt.start(spec.id);
    io.input!.write('a\n');
    assert.equal((await collect(io.output)).stdout, 'got a\n');
    let failed: unknown = null;
    io.input!.on('error', (e) => { failed = e; });
    await new Promise<void>((resolve) => io.input!.write('late\n', () => resolve()));
    await new Promise<void>((resolve) => io.input!.end(resolve));
    assert.equal(failed, null);
    io.close();
  });

  test('a tty container gives raw pty output and resize changes stty size', async () => {
    const spec = runSpec(['sh'], { terminal: true });
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: true, stdin: true, logPath: sb.logPath(spec.id), consoleSize: { rows: 20, cols: 70 } });
    const io = await rt.attach(spec.id);
    const exited = new Promise<void>((resolve) => { const u = rt.watchExits((id) => { if (id === spec.id) { u(); resolve(); } }); });
    await rt.start(spec.id);
    const seen = { text: '' };
    io.input!.write('stty size\n');
    await until(io.output, /20 70\r\n/, seen);
    await rt.resize(spec.id, { rows: 33, cols: 101 });
    io.input!.write('stty size; tty\n');
    const text = await until(io.output, /33 101\r\n\/dev\/pts\/\d+\r\n/, seen);
    assert.match(text, /stty size\r\n/, 'the pty echoes input, with \\r\\n line ends');
    io.input!.write('exit 4\n');
    await collect(io.output);
    io.close();
    await exited; // conmon ends attach streams first, then writes the exit file
    assert.equal((await rt.exitStatus(spec.id))?.exitCode, 4);
    await assert.rejects(rt.resize(spec.id, { rows: 10, cols: 10 }), ConflictError);
  });

  test('exec without a tty: separate streams, env, cwd, user and the exit code', async () => {
    const spec = runSpec(['sleep', '1000']);
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) });
    await rt.start(spec.id);
    const h = await rt.exec(spec.id, {
      execId: newId(), args: ['sh', '-c', 'echo "$FOO $PATH"; pwd; id -u; echo err >&2; exit 5'],
      env: ['FOO=bar'], cwd: '/tmp', user: 'nobody', tty: false, stdin: false, privileged: false,
    });
    assert.ok(h.pid > 0);
    assert.equal(h.io.input, null);
    const [out, code] = await Promise.all([collect(h.io.output), h.exited]);
    assert.equal(out.stdout, 'bar /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n/tmp\n65534\n');
    assert.equal(out.stderr, 'err\n');
    assert.equal(code, 5);
    h.io.close();
    // the container is untouched
    assert.equal((await rt.state(spec.id))?.status, 'running');
  });

  test('exec -it sh: a real pty, resize, stdin and exit code; exec of a missing program fails', async () => {
    const spec = runSpec(['sleep', '1000']);
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) });
    await rt.start(spec.id);
    const h = await rt.exec(spec.id, {
      execId: newId(), args: ['sh'], env: [], cwd: '', user: '', tty: true, stdin: true, privileged: false,
      consoleSize: { rows: 24, cols: 80 },
    });
    const seen = { text: '' };
    h.io.input!.write('stty size\n');
    await until(h.io.output, /24 80\r\n/, seen);
    await h.resize({ rows: 50, cols: 132 });
    h.io.input!.write('stty size; test -t 0 && echo is-a-tty\n');
    await until(h.io.output, /50 132\r\nis-a-tty\r\n/, seen);
    h.io.input!.write('exit 7\n');
    assert.equal(await h.exited, 7);
    h.io.close();

    await assert.rejects(rt.exec(spec.id, {
      execId: newId(), args: ['no-such-program'], env: [], cwd: '', user: '', tty: false, stdin: false, privileged: false,
    }), (e: unknown) => e instanceof OciRuntimeError && /executable file not found/.test(e.runtimeMessage));
  });

  test('privileged exec gets the daemon\'s bounding set', async () => {
    const spec = runSpec(['sleep', '1000']);
    sb.ids.add(spec.id);
    await rt.create(spec, { tty: false, stdin: false, logPath: sb.logPath(spec.id) });
    await rt.start(spec.id);
    const capEff = async (privileged: boolean): Promise<string> => {
      const h = await rt.exec(spec.id, { execId: newId(), args: ['sh', '-c', 'grep CapEff /proc/self/status'], env: [], cwd: '', user: '', tty: false, stdin: false, privileged });
      const [out] = await Promise.all([collect(h.io.output), h.exited]);
      h.io.close();
      return out.stdout.trim().split(/\s+/)[1];
    };
    const own = /^CapBnd:\s*(\S+)/m.exec((await import('node:fs')).readFileSync('/proc/self/status', 'utf8'))![1];
    assert.equal(await capEff(false), '00000000a80425fb');
    assert.equal(await capEff(true), own);
  });
});
