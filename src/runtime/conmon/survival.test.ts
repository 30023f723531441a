import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import type { LogEntry, OutputChunk } from '../oci-runtime';
import { canRunContainers, collect, runSpec, Sandbox } from './test-fixtures';

const opts = { skip: !canRunContainers && 'needs root, /bin/busybox and conmon', timeout: 60_000 };

/** What a berthd does before it is kill -9'd: create and start a container with stdin. */
const DAEMON = `
const { Sandbox } = require(${JSON.stringify(path.join(__dirname, 'test-fixtures.js'))});
const { ConmonRuntime } = require(${JSON.stringify(path.join(__dirname, 'conmon-runtime.js'))});
const [execRoot, specJson, logPath] = process.argv.slice(1);
const rt = new ConmonRuntime({ execRoot, runtimes: { runc: '/usr/sbin/runc' }, defaultRuntime: 'runc' });
const spec = JSON.parse(specJson);
rt.create(spec, { tty: false, stdin: true, stdinOnce: false, logPath })
  .then(() => rt.start(spec.id))
  .then(({ pid }) => { process.stdout.write(String(pid) + '\\n'); setInterval(() => {}, 1000); })
  .catch((e) => { console.error(e); process.exit(1); });
`;

test('a container outlives berthd (kill -9); a new ConmonRuntime sees it, attaches, reads logs, gets the exit', opts, async () => {
  const sb = new Sandbox();
  const spec = runSpec(['sh', '-c', 'echo started; while read l; do echo "got $l"; done; exit 9']);
  sb.ids.add(spec.id);
  try {
    const daemon = spawn(process.execPath, ['-e', DAEMON, sb.execRoot, JSON.stringify(spec), sb.logPath(spec.id)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pid = await new Promise<number>((resolve, reject) => {
      let out = '';
      daemon.stdout.on('data', (c: Buffer) => { out += c.toString(); if (out.includes('\n')) resolve(Number(out.trim())); });
      daemon.on('exit', (code) => reject(new Error(`daemon exited ${code}`)));
    });
    const gone = new Promise((r) => daemon.on('exit', r));
    daemon.kill('SIGKILL');
    await gone;

    const rt = sb.runtime(); // as after a restart: nothing in memory
    assert.deepEqual(await rt.state(spec.id), { status: 'running', pid });
    const exited = new Promise<void>((resolve) => { const u = rt.watchExits((id) => { if (id === spec.id) { u(); resolve(); } }); });
    const io = await rt.attach(spec.id);
    io.input!.write('one\n');
    io.input!.end();
    const [first] = await once(io.output, 'data') as [OutputChunk];
    assert.equal(first.data.toString(), 'got one\n');
    io.close();
    // stdinOnce false: the first client's leaving kept stdin open, so the loop still runs
    assert.equal((await rt.state(spec.id))?.status, 'running');
    const io2 = await rt.attach(spec.id);
    io2.input!.write('two\n');
    // the log has everything, including what was written before this instance existed
    const read = async (): Promise<string> => {
      let text = '';
      for await (const e of rt.logs(sb.logPath(spec.id), { follow: false, since: 0, until: 0, tail: -1 })) text += (e as LogEntry).data.toString();
      return text;
    };
    const [second] = await once(io2.output, 'data') as [OutputChunk];
    assert.equal(second.data.toString(), 'got two\n');
    assert.equal(await read(), 'started\ngot one\ngot two\n');
    await rt.kill(spec.id, 'KILL');
    await collect(io2.output); // conmon ends the attach stream when the container exits
    io2.close();
    await exited;
    const st = await rt.exitStatus(spec.id);
    assert.ok(st && st.exitCode === 137, `exit recorded: ${JSON.stringify(st)}`);
  } finally {
    await sb.cleanup();
  }
});
