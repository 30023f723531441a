/**
 * Issue 6's acceptance from the client side: the Dockerfiles of the Docker notes (rewritten for
 * busybox) built with `berth build` and with the real `DOCKER_BUILDKIT=0 docker build` against
 * one berthd, and run; rebuilds from cache; a changed file rebuilding from its step on; the
 * context from stdin (tar or Dockerfile), a URL and .dockerignore; -q/--iidfile; docker's CLI
 * errors; berth's live view on a terminal.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { BERTH, type RunResult } from '../harness';
import { CLIS, cliFor, describeResult, inspectField, okRun } from './support/cli';
import { useDaemon } from './support/daemon';
import { TmuxPty, shellQuote } from './support/tmux-pty';

const T = { timeout: 120000 };
/** the classic builder: docker 28 uses BuildKit (a gRPC session berthd does not offer) unless told */
const CLASSIC = { DOCKER_BUILDKIT: '0' };

/** docker 28 warns on stderr that the legacy builder is deprecated; berth has no such preamble */
function stderrOf(r: RunResult): string {
  return r.stderr.replace(/^DEPRECATED: The legacy builder is deprecated[^\n]*\n(?: {12}[^\n]*\n)*\n/, '');
}

/** the lines of a classic build's stdout, the context progress's carriage returns dropped */
function lines(out: string): string[] {
  return out.replace(/[^\n]*\r\r\n/g, (l) => `${l.replace(/\r\r\n$/, '').split('\r').pop()}\n`).split('\n').filter((l) => l !== '');
}

/** "Step n/m : ..." lines, each with the lines the daemon printed for it */
function steps(out: string): { step: string; body: string[] }[] {
  const res: { step: string; body: string[] }[] = [];
  for (const l of lines(out)) {
    if (/^Step \d+\/\d+ : /.test(l)) res.push({ step: l, body: [] });
    else if (res.length && !/^Successfully /.test(l)) res[res.length - 1].body.push(l);
  }
  return res;
}

function cached(s: { body: string[] }): boolean { return s.body.includes(' ---> Using cache'); }

