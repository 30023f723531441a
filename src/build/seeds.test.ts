import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BuildArgs } from './build-args';
import { parseDockerfileStages } from './dockerfile/instructions';
import { planBuild } from './plan';
import { DEFAULT_PATH_ENV, StageDispatcher, type RunConfig } from './steps';

/**
 * The Dockerfiles of the course notes (../shared/seeds), with busybox standing in for Debian:
 * parsed, planned and dispatched, checking the config `inspect` shows and `history`'s lines.
 */

const BUSYBOX: RunConfig = { Env: [DEFAULT_PATH_ENV], Cmd: ['sh'] };

function run(text: string, base: RunConfig = BUSYBOX): { config: RunConfig; history: string[] } {
  const df = parseDockerfileStages(text);
  const plan = planBuild(df);
  let config: RunConfig = base;
  const history: string[] = [];
  for (const i of plan.needed) {
    const d = new StageDispatcher({ base: config, buildArgs: plan.buildArgs, escapeToken: df.escapeToken });
    for (const inst of df.stages[i].commands) {
      if (inst.kind === 'COPY' || inst.kind === 'ADD') history.push(d.copy(inst).createdBy('file:0'));
      else history.push(d.dispatch(inst).createdBy);
    }
    config = d.config;
  }
  return { config, history };
}

test('FROM busybox + ENV foo=bar', () => {
  const r = run('FROM busybox\n\nENV foo=bar\n');
  assert.deepEqual(r.config.Env, [DEFAULT_PATH_ENV, 'foo=bar']);
  assert.deepEqual(r.config.Cmd, ['sh']);
  assert.deepEqual(r.history, ['/bin/sh -c #(nop)  ENV foo=bar']);
});

test('legacy LABEL/ENV forms and an exec-form ENTRYPOINT (apache example)', () => {
  const r = run([
    'FROM busybox',
    'LABEL maintainer "ana@cardo.org"',
    'RUN echo install && rm -rf /var/lib/apt/lists/*',
    'ENV APACHE_RUN_USER www-data',
    'ENV APACHE_LOG_DIR /var/log/apache2',
    'EXPOSE 80',
    'ADD ["index.html","/var/www/html/"]',
    'ENTRYPOINT ["/usr/sbin/httpd", "-f", "-p", "80"]',
  ].join('\n'));
  assert.deepEqual(r.config.Labels, { maintainer: 'ana@cardo.org' });
  assert.deepEqual(r.config.Env, [DEFAULT_PATH_ENV, 'APACHE_RUN_USER=www-data', 'APACHE_LOG_DIR=/var/log/apache2']);
  assert.deepEqual(r.config.ExposedPorts, { '80/tcp': {} });
  assert.deepEqual(r.config.Entrypoint, ['/usr/sbin/httpd', '-f', '-p', '80']);
  assert.equal(r.config.Cmd, null);
  assert.deepEqual(r.history, [
    '/bin/sh -c #(nop)  LABEL maintainer=ana@cardo.org',
    '/bin/sh -c echo install && rm -rf /var/lib/apt/lists/*',
    '/bin/sh -c #(nop)  ENV APACHE_RUN_USER=www-data',
    '/bin/sh -c #(nop)  ENV APACHE_LOG_DIR=/var/log/apache2',
    '/bin/sh -c #(nop)  EXPOSE 80',
    '/bin/sh -c #(nop) ADD file:0 in /var/www/html/ ',
    '/bin/sh -c #(nop)  ENTRYPOINT ["/usr/sbin/httpd" "-f" "-p" "80"]',
  ]);
});

test('cowsay: ENTRYPOINT then CMD', () => {
  const r = run('FROM busybox\nLABEL maintainer "tu@mismo.org"\nENTRYPOINT ["/bin/echo"]\nCMD ["Docker mooooooola!"]\n');
  assert.deepEqual([r.config.Entrypoint, r.config.Cmd], [['/bin/echo'], ['Docker mooooooola!']]);
});

test('shell-form ENTRYPOINT and CMD (the notes\' "ENTRYPOINT echo" example)', () => {
  const r = run('FROM busybox\nENTRYPOINT echo\nCMD "Hello docker!"\nENTRYPOINT echo\n');
  assert.deepEqual(r.config.Entrypoint, ['/bin/sh', '-c', 'echo']);
  // CMD was set in this stage, so the second ENTRYPOINT keeps it
  assert.deepEqual(r.config.Cmd, ['/bin/sh', '-c', '"Hello docker!"']);
});

test('an indented Dockerfile with comment lines and a continued RUN', () => {
  const r = run([
    '  # Base image',
    '  FROM busybox',
    '',
    '  # Dependencies',
    '    # wget: HTTP',
    '  RUN echo apt-get update && echo apt-get -y install \\',
    '    apache2 \\',
    '    # php5: a comment inside the continuation',
    '    php5 \\',
    '    wget',
    '',
  ].join('\n'));
  assert.deepEqual(r.history, ['/bin/sh -c echo apt-get update && echo apt-get -y install     apache2     php5     wget']);
});

test('Python-app style: WORKDIR, ADD ., EXPOSE, ENV, CMD', () => {
  const r = run([
    '# Use an official Python runtime as a parent image',
    'FROM busybox',
    'WORKDIR /app',
    'ADD . /app',
    'RUN echo pip install --trusted-host pypi.python.org -r requirements.txt',
    'EXPOSE 80',
    'ENV NAME World',
    'CMD ["python", "app.py"]',
  ].join('\n'));
  assert.equal(r.config.WorkingDir, '/app');
  assert.deepEqual(r.config.Env, [DEFAULT_PATH_ENV, 'NAME=World']);
  assert.deepEqual(r.config.Cmd, ['python', 'app.py']);
  assert.deepEqual(r.history.slice(0, 2), ['/bin/sh -c #(nop) WORKDIR /app', '/bin/sh -c #(nop) ADD file:0 in /app ']);
});

test('two stages: the artefact stage and the final one', () => {
  const df = parseDockerfileStages('FROM busybox AS build\nRUN echo hi > /out\nFROM busybox\nCOPY --from=build /out /out\nCMD ["cat", "/out"]\n');
  const p = planBuild(df);
  assert.deepEqual(p.waves, [[0], [1]]);
  assert.deepEqual(run('FROM busybox AS build\nRUN echo hi > /out\nFROM busybox\nCOPY --from=build /out /out\nCMD ["cat", "/out"]\n').config.Cmd, ['cat', '/out']);
});

test('ENV pairs of one instruction see the environment from before it', () => {
  const d = new StageDispatcher({ base: { Env: ['A=old'] }, buildArgs: new BuildArgs() });
  const df = parseDockerfileStages('FROM x\nENV A=new B=$A\nENV C=$A');
  d.dispatch(df.stages[0].commands[0]);
  d.dispatch(df.stages[0].commands[1]);
  assert.deepEqual(d.config.Env, ['A=new', DEFAULT_PATH_ENV, 'B=old', 'C=new']);
});
