import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildArgs } from './build-args';
import { parseDockerfileStages } from './dockerfile/instructions';
import { DEFAULT_PATH_ENV, healthString, normalizeWorkdir, runFailedMessage, StageDispatcher, stepLine, triggersMessage, type RunConfig, type Step } from './steps';

const BUSYBOX: RunConfig = { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] };

/** Dispatches every instruction of the one stage of `text` (COPY/ADD with a fixed hash). */
function build(text: string, base: RunConfig | null = BUSYBOX, args: Record<string, string> = {}): { d: StageDispatcher; history: string[]; steps: Step[] } {
  const df = parseDockerfileStages(text);
  const d = new StageDispatcher({ base, buildArgs: new BuildArgs(new Map(Object.entries(args))), escapeToken: df.escapeToken });
  const history: string[] = [];
  const steps: Step[] = [];
  for (const inst of df.stages[0].commands) {
    if (inst.kind === 'COPY' || inst.kind === 'ADD') {
      history.push(d.copy(inst).createdBy('file:abc'));
      continue;
    }
    const s = d.dispatch(inst);
    steps.push(s);
    history.push(s.createdBy);
  }
  return { d, history, steps };
}

test('history created_by strings are the classic builder\'s', () => {
  const { history } = build([
    'FROM busybox',
    'ENV foo=bar',
    'ENV A B C',
    'LABEL a=b "c d"="e f"',
    'MAINTAINER me',
    'EXPOSE 80 53/udp',
    'USER nobody',
    'WORKDIR /app',
    'WORKDIR sub',
    'VOLUME /data ["/x"]',
    'VOLUME ["/data", "/logs"]',
    'STOPSIGNAL SIGKILL',
    'ARG V=1',
    'RUN echo hi',
    'COPY --chown=1:1 a /dst/',
    'ONBUILD RUN echo built',
    'HEALTHCHECK --interval=5m --timeout=3s CMD curl -f http://localhost/ || exit 1',
    'ENTRYPOINT ["top", "-b"]',
    'CMD ["-c"]',
    'CMD echo "hi"',
    'SHELL ["/bin/bash", "-c"]',
    'RUN echo bash',
    'WORKDIR /w',
  ].join('\n'));
  assert.deepEqual(history, [
    '/bin/sh -c #(nop)  ENV foo=bar',
    '/bin/sh -c #(nop)  ENV A=B C',
    '/bin/sh -c #(nop)  LABEL a=b c d=e f',
    '/bin/sh -c #(nop)  MAINTAINER me',
    '/bin/sh -c #(nop)  EXPOSE 53/udp 80',
    '/bin/sh -c #(nop)  USER nobody',
    '/bin/sh -c #(nop) WORKDIR /app',
    '/bin/sh -c #(nop) WORKDIR /app/sub',
    '/bin/sh -c #(nop)  VOLUME [/data [/x]]',
    '/bin/sh -c #(nop)  VOLUME [/data /logs]',
    '/bin/sh -c #(nop)  STOPSIGNAL SIGKILL',
    '/bin/sh -c #(nop)  ARG V=1',
    '|1 V=1 /bin/sh -c echo hi',
    '/bin/sh -c #(nop) COPY --chown=1:1 file:abc in /dst/ ',
    '/bin/sh -c #(nop)  ONBUILD RUN echo built',
    '/bin/sh -c #(nop)  HEALTHCHECK &{Test:[CMD-SHELL curl -f http://localhost/ || exit 1] Interval:5m0s Timeout:3s StartPeriod:0s Retries:0}',
    '/bin/sh -c #(nop)  ENTRYPOINT ["top" "-b"]',
    '/bin/sh -c #(nop)  CMD ["-c"]',
    '/bin/sh -c #(nop)  CMD ["/bin/sh" "-c" "echo \\"hi\\""]',
    '/bin/bash -c #(nop)  SHELL [/bin/bash -c]',
    '|1 V=1 /bin/bash -c echo bash',
    '/bin/bash -c #(nop) WORKDIR /w',
  ]);
});

