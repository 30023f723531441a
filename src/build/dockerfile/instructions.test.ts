import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfileStages, parseTrigger, type Instruction, type InstructionOf } from './instructions';
import { DockerfileParseError } from './errors';

function only<K extends Instruction['kind']>(text: string, kind: K): InstructionOf<K> {
  const df = parseDockerfileStages(`FROM x\n${text}\n`);
  const c = df.stages[0].commands[0];
  assert.equal(c.kind, kind);
  return c as InstructionOf<K>;
}

function fails(text: string, message: string): void {
  assert.throws(() => parseDockerfileStages(text), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.equal(e.message, message);
    return true;
  });
}

test('stages, names, meta args and platform', () => {
  const df = parseDockerfileStages([
    'ARG VERSION=1.36',
    'ARG BASE',
    'FROM --platform=$BUILDPLATFORM busybox:${VERSION} AS Build',
    'RUN make',
    'FROM scratch',
    'COPY --from=build /out /',
  ].join('\n'));
  assert.deepEqual(df.metaArgs.map((a) => a.args), [[{ key: 'VERSION', value: '1.36' }], [{ key: 'BASE' }]]);
  assert.equal(df.stages.length, 2);
  assert.deepEqual(df.stages.map((s) => [s.index, s.name, s.baseName, s.platform, s.line]), [
    [0, 'build', 'busybox:${VERSION}', '$BUILDPLATFORM', 3],
    [1, '', 'scratch', '', 5],
  ]);
  assert.equal(df.stages[0].original, 'FROM --platform=$BUILDPLATFORM busybox:${VERSION} AS Build');
  const copy = df.stages[1].commands[0] as InstructionOf<'COPY'>;
  assert.equal(copy.from, 'build');
});

test('every instruction of the reference', () => {
  assert.deepEqual(only('RUN echo hi', 'RUN').cmdLine, ['echo hi']);
  assert.equal(only('RUN echo hi', 'RUN').prependShell, true);
  assert.deepEqual(only('RUN ["echo", "hi"]', 'RUN').cmdLine, ['echo', 'hi']);
  assert.equal(only('RUN ["echo", "hi"]', 'RUN').prependShell, false);
  const mount = only('RUN --mount=type=cache,target=/root/.cache,id=pip --network=none pip install x', 'RUN');
  assert.equal(mount.network, 'none');
  assert.equal(mount.mounts[0].type, 'cache');
  assert.equal(mount.mounts[0].target, '/root/.cache');
  assert.equal(mount.mounts[0].readOnly, false);
  assert.deepEqual(only('CMD ["sh"]', 'CMD'), { line: 2, endLine: 2, original: 'CMD ["sh"]', kind: 'CMD', cmdLine: ['sh'], prependShell: false });
  assert.deepEqual(only('CMD', 'CMD').cmdLine, []);
  assert.equal(only('ENTRYPOINT', 'ENTRYPOINT').cmdLine, null);
  assert.deepEqual(only('ENTRYPOINT top -b', 'ENTRYPOINT').cmdLine, ['top -b']);
  assert.deepEqual(only('LABEL a=b "c d"=e', 'LABEL').labels, [{ key: 'a', value: 'b' }, { key: '"c d"', value: 'e' }]);
  assert.equal(only('MAINTAINER Jane Doe <j@x>', 'MAINTAINER').maintainer, 'Jane Doe <j@x>');
  assert.deepEqual(only('EXPOSE 8080 80/udp 443', 'EXPOSE').ports, ['443', '80/udp', '8080']);
  assert.deepEqual(only('ENV A B C', 'ENV').env, [{ key: 'A', value: 'B C' }]);
  assert.deepEqual(only('ENV A=1 B="x y"', 'ENV').env, [{ key: 'A', value: '1' }, { key: 'B', value: '"x y"' }]);
  const add = only('ADD --chown=1:2 --chmod=644 a.tar.gz http://x/y /dst/', 'ADD');
  assert.deepEqual([add.sources, add.dest, add.chown, add.chmod], [['a.tar.gz', 'http://x/y'], '/dst/', '1:2', '644']);
  const copy = only('COPY --link ["a b", "/c d/"]', 'COPY');
  assert.deepEqual([copy.sources, copy.dest, copy.link], [['a b'], '/c d/', true]);
  assert.deepEqual(only('VOLUME /a /b', 'VOLUME').volumes, ['/a', '/b']);
  assert.deepEqual(only('VOLUME ["/data"]', 'VOLUME').volumes, ['/data']);
  assert.equal(only('USER app:app', 'USER').user, 'app:app');
  assert.equal(only('WORKDIR /a b', 'WORKDIR').path, '/a b');
  assert.deepEqual(only('ARG A B=2 C=', 'ARG').args, [{ key: 'A' }, { key: 'B', value: '2' }, { key: 'C', value: '' }]);
  assert.equal(only('ONBUILD RUN echo  hi', 'ONBUILD').expression, 'RUN echo  hi');
  assert.equal(only('onbuild   add . /app', 'ONBUILD').expression, 'add . /app');
  assert.equal(only('STOPSIGNAL SIGKILL', 'STOPSIGNAL').signal, 'SIGKILL');
  assert.deepEqual(only('SHELL ["/bin/bash", "-c"]', 'SHELL').shell, ['/bin/bash', '-c']);
  assert.deepEqual(only('HEALTHCHECK NONE', 'HEALTHCHECK').health, { Test: ['NONE'] });
  assert.deepEqual(only('HEALTHCHECK --interval=5m --timeout=3s --start-period=1m30s --retries=3 CMD curl -f http://localhost/ || exit 1', 'HEALTHCHECK').health, {
    Test: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'], Interval: 300e9, Timeout: 3e9, StartPeriod: 90e9, Retries: 3,
  });
  assert.deepEqual(only('HEALTHCHECK CMD ["/bin/check", "-q"]', 'HEALTHCHECK').health, {
    Test: ['CMD', '/bin/check', '-q'], Interval: 0, Timeout: 0, StartPeriod: 0, Retries: 0,
  });
});

