/**
 * Bad input gets Docker's clear errors and exit codes, and the daemon stays up: unknown image,
 * unknown flag, name clash, malformed JSON, ambiguous ID prefix. With berth and with the real
 * docker CLI (the malformed body goes over raw HTTP, as no CLI sends one).
 */
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { CLIS, assertDaemonUp, cliFor, describeResult, fullId, okRun } from './support/cli';
import { useDaemon } from './support/daemon';
import { errorMessage, rawRequest } from './support/raw-http';

const T = { timeout: 180000 };

describe('bad input', () => {
  const daemon = useDaemon('bad-input');

  // raw HTTP: no CLI sends such a body, so this one runs once
  it('a malformed JSON body to POST /containers/create is a 400 with a message', T, async () => {
    const d = daemon();
    // truncated, not JSON, the wrong JSON type, a field of the wrong type: all 400 in dockerd
    const wrong: string[] = [];
    for (const body of ['{"Image": "busybox", "Cmd": ["true"]', 'not json at all', '["an", "array"]', '{"Image": 42}']) {
      const res = await rawRequest(d.sock, 'POST', '/v1.41/containers/create?name=bad-body', body);
      const message = /^application\/json/.test(String(res.headers['content-type'])) ? errorMessage(res) : '';
      if (res.status !== 400 || !message) wrong.push(`${body} -> ${res.status} ${res.headers['content-type']} ${res.body}`);
    }
    assert.deepEqual(wrong, [], 'each bad body gets 400 {"message": ...}');
    // and unversioned
    const res = await rawRequest(d.sock, 'POST', '/containers/create', '{');
    assert.equal(res.status, 400, res.body);
    assert.ok(errorMessage(res).length > 0);
    for (const name of CLIS) {
      const cli = cliFor(daemon, name);
      const r = await cli(['inspect', 'bad-body']);
      assert.notEqual(r.code, 0, 'no container was created from a bad body');
      await assertDaemonUp(cli);
    }
  });

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);

      it('run nosuchimage: "Unable to find image" then an error, exit 125', T, async () => {
        const r = await cli(['run', 'nosuchimage'], { timeoutMs: 30000 });
        assert.equal(r.code, 125, describeResult(r));
        assert.match(r.stderr, /^Unable to find image 'nosuchimage:latest' locally$/m);
        const after = r.stderr.split(/Unable to find image 'nosuchimage:latest' locally\n/)[1] ?? '';
        assert.match(after, /Error response from daemon: \S/, `an error follows: ${describeResult(r)}`);
        assert.ok(!(await okRun(cli, ['ps', '-a', '--format', '{{.Image}}'])).split('\n').includes('nosuchimage'), 'no container was created');
        await assertDaemonUp(cli);
      });

      it('run --bogus busybox: "unknown flag: --bogus", exit 125', T, async () => {
        const r = await cli(['run', '--bogus', 'busybox']);
        assert.equal(r.code, 125, describeResult(r));
        assert.match(r.stderr, /^unknown flag: --bogus$/m);
        // docker 28: "Run 'docker run --help' for more information" (older: "See 'docker run --help'.")
        assert.match(r.stderr, new RegExp(`(Run '${name} run --help' for more information|See '${name} run --help'\\.)`));
        assert.equal(r.stdout, '');
        await assertDaemonUp(cli);
      });

      it('a name clash is a 409 with Docker\'s Conflict message', T, async () => {
        const ctr = `x-${name}`;
        await okRun(cli, ['run', '-d', '--name', ctr, 'busybox', 'sleep', '300']);
        const id = await fullId(cli, ctr);
        const message = `Conflict. The container name "/${ctr}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`;
        const r = await cli(['run', '-d', '--name', ctr, 'busybox', 'true']);
        assert.equal(r.code, 125, describeResult(r));
        assert.ok(r.stderr.includes(`Error response from daemon: ${message}`), describeResult(r));
        const c = await cli(['create', '--name', ctr, 'busybox', 'true']);
        assert.notEqual(c.code, 0, describeResult(c));
        assert.ok(c.stderr.includes(message), describeResult(c));
        // the status code, over the API
        const res = await rawRequest(daemon().sock, 'POST', `/v1.41/containers/create?name=${ctr}`, JSON.stringify({ Image: 'busybox', Cmd: ['true'] }));
        assert.equal(res.status, 409, res.body);
        assert.equal(errorMessage(res), message);
        // the first container is untouched
        assert.equal((await okRun(cli, ['inspect', '-f', '{{.State.Status}}', ctr])).trim(), 'running');
        await okRun(cli, ['rm', '-f', ctr]);
        await assertDaemonUp(cli);
      });

      it('an ID prefix matching two containers is refused clearly', T, async () => {
        // create containers until two share their first hex digit (at most 17 by pigeonhole)
        const byFirst = new Map<string, string[]>();
        let prefix = '';
        for (let i = 0; i < 17 && !prefix; i++) {
          const id = (await okRun(cli, ['create', '--name', `amb-${name}-${i}`, 'busybox', 'true'])).trim();
          assert.match(id, /^[0-9a-f]{64}$/);
          const list = byFirst.get(id[0]) ?? [];
          list.push(id);
          byFirst.set(id[0], list);
          if (list.length === 2) prefix = id[0];
        }
        assert.ok(prefix, 'two IDs share a first digit');
        // no other container of this daemon (from the other CLI's run) may make the count differ;
        // the error is the same however many match
        const r = await cli(['inspect', prefix]);
        assert.equal(r.code, 1, describeResult(r));
        assert.match(r.stderr, new RegExp(`multiple IDs found with provided prefix: ${prefix}`, 'i'));
        const rm = await cli(['rm', prefix]);
        assert.notEqual(rm.code, 0, describeResult(rm));
        assert.match(rm.stderr, /multiple IDs found with provided prefix/i);
        for (const ids of byFirst.values()) for (const id of ids) assert.equal((await okRun(cli, ['inspect', '-f', '{{.Id}}', id])).trim(), id, 'nothing was removed');
        await assertDaemonUp(cli);
        for (const ids of byFirst.values()) await okRun(cli, ['rm', ...ids]);
      });
    });
  }
});