test('RUN without build args in scope has no |N prefix; proxy args stay out unless declared', () => {
  assert.deepEqual(build('FROM x\nRUN echo hi').history, ['/bin/sh -c echo hi']);
  const proxy = build('FROM x\nRUN env', BUSYBOX, { HTTP_PROXY: 'http://p:3128' });
  assert.deepEqual(proxy.history, ['|0 /bin/sh -c env']);
  const run = proxy.steps[0];
  assert.equal(run.kind, 'run');
  if (run.kind === 'run') assert.ok(run.env.includes('HTTP_PROXY=http://p:3128'));
  const declared = build('FROM x\nARG HTTP_PROXY\nRUN env', BUSYBOX, { HTTP_PROXY: 'http://p:3128' });
  assert.equal(declared.history[1], '|1 HTTP_PROXY=http://p:3128 /bin/sh -c env');
  // --build-arg overrides the default; args are sorted; exec form keeps its argv
  const two = build('FROM x\nARG B=2\nARG A\nRUN ["echo", "x"]', BUSYBOX, { A: 'a', B: 'b' });
  assert.equal(two.history[2], '|2 A=a B=b echo x');
  // an ENV of the same name hides the arg
  const env = build('FROM x\nARG A=1\nENV A=2\nRUN echo $A').steps[2];
  assert.equal(env.createdBy, '/bin/sh -c echo $A');
  // an ARG without a value and no --build-arg is not in scope
  assert.equal(build('FROM x\nARG A\nRUN true').history[1], '/bin/sh -c true');
});

test('RUN step: command, environment, probe config', () => {
  const { steps } = build('FROM x\nENV E=1\nARG A=x\nRUN --network=none --mount=type=cache,target=/c make');
  const run = steps[2];
  assert.equal(run.kind, 'run');
  if (run.kind !== 'run') return;
  assert.deepEqual(run.cmd, ['/bin/sh', '-c', 'make']);
  assert.deepEqual(run.env, [DEFAULT_PATH_ENV, 'E=1', 'A=x']);
  assert.equal(run.network, 'none');
  assert.equal(run.mounts[0].target, '/c');
  assert.deepEqual(run.containerConfig.Cmd, ['|1', 'A=x', '/bin/sh', '-c', 'make']);
  assert.deepEqual(run.config.Cmd, ['sh']);
  assert.equal(runFailedMessage(['/bin/sh', '-c', 'false'], 1), "The command '/bin/sh -c false' returned a non-zero code: 1");
});

test('RUN heredocs: a lone heredoc is the script; others are fed to the shell', () => {
  const { steps } = build('FROM x\nRUN <<EOF\necho a\necho b\nEOF\nRUN cat <<A > /f\nx\nA\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n');
  assert.deepEqual(steps.map((s) => (s.kind === 'run' ? s.cmd : [])), [
    ['/bin/sh', '-c', 'echo a\necho b\n'],
    ['/bin/sh', '-c', 'cat <<A > /f\nx\nA'],
    ['/bin/sh', '-c', '/dev/pipes/EOF'],
  ]);
  assert.deepEqual(steps[2].kind === 'run' && steps[2].script, { path: '/dev/pipes/EOF', content: '#!/usr/bin/env python3\nprint(1)\n' });
  const two = build('FROM x\nRUN cat <<A <<-B\na\nA\n\tb\n\tB\n').steps[0];
  assert.deepEqual(two.kind === 'run' && two.cmd, ['/bin/sh', '-c', 'cat <<A <<-B\na\nA\n\tb\nB']);
});

test('CMD and ENTRYPOINT combine as Docker sets them', () => {
  const cfg = (t: string, base: RunConfig | null = BUSYBOX) => build(`FROM x\n${t}`, base).d.config;
  assert.deepEqual(cfg('CMD echo hi').Cmd, ['/bin/sh', '-c', 'echo hi']);
  assert.deepEqual(cfg('CMD ["echo", "hi"]').Cmd, ['echo', 'hi']);
  // ENTRYPOINT drops the base image's CMD...
  const e = cfg('ENTRYPOINT ["top", "-b"]');
  assert.deepEqual([e.Entrypoint, e.Cmd], [['top', '-b'], null]);
  // ...but not a CMD set earlier in the stage
  const ec = cfg('CMD ["-c"]\nENTRYPOINT ["top", "-b"]');
  assert.deepEqual([ec.Entrypoint, ec.Cmd], [['top', '-b'], ['-c']]);
  assert.deepEqual(cfg('ENTRYPOINT top -b').Entrypoint, ['/bin/sh', '-c', 'top -b']);
  assert.equal(cfg('ENTRYPOINT []').Entrypoint, null);
  assert.deepEqual(cfg('SHELL ["/bin/bash", "-xc"]\nCMD echo').Cmd, ['/bin/bash', '-xc', 'echo']);
  const h = build('FROM x\nENTRYPOINT []').history[0];
  assert.equal(h, '/bin/sh -c #(nop)  ENTRYPOINT []');
});