test('instruction words are case-insensitive; lines and source are kept', () => {
  const df = parseDockerfileStages('from x\nrun echo \\\n  hi\ncopy a b\n');
  const [run, copy] = df.stages[0].commands;
  assert.deepEqual([run.kind, run.line, run.endLine, run.original], ['RUN', 2, 3, 'run echo   hi']);
  assert.equal(copy.kind, 'COPY');
});

test('errors as Docker words them, naming the line', () => {
  const cases: [string, string][] = [
    ['FROM x\nRUN a\nFOO bar', 'dockerfile parse error line 3: unknown instruction: FOO'],
    ['FROM x\nCOPY --foo=1 a b', 'dockerfile parse error line 2: Unknown flag: foo'],
    ['FROM x\nRUN --mount=type=bind,source=/x,target=/y,size=1 true', 'dockerfile parse error line 2: unexpected key \'size\' for mount type \'bind\''],
    ['FROM x\nRUN --network=bridge true', 'dockerfile parse error line 2: invalid network mode "bridge"'],
    ['FROM x\nCOPY --from a b', 'dockerfile parse error line 2: Missing a value on flag: from'],
    ['FROM x\nCOPY --from=a --from=b a b', 'dockerfile parse error line 2: Duplicate flag specified: from'],
    ['FROM x\nCOPY --link=maybe a b', 'dockerfile parse error line 2: Expecting boolean value for flag link, not: maybe'],
    ['FROM x\nCOPY a', 'dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined.'],
    ['FROM x\nADD a', 'dockerfile parse error line 2: ADD requires at least two arguments, but only one was provided. Destination could not be determined.'],
    ['FROM', 'dockerfile parse error line 1: FROM requires either one or three arguments'],
    ['FROM a b', 'dockerfile parse error line 1: FROM requires either one or three arguments'],
    ['FROM a AS 1x', 'dockerfile parse error line 1: invalid name for build stage: "1x", name can\'t start with a number or contain symbols'],
    ['FROM x\nWORKDIR', 'dockerfile parse error line 2: WORKDIR requires exactly one argument'],
    ['FROM x\nUSER', 'dockerfile parse error line 2: USER requires exactly one argument'],
    ['FROM x\nEXPOSE', 'dockerfile parse error line 2: EXPOSE requires at least one argument'],
    ['FROM x\nVOLUME', 'dockerfile parse error line 2: VOLUME requires at least one argument'],
    ['FROM x\nVOLUME [""]', 'dockerfile parse error line 2: VOLUME specified can not be an empty string'],
    ['FROM x\nSTOPSIGNAL', 'dockerfile parse error line 2: STOPSIGNAL requires exactly one argument'],
    ['FROM x\nMAINTAINER', 'dockerfile parse error line 2: MAINTAINER requires exactly one argument'],
    ['FROM x\nARG', 'dockerfile parse error line 2: ARG requires at least one argument'],
    ['FROM x\nARG =x', 'dockerfile parse error line 2: ARG names can not be blank'],
    ['FROM x\nENV', 'dockerfile parse error line 2: ENV requires at least one argument'],
    ['FROM x\nENV =x', 'dockerfile parse error line 2: ENV names can not be blank'],
    ['FROM x\nLABEL', 'dockerfile parse error line 2: LABEL requires at least one argument'],
    ['FROM x\nSHELL /bin/sh -c', 'dockerfile parse error line 2: SHELL requires the arguments to be in JSON form'],
    ['FROM x\nSHELL', 'dockerfile parse error line 2: SHELL requires at least one argument'],
    ['FROM x\nONBUILD', 'dockerfile parse error line 2: ONBUILD requires at least one argument'],
    ['FROM x\nONBUILD ONBUILD RUN x', 'dockerfile parse error line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed'],
    ['FROM x\nONBUILD FROM y', 'dockerfile parse error line 2: FROM isn\'t allowed as an ONBUILD trigger'],
    ['FROM x\nONBUILD MAINTAINER y', 'dockerfile parse error line 2: MAINTAINER isn\'t allowed as an ONBUILD trigger'],
    ['FROM x\nHEALTHCHECK', 'dockerfile parse error line 2: HEALTHCHECK requires at least one argument'],
    ['FROM x\nHEALTHCHECK NONE x', 'dockerfile parse error line 2: HEALTHCHECK NONE takes no arguments'],
    ['FROM x\nHEALTHCHECK CMD', 'dockerfile parse error line 2: Missing command after HEALTHCHECK CMD'],
    ['FROM x\nHEALTHCHECK FOO x', 'dockerfile parse error line 2: Unknown type "FOO" in HEALTHCHECK (try CMD)'],
    ['FROM x\nHEALTHCHECK --interval=0s CMD x', 'dockerfile parse error line 2: Interval "interval" cannot be less than 1ms'],
    ['FROM x\nHEALTHCHECK --timeout=5 CMD x', 'dockerfile parse error line 2: time: missing unit in duration "5"'],
    ['FROM x\nHEALTHCHECK --retries=0 CMD x', 'dockerfile parse error line 2: --retries must be at least 1 (not 0)'],
    ['FROM x\nHEALTHCHECK --start-interval=1s CMD x', 'dockerfile parse error line 2: Unknown flag: start-interval'],
    ['FROM x\nENV --foo=1 A=b', 'dockerfile parse error line 2: Unknown flag: foo'],
    ['RUN x', 'no build stage in current context'],
  ];
  for (const [text, message] of cases) fails(text, message);
  assert.throws(() => parseDockerfileStages('FROM x\nBAD y'), (e: unknown) => e instanceof DockerfileParseError && e.line === 2 && e.status === 400);
});

test('ONBUILD triggers parse back into instructions', () => {
  const t = parseTrigger('COPY --chown=1 . /app');
  assert.equal(t.kind, 'COPY');
  assert.throws(() => parseTrigger('FROM x'), /FROM isn't allowed as an ONBUILD trigger/);
  assert.throws(() => parseTrigger('RUN a\nRUN b'), /single expression/);
});