describe('build', () => {
  const daemon = useDaemon('build');
  let root = '';
  let web: http.Server;
  let webUrl = '';

  /** a context directory: files by relative path; a name ending in "*" is made executable */
  function context(name: string, files: Record<string, string>): string {
    const dir = path.join(root, name);
    for (const [rel, body] of Object.entries(files)) {
      const exec = rel.endsWith('*');
      const p = path.join(dir, exec ? rel.slice(0, -1) : rel);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, body);
      if (exec) chmodSync(p, 0o755);
    }
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'berth-build-'));
    // a loopback web server: a Dockerfile and a tar context by URL
    web = http.createServer((req, res) => {
      if (req.url === '/Dockerfile') { res.end('FROM busybox\nENV from=url\nCMD ["sh", "-c", "echo built from $from"]\n'); return; }
      res.writeHead(404, 'Not Found');
      res.end('no such file\n');
    });
    return new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve)).then(() => {
      webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    });
  });
  after(() => {
    web?.close();
    rmSync(root, { recursive: true, force: true });
  });

  for (const name of CLIS) {
    describe(name, () => {
      const cli = cliFor(daemon, name);
      const build = (args: string[], input?: string | Buffer): Promise<RunResult> => cli(['build', ...args], { env: CLASSIC, input, timeoutMs: 90000 });
      const okBuild = async (args: string[], input?: string | Buffer): Promise<string> => {
        const r = await build(args, input);
        assert.equal(r.code, 0, `build ${args.join(' ')}: ${describeResult(r)}`);
        return r.stdout;
      };
      const id12 = async (ref: string) => (await inspectField(cli, ref, '{{.Id}}')).slice(7, 19);

      it('the notes\' FROM busybox + ENV foo=bar: docker\'s classic lines, the image runs, and a rebuild comes from cache', T, async () => {
        // the notes' two lines, with a label first so that each CLI's first build is its own
        const dir = context(`pepe-${name}`, { Dockerfile: `FROM busybox\nLABEL cli=${name}\n\nENV foo=bar\n` });
        const out = await okBuild(['-t', `my-busybox-${name}`, dir]);
        const id = await id12(`my-busybox-${name}`);
        const base = await id12('busybox');
        const ls = lines(out);
        assert.match(ls[0], /^Sending build context to Docker daemon  +\d+(\.\d+)?kB$/);
        const shown = ls.filter((l) => /^(Step|Successfully| ---> [0-9a-f]{12}$)/.test(l)).join('\n');
        assert.match(shown, new RegExp([
          'Step 1/3 : FROM busybox', ` ---> ${base}`, `Step 2/3 : LABEL cli=${name}`, ' ---> [0-9a-f]{12}',
          'Step 3/3 : ENV foo=bar', ` ---> ${id}`, `Successfully built ${id}`, `Successfully tagged my-busybox-${name}:latest`,
        ].join('\n').replace(/[/.]/g, '\\$&') + '$'), out);
        assert.ok(!steps(out).some(cached), out);
        // as docker's classic builder, a metadata step commits a container made for it
        const env = steps(out)[2].body;
        assert.match(env.join('\n'), /^ ---> Running in ([0-9a-f]{12})\nRemoving intermediate container \1\n ---> [0-9a-f]{12}$/, out);
        assert.equal(await okRun(cli, ['run', '--rm', `my-busybox-${name}`, 'sh', '-c', 'echo $foo']), 'bar\n');
        assert.match(await okRun(cli, ['images', `my-busybox-${name}`]), new RegExp(`^my-busybox-${name} +latest +${id} `, 'm'));
        // nothing changed: every step after FROM is answered from cache, and the image is the same
        const again = await okBuild(['-t', `my-busybox-${name}`, dir]);
        assert.deepEqual(steps(again).slice(1).map(cached), [true, true], again);
        assert.ok(lines(again).includes(`Successfully built ${id}`), again);
        assert.ok(!/Running in/.test(again), again);
      });

      it('berth and docker print the same classic output for the same build', T, async () => {
        if (name === 'docker') return; // one comparison covers both
        const dir = context('same-output', { Dockerfile: 'FROM busybox\nWORKDIR /w\nCOPY f /w/\nCMD ["cat", "/w/f"]\n', f: 'same\n' });
        await okBuild(['-t', 'same-output', dir]);
        // both fully cached: no container IDs differ, every byte should match
        const viaBerth = await daemon().berth(['build', '-t', 'same-output', dir], { env: CLASSIC });
        const viaDocker = await daemon().docker(['build', '-t', 'same-output', dir], { env: CLASSIC });
        assert.equal(viaBerth.code, 0, describeResult(viaBerth));
        assert.equal(viaDocker.code, 0, describeResult(viaDocker));
        assert.equal(viaBerth.stdout, viaDocker.stdout);
        assert.equal(viaBerth.stderr, stderrOf(viaDocker));
      });

      it('the notes\' Python-style app (WORKDIR, ADD ./app, EXPOSE, ENV, CMD) from a lowercase "dockerfile" builds and runs', T, async () => {
        const dir = context(`friendlyhello-${name}`, {
          // the notes name the file "dockerfile"; docker finds it when there is no "Dockerfile"
          dockerfile: [
            '# Use busybox as a parent image (the notes use python:2.7-slim)',
            'FROM busybox',
            '# Set the working directory to /app',
            'WORKDIR /app',
            '# Copy the app into the container at /app',
            'ADD ./app /app',
            'RUN ./app.sh --check',
            'EXPOSE 80',
            'ENV NAME World',
            'CMD ["./app.sh"]',
            '',
          ].join('\n'),
          'app/app.sh*': `#!/bin/sh\nif [ "$1" = --check ]; then echo "checked by ${name}"; exit 0; fi\necho "Hello $NAME! from $(pwd) ($(cat requirements.txt))"\n`,
          'app/requirements.txt': 'Flask Redis',
        });
        const out = await okBuild(['-t', `friendlyhello-${name}`, dir]);
        assert.ok(lines(out).includes(`checked by ${name}`), out);
        assert.equal(await okRun(cli, ['run', '--rm', `friendlyhello-${name}`]), 'Hello World! from /app (Flask Redis)\n');
        assert.equal(await inspectField(cli, `friendlyhello-${name}`, '{{json .Config.ExposedPorts}} {{.Config.WorkingDir}} {{json .Config.Cmd}}'),
          '{"80/tcp":{}} /app ["./app.sh"]');
        assert.ok((await inspectField(cli, `friendlyhello-${name}`, '{{json .Config.Env}}')).includes('"NAME=World"'));
      });

      it('ENTRYPOINT and CMD combine as Docker\'s rules say', T, async () => {
        const cases: { df: string; args: string[]; want: string }[] = [
          // the notes' cowsay: ENTRYPOINT the program, CMD its default argument
          { df: 'ENTRYPOINT ["/bin/echo"]\nCMD ["Docker mooooooola!"]', args: [], want: 'Docker mooooooola!' },
          { df: 'ENTRYPOINT ["/bin/echo"]\nCMD ["Docker mooooooola!"]', args: ['other words'], want: 'other words' },
          // exec-form CMD alone; shell-form CMD runs through /bin/sh -c
          { df: 'ENV who=shell\nCMD echo hello $who', args: [], want: 'hello shell' },
          { df: 'CMD ["echo", "exec", "$HOME"]', args: [], want: 'exec $HOME' },
          // a shell-form ENTRYPOINT ignores CMD and run arguments
          { df: 'ENTRYPOINT echo from-entrypoint\nCMD ["ignored"]', args: ['also-ignored'], want: 'from-entrypoint' },
          // ENTRYPOINT resets the base image's CMD (busybox's "sh")
          { df: 'ENTRYPOINT ["echo", "ep"]', args: [], want: 'ep' },
          { df: 'ENTRYPOINT ["echo", "ep"]\nCMD ["c1", "c2"]', args: [], want: 'ep c1 c2' },
        ];
        for (const [i, c] of cases.entries()) {
          const tag = `epcmd-${name}-${i}`;
          await okBuild(['-q', '-t', tag, '-'], `FROM busybox\n${c.df}\n`);
          assert.equal(await okRun(cli, ['run', '--rm', tag, ...c.args]), `${c.want}\n`, c.df);
        }
      });

      it('a two-stage build copies the artefact of the first stage into the second', T, async () => {
        const dir = context(`two-stage-${name}`, {
          Dockerfile: [
            'FROM busybox AS builder',
            'WORKDIR /src',
            'COPY greet.txt .',
            `RUN { echo '#!/bin/sh'; echo "echo $(cat greet.txt) from the build stage"; } > tool && chmod +x tool`,
            'FROM busybox',
            'COPY --from=builder /src/tool /usr/local/bin/tool',
            'CMD ["tool"]',
            '',
          ].join('\n'),
          'greet.txt': `artefact of ${name}`,
        });
        const out = await okBuild(['-t', `two-stage-${name}`, dir]);
        assert.deepEqual(steps(out).map((s) => s.step), [
          'Step 1/7 : FROM busybox AS builder', 'Step 2/7 : WORKDIR /src', 'Step 3/7 : COPY greet.txt .',
          `Step 4/7 : RUN { echo '#!/bin/sh'; echo "echo $(cat greet.txt) from the build stage"; } > tool && chmod +x tool`,
          'Step 5/7 : FROM busybox', 'Step 6/7 : COPY --from=builder /src/tool /usr/local/bin/tool', 'Step 7/7 : CMD ["tool"]',
        ]);
        assert.equal(await okRun(cli, ['run', '--rm', `two-stage-${name}`]), `artefact of ${name} from the build stage\n`);
        // the final image holds the artefact, not the build stage's sources
        const r = await cli(['run', '--rm', `two-stage-${name}`, 'ls', '/src']);
        assert.notEqual(r.code, 0, describeResult(r));
      });

      it('changing one copied file rebuilds from that step on only', T, async () => {
        const dir = context(`rebuild-${name}`, {
          Dockerfile: `FROM busybox\nENV who=${name}\nCOPY one.txt /one.txt\nRUN echo ran > /ran\nCOPY two.txt /two.txt\nRUN cat /one.txt /two.txt > /both\nCMD ["cat", "/both"]\n`,
          'one.txt': 'one\n', 'two.txt': 'two\n',
        });
        await okBuild(['-t', `rebuild-${name}`, dir]);
        assert.equal(await okRun(cli, ['run', '--rm', `rebuild-${name}`]), 'one\ntwo\n');
        writeFileSync(path.join(dir, 'two.txt'), 'TWO\n');
        const out = await okBuild(['-t', `rebuild-${name}`, dir]);
        // steps 2-4 (ENV, COPY one.txt, RUN) from cache; COPY two.txt and everything after it rebuilt
        assert.deepEqual(steps(out).slice(1).map(cached), [true, true, true, false, false, false], out);
        assert.equal(await okRun(cli, ['run', '--rm', `rebuild-${name}`]), 'one\nTWO\n');
      });

      it('.dockerignore: excluded files never reach the daemon, exceptions do, and the Dockerfile is always sent', T, async () => {
        const dir = context(`ignore-${name}`, {
          Dockerfile: 'FROM busybox\nCOPY . /ctx\nCMD ["find", "/ctx"]\n',
          '.dockerignore': '# the notes\' kind of ignore file\n*.log\n!keep.log\nsecret/\n**/*.tmp\nDockerfile\n',
          'a.log': 'a', 'keep.log': 'k', 'secret/key': 'k', 'src/main.sh': 'm', 'src/deep/x.tmp': 't', 'src/deep/y.txt': 'y',
        });
        await okBuild(['-t', `ignore-${name}`, dir]);
        const found = (await okRun(cli, ['run', '--rm', `ignore-${name}`])).split('\n').filter(Boolean).sort();
        assert.deepEqual(found, ['/ctx', '/ctx/.dockerignore', '/ctx/keep.log', '/ctx/src', '/ctx/src/deep', '/ctx/src/deep/y.txt', '/ctx/src/main.sh']);
      });

      it('the context from stdin: a tar, a Dockerfile alone (build -), and -f - with a directory', T, async () => {
        const dir = context(`stdin-${name}`, { Dockerfile: 'FROM busybox\nCOPY data /data\nCMD ["cat", "/data"]\n', data: `tar from ${name}\n` });
        const tarBytes = execFileSync('tar', ['-C', dir, '-cf', '-', '.']);
        await okBuild(['-t', `stdin-tar-${name}`, '-'], tarBytes);
        assert.equal(await okRun(cli, ['run', '--rm', `stdin-tar-${name}`]), `tar from ${name}\n`);
        await okBuild(['-t', `stdin-df-${name}`, '-'], `FROM busybox\nRUN echo "made by ${name}" > /made\nCMD ["cat", "/made"]\n`);
        assert.equal(await okRun(cli, ['run', '--rm', `stdin-df-${name}`]), `made by ${name}\n`);
        // -f -: the Dockerfile from stdin, the files from the directory (its own Dockerfile unused)
        await okBuild(['-t', `stdin-f-${name}`, '-f', '-', dir], 'FROM busybox\nCOPY data /other\nCMD ["cat", "/other"]\n');
        assert.equal(await okRun(cli, ['run', '--rm', `stdin-f-${name}`]), `tar from ${name}\n`);
        // a Dockerfile outside the context, relative to the working directory
        const outside = context(`outside-${name}`, { 'Dockerfile.out': 'FROM busybox\nCOPY data /d\nCMD ["cat", "/d"]\n' });
        await okBuild(['-t', `outside-${name}`, '-f', path.join(outside, 'Dockerfile.out'), dir]);
        assert.equal(await okRun(cli, ['run', '--rm', `outside-${name}`]), `tar from ${name}\n`);
      });

      it('a URL context (a Dockerfile served on loopback) builds; a missing one gives docker\'s error', T, async () => {
        await okBuild(['-t', `url-${name}`, `${webUrl}/Dockerfile`]);
        assert.equal(await okRun(cli, ['run', '--rm', `url-${name}`]), 'built from url\n');
        const r = await build([`${webUrl}/missing`]);
        assert.equal(r.code, 1, describeResult(r));
        assert.equal(stderrOf(r), `unable to prepare context: unable to download remote context ${webUrl}/missing: failed to GET ${webUrl}/missing with status 404 Not Found: no such file\n`);
      });

      it('-q prints only the image ID; --iidfile writes it; --build-arg K takes K from the environment; --label, --target', T, async () => {
        const dir = context(`quiet-${name}`, {
          Dockerfile: 'FROM busybox AS first\nARG FROMENV\nARG GIVEN=default\nRUN echo "$FROMENV/$GIVEN" > /args\nCMD ["cat", "/args"]\nFROM first AS second\nRUN false\n',
        });
        const out = await cli(['build', '-q', '--target', 'first', '--build-arg', 'FROMENV', '--build-arg', 'GIVEN=given', '--label', `by=${name}`,
          '--iidfile', path.join(dir, 'iid'), '-t', `quiet-${name}`, dir], { env: { ...CLASSIC, FROMENV: `env-of-${name}` } });
        assert.equal(out.code, 0, describeResult(out));
        const id = await inspectField(cli, `quiet-${name}`, '{{.Id}}');
        assert.equal(out.stdout, `${id}\n`);
        assert.equal(stderrOf(out), '');
        assert.equal(readFileSync(path.join(dir, 'iid'), 'utf8').trim(), id);
        assert.equal(await okRun(cli, ['run', '--rm', `quiet-${name}`]), `env-of-${name}/given\n`);
        assert.equal(await inspectField(cli, `quiet-${name}`, '{{index .Config.Labels "by"}}'), name);
        // without -q, --iidfile holds the ID without a newline
        await okBuild(['--iidfile', path.join(dir, 'iid2'), '--target', 'first', '--build-arg', `FROMENV=env-of-${name}`, '--build-arg', 'GIVEN=given', '--label', `by=${name}`, dir]);
        assert.equal(readFileSync(path.join(dir, 'iid2'), 'utf8'), id);
      });

      it('a failing RUN: docker\'s message on stderr, exit code 1, no tagged image', T, async () => {
        const r = await build(['-t', `failing-${name}`, '-'], 'FROM busybox\nRUN echo about to fail; false\n');
        assert.equal(r.code, 1, describeResult(r));
        assert.equal(stderrOf(r), "The command '/bin/sh -c echo about to fail; false' returned a non-zero code: 1\n");
        assert.ok(lines(r.stdout).includes('about to fail'), r.stdout);
        const img = await cli(['image', 'inspect', `failing-${name}`]);
        assert.equal(img.code, 1, describeResult(img));
        // as with docker's classic builder, the failed step's container stays (exited) unless --force-rm
        const ctr = /^ ---> Running in ([0-9a-f]{12})$/m.exec(r.stdout)?.[1] ?? 'none';
        assert.match(await inspectField(cli, ctr, '{{.State.Status}} {{.State.ExitCode}} {{json .Config.Cmd}}'), /^exited 1 \["\/bin\/sh","-c","echo about to fail; false"\]$/);
        await okRun(cli, ['rm', ctr]);
        // -q keeps quiet unless the build fails: then the output goes to stderr
        const q = await build(['-q', '--force-rm', '-'], 'FROM busybox\nRUN echo quietly failing; exit 1\n');
        assert.equal(q.code, 1);
        assert.equal(q.stdout, '');
        assert.match(stderrOf(q), /^Sending build context to Docker daemon .*\nStep 2\/2 : RUN echo quietly failing; exit 1\n.*quietly failing\nRemoving intermediate container [0-9a-f]{12}\nThe command '\/bin\/sh -c echo quietly failing; exit 1' returned a non-zero code: 1\n$/s);
      });

      it('CLI errors in docker\'s words: unknown flag, missing context, missing -f, no argument', T, async () => {
        const dir = context(`errors-${name}`, { Dockerfile: 'FROM busybox\n' });
        const expect = async (args: string[], code: number, stderr: string) => {
          const r = await build(args);
          assert.equal(r.code, code, describeResult(r));
          assert.equal(stderrOf(r), stderr.replace(/CLI/g, name));
        };
        await expect(['--frob', dir], 125, "unknown flag: --frob\n\nUsage:  CLI build [OPTIONS] PATH | URL | -\n\nRun 'CLI build --help' for more information\n");
        await expect([path.join(root, 'no-such-dir')], 1, `unable to prepare context: path "${path.join(root, 'no-such-dir')}" not found\n`);
        await expect(['-f', path.join(dir, 'Nope'), dir], 1, `unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path.join(dir, 'Nope')}: no such file or directory\n`);
        await expect([], 1, "CLI: 'CLI build' requires 1 argument\n\nUsage:  CLI build [OPTIONS] PATH | URL | -\n\nRun 'CLI build --help' for more information\n");
        await expect(['-f', '-', '-'], 1, "invalid argument: can't use stdin for both build context and dockerfile\n");
        await expect(['-t', 'Upper', dir], 125, `invalid argument "Upper" for "-t, --tag" flag: invalid reference format: repository name (library/Upper) must be lowercase\n\nUsage:  CLI build [OPTIONS] PATH | URL | -\n\nRun 'CLI build --help' for more information\n`);
        // an error of the daemon: an unknown instruction names its line
        const bad = await build(['-'], 'FROM busybox\nFROB x\n');
        assert.equal(bad.code, 1, describeResult(bad));
        assert.match(stderrOf(bad), /^Error response from daemon: dockerfile parse error line 2: unknown instruction: FROB\n$/i);
      });

      it('builder prune frees the build cache: the next build runs every step again', T, async () => {
        const dir = context(`prune-${name}`, { Dockerfile: `FROM busybox\nRUN echo ${name} > /who\n` });
        await okBuild(['-t', `prune-${name}`, dir]);
        assert.ok(steps(await okBuild(['-t', `prune-${name}`, dir]))[1].body.includes(' ---> Using cache'));
        const out = await okRun(cli, ['builder', 'prune', '-f']);
        assert.match(out, /^(Deleted build cache objects:\n(\S+\n)+\n)?Total reclaimed space: \d+(\.\d+)?[kMG]?B\n$/);
        assert.ok(!cached(steps(await okBuild(['-t', `prune-${name}`, dir]))[1]));
      });
    });
  }

  it('berth build on a terminal: a live per-step view that collapses to a summary', T, async () => {
    const dir = context('live', { Dockerfile: 'FROM busybox\nRUN for i in 1 2 3; do echo tick $i; sleep 0.2; done\nCMD ["true"]\n' });
    const pty = new TmuxPty(daemon(), 'build-live');
    try {
      await pty.start();
      await pty.untilHostPrompt(() => pty.type(`${shellQuote(BERTH)} build --no-cache -t live ${shellQuote(dir)}`), 60000);
      const screen = await pty.screen();
      const id = (await okRun(cliFor(daemon, 'berth'), ['inspect', '-f', '{{.Id}}', 'live'])).trim().slice(7, 19);
      // the summary: one line per step with its result, then docker's closing lines; the live frame is gone
      assert.match(screen, /^ => \[1\/3\] FROM busybox +---> [0-9a-f]{12} \d+\.\ds$/m, screen);
      assert.match(screen, /^ => \[2\/3\] RUN for i in 1 2 3; do echo tick \$i; sleep 0\.2; done +---> [0-9a-f]{12} \d+\.\ds$/m, screen);
      assert.match(screen, new RegExp(`^ => \\[3/3\\] CMD \\["true"\\] +---> ${id} \\d+\\.\\ds$`, 'm'), screen);
      assert.match(screen, new RegExp(`^Successfully built ${id}\\nSuccessfully tagged live:latest$`, 'm'), screen);
      assert.ok(!/^Building /m.test(screen) && !/^ -> /m.test(screen), screen);
    } finally {
      await pty.close();
    }
  });

  it('--progress plain on a terminal prints the classic lines', T, async () => {
    const pty = new TmuxPty(daemon(), 'build-plain');
    const dir = context('plain', { Dockerfile: 'FROM busybox\nENV plain=1\n' });
    try {
      await pty.start();
      await pty.untilHostPrompt(() => pty.type(`${shellQuote(BERTH)} build --progress plain -t plain ${shellQuote(dir)}`), 60000);
      const screen = await pty.screen();
      assert.match(screen, /^Step 1\/2 : FROM busybox\n ---> [0-9a-f]{12}\nStep 2\/2 : ENV plain=1\n/m, screen);
      assert.match(screen, /^Successfully tagged plain:latest$/m, screen);
    } finally {
      await pty.close();
    }
  });

  it('berth build reads a local context in the daemon; a client in another mount namespace sends it instead', T, async () => {
    const d = daemon();
    // the host's view of the directory says "host"; the client's own namespace mounts a
    // tmpfs over it saying "client" (as a container given the socket would see another tree)
    const dir = context('ns-ctx', { Dockerfile: 'FROM busybox\nCOPY who /who\nCMD ["cat", "/who"]\n', who: 'host\n' });
    const local = await d.berth(['build', '-t', 'ns-host', dir]);
    assert.equal(local.code, 0, describeResult(local));
    assert.match(local.stdout, /^Sending build context to Docker daemon +\d+(\.\d+)?kB\r\r\nStep 1\/3 : FROM busybox\n/, local.stdout);
    assert.equal(await okRun(cliFor(() => d, 'berth'), ['run', '--rm', 'ns-host']), 'host\n');
    const script = [
      'set -e', `mount -t tmpfs tmpfs ${shellQuote(dir)}`,
      `printf 'FROM busybox\\nCOPY who /who\\nCMD ["cat", "/who"]\\n' > ${shellQuote(dir)}/Dockerfile`,
      `printf 'client\\n' > ${shellQuote(dir)}/who`,
      `exec ${shellQuote(BERTH)} build -t ns-client ${shellQuote(dir)}`,
    ].join('\n');
    const out = execFileSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { env: d.env, encoding: 'utf8' });
    assert.match(out, /^Sending build context to Docker daemon +\d+(\.\d+)?kB\r\r\nStep 1\/3 : FROM busybox\n/, out);
    assert.equal(await okRun(cliFor(() => d, 'berth'), ['run', '--rm', 'ns-client']), 'client\n');
    // the API itself: a directory the daemon does not see as the client does is refused (412)
    const api = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ socketPath: d.sock, method: 'POST', path: `/v1.41/build/local?contextdir=${encodeURIComponent(dir)}&contextid=1:2` }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => { body += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(api.status, 412, api.body);
    assert.match(api.body, /is not the one the client sees/);
    // a context too large to keep in memory streams from the directory to the daemon's disk
    const big = context('big-ctx', { Dockerfile: 'FROM busybox\nCOPY big /big\nCMD ["wc", "-c", "/big"]\n' });
    writeFileSync(path.join(big, 'big'), Buffer.alloc(20 * 1024 * 1024 + 5, 7));
    const bigBuild = await d.berth(['build', '-t', 'big-ctx', big]);
    assert.equal(bigBuild.code, 0, describeResult(bigBuild));
    assert.match(bigBuild.stdout, /^Sending build context to Docker daemon +20\.97MB\r\r\n/, bigBuild.stdout);
    assert.equal(await okRun(cliFor(() => d, 'berth'), ['run', '--rm', 'big-ctx']), '20971525 /big\n');
  });

  it('the builds left no container behind (the failed ones were removed or --force-rm)', T, async () => {
    const d = daemon();
    assert.equal((await okRun(cliFor(() => d, 'berth'), ['ps', '-aq'])).trim(), '');
  });
});