test('config effects: Env, ports, volumes, workdir, user, labels, healthcheck, signal, onbuild, shell', () => {
  const c = build([
    'FROM x',
    'ARG PORT=8080',
    'ENV APP_HOME=/srv/app NAME="my app"',
    'ENV PATH=/opt/bin:$PATH',
    'WORKDIR $APP_HOME',
    'WORKDIR ../lib',
    'EXPOSE $PORT 9000-9001/udp 53/UDP',
    'VOLUME $APP_HOME/data',
    'USER ${NAME:+app}:${GROUP:-staff}',
    'LABEL version="1.0" description="a \\"quoted\\" one" $NAME=x',
    'HEALTHCHECK --interval=30s --retries=3 CMD ["/check"]',
    'STOPSIGNAL ${SIG:-SIGUSR1}',
    'ONBUILD COPY . $APP_HOME',
    'SHELL ["/bin/ash", "-c"]',
  ].join('\n'), { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: { base: 'yes' } }).d.config;
  assert.deepEqual(c.Env, ['PATH=/opt/bin:/bin', 'APP_HOME=/srv/app', 'NAME=my app']);
  assert.equal(c.WorkingDir, '/srv/lib');
  assert.deepEqual(c.ExposedPorts, { '8080/tcp': {}, '9000/udp': {}, '9001/udp': {}, '53/udp': {} });
  assert.deepEqual(c.Volumes, { '/srv/app/data': {} });
  assert.equal(c.User, 'app:staff');
  assert.deepEqual(c.Labels, { base: 'yes', version: '1.0', description: 'a "quoted" one', 'my app': 'x' });
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', '/check'], Interval: 30e9, Timeout: 0, StartPeriod: 0, Retries: 3 });
  assert.equal(c.StopSignal, 'SIGUSR1');
  assert.deepEqual(c.OnBuild, ['COPY . $APP_HOME']);
  assert.deepEqual(c.Shell, ['/bin/ash', '-c']);
  assert.deepEqual(c.Cmd, ['sh']);
});

test('a stage from scratch gets the default PATH; base triggers are taken once', () => {
  const d = new StageDispatcher({ base: null, buildArgs: new BuildArgs() });
  assert.deepEqual(d.config.Env, [DEFAULT_PATH_ENV]);
  const t = new StageDispatcher({ base: { OnBuild: ['RUN x'] }, buildArgs: new BuildArgs() });
  assert.deepEqual(t.takeTriggers(), ['RUN x']);
  assert.equal(t.config.OnBuild, null);
});

test('COPY/ADD expand sources, dest and flags; heredoc sources become inline files', () => {
  const df = parseDockerfileStages('FROM x\nENV D=/dst U=1000\nCOPY --chown=$U:$U --from=b ${SRC:-a} $D/\nCOPY <<EOF <<"RAW" $D\nhello "$U" \\$U\nEOF\nraw $U\nRAW\n');
  const d = new StageDispatcher({ base: BUSYBOX, buildArgs: new BuildArgs() });
  d.dispatch(df.stages[0].commands[0]);
  const [, c1, c2] = df.stages[0].commands;
  if (c1.kind !== 'COPY' || c2.kind !== 'COPY') throw new Error('parse');
  const s = d.copy(c1);
  assert.deepEqual([s.sources, s.dest, s.chown, s.from], [['a'], '/dst/', '1000:1000', 'b']);
  assert.equal(s.createdBy('dir:123'), '/bin/sh -c #(nop) COPY --chown=1000:1000 dir:123 in /dst/ ');
  assert.deepEqual(s.containerConfig('dir:123').Cmd, ['/bin/sh', '-c', '#(nop) COPY --chown=1000:1000 dir:123 in /dst/ ']);
  const h = d.copy(c2);
  assert.deepEqual(h.sources, ['<<EOF', '<<"RAW"']);
  assert.deepEqual([...h.inline], [['EOF', 'hello "1000" $U\n'], ['RAW', 'raw $U\n']]);
});

test('bad values are 400s with Docker\'s words', () => {
  assert.throws(() => build('FROM x\nEXPOSE 80/xyz'), { message: 'invalid proto: xyz', status: 400 } as object);
  assert.throws(() => build('FROM x\nEXPOSE abc'), { message: 'invalid containerPort: abc' });
  assert.throws(() => build('FROM x\nSTOPSIGNAL NOPE'), { message: 'Invalid signal: NOPE' });
  assert.throws(() => build('FROM x\nWORKDIR ${X:?need X}'), { message: 'failed to process "${X:?need X}": X: need X' });
});

test('helpers: workdir normalisation and the healthcheck string', () => {
  assert.equal(normalizeWorkdir('', 'app'), '/app');
  assert.equal(normalizeWorkdir('/a/b', '../c/./d/'), '/a/c/d');
  assert.equal(normalizeWorkdir('/a', '/x/../y'), '/y');
  assert.equal(stepLine(2, 5, 'RUN echo hi'), 'Step 2/5 : RUN echo hi');
  assert.equal(triggersMessage(1), '# Executing 1 build trigger');
  assert.equal(triggersMessage(2), '# Executing 2 build triggers');
  assert.equal(healthString({ Test: ['NONE'] }), '&{Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s Retries:0}');
});
