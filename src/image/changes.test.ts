import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyChanges, processWord, splitWords } from './changes';
import { InvalidParameterError } from '../util/errors';

test('CMD and ENTRYPOINT: JSON and shell forms', () => {
  assert.deepEqual(applyChanges({}, ['CMD ["sh"]']).Cmd, ['sh']);
  assert.deepEqual(applyChanges({}, ['cmd echo hi there']).Cmd, ['/bin/sh', '-c', 'echo hi there']);
  assert.deepEqual(applyChanges({}, ['CMD [not json']).Cmd, ['/bin/sh', '-c', '[not json']);
  const c = applyChanges({ Cmd: ['old'] }, ['ENTRYPOINT ["/bin/app"]']);
  assert.deepEqual(c.Entrypoint, ['/bin/app']);
  assert.equal(c.Cmd, null, 'ENTRYPOINT resets an inherited CMD');
  const both = applyChanges({}, ['CMD ["-v"]', 'ENTRYPOINT /bin/app --flag']);
  assert.deepEqual(both.Cmd, ['-v']);
  assert.deepEqual(both.Entrypoint, ['/bin/sh', '-c', '/bin/app --flag']);
});

test('ENV and LABEL: pairs, quotes, legacy form, variable expansion', () => {
  const c = applyChanges({ Env: ['PATH=/bin'] }, [
    'ENV A=1 B="two words" C=\'$A\'',
    'ENV PATH=$PATH:/usr/local/bin',
    'ENV LEGACY value with spaces',
    'ENV A=${A}0 D=${UNSET:-dflt} E=${A:+set}',
    'LABEL maintainer="me <me@x>" version=1.0',
    'LABEL legacy label value',
  ]);
  assert.deepEqual(c.Env, ['PATH=/bin:/usr/local/bin', 'A=10', 'B=two words', 'C=$A', 'LEGACY=value with spaces', 'D=dflt', 'E=set']);
  assert.deepEqual(c.Labels, { maintainer: 'me <me@x>', version: '1.0', legacy: 'label value' });
});

test('EXPOSE, VOLUME, USER, WORKDIR, STOPSIGNAL, ONBUILD, HEALTHCHECK', () => {
  const c = applyChanges({}, [
    'EXPOSE 80 53/udp 8000-8002/TCP',
    'VOLUME ["/data", "/logs"]',
    'VOLUME /a /b',
    'USER nobody:nogroup',
    'WORKDIR /app',
    'WORKDIR sub/../dir',
    'STOPSIGNAL SIGQUIT',
    'ONBUILD RUN echo hi',
    'HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://localhost/',
  ]);
  assert.deepEqual(Object.keys(c.ExposedPorts ?? {}).sort(), ['53/udp', '80/tcp', '8000/tcp', '8001/tcp', '8002/tcp']);
  assert.deepEqual(Object.keys(c.Volumes ?? {}), ['/data', '/logs', '/a', '/b']);
  assert.equal(c.User, 'nobody:nogroup');
  assert.equal(c.WorkingDir, '/app/dir');
  assert.equal(c.StopSignal, 'SIGQUIT');
  assert.deepEqual(c.OnBuild, ['RUN echo hi']);
  assert.deepEqual(c.Healthcheck, { Interval: 5e9, Retries: 3, Test: ['CMD-SHELL', 'curl -f http://localhost/'] });
  assert.deepEqual(applyChanges({}, ['HEALTHCHECK NONE']).Healthcheck, { Test: ['NONE'] });
  assert.deepEqual(applyChanges({}, ['HEALTHCHECK CMD ["true"]']).Healthcheck, { Test: ['CMD', 'true'] });
});

test('errors use Docker wording', () => {
  const cases: [string, string][] = [
    ['RUN echo hi', 'run is not a valid change command'],
    ['ADD a b', 'add is not a valid change command'],
    ['FROM busybox', 'from is not a valid change command'],
    ['STOPSIGNAL NOPE', 'Invalid signal: NOPE'],
    ['ONBUILD ONBUILD RUN x', 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['ONBUILD FROM x', 'FROM isn\'t allowed as an ONBUILD trigger'],
    ['EXPOSE http', 'invalid containerPort: http'],
    ['ENV A=1 B', 'Syntax error - can\'t find = in "B". Must be of the form: name=value'],
  ];
  for (const [change, msg] of cases) {
    assert.throws(() => applyChanges({}, [change]), (e: unknown) => e instanceof InvalidParameterError && e.message === msg, change);
  }
  // the whole list is validated before anything applies
  assert.throws(() => applyChanges({}, ['CMD ["sh"]', 'COPY . /']), /copy is not a valid change command/);
});

test('word splitting and processing', () => {
  assert.deepEqual(splitWords('a "b c" \'d e\'  f\\ g'), ['a', '"b c"', '\'d e\'', 'f\\ g']);
  assert.equal(processWord('"a\\"b" \'$X\' $X ${X}y', ['X=1']), 'a"b $X 1 1y');
  assert.equal(processWord('f\\ g', []), 'f g');
});

test('changes keep the input config untouched and join lines like a Dockerfile', () => {
  const base = { Env: ['A=1'] };
  const c = applyChanges(base, ['ENV B=2\nCMD ["x"]', '# a comment', 'LABEL a=1 \\\n b=2']);
  assert.deepEqual(base, { Env: ['A=1'] });
  assert.deepEqual(c.Env, ['A=1', 'B=2']);
  assert.deepEqual(c.Cmd, ['x']);
  assert.deepEqual(c.Labels, { a: '1', b: '2' });
});
