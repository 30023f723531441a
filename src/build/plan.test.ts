import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDockerfileStages } from './dockerfile/instructions';
import { planBuild, processMetaArgs } from './plan';

const MULTI = [
  'ARG GO=1.21',
  'FROM golang:${GO} AS deps',            // 0
  'RUN download',
  'FROM deps AS build',                   // 1: FROM deps
  'RUN --mount=type=cache,target=/c,from=tools make',
  'FROM busybox AS tools',                // 2
  'FROM alpine AS docs',                  // 3: unused by the final stage
  'RUN make docs',
  'FROM busybox AS lint',                 // 4
  'COPY --from=0 /src /src',
  'FROM scratch',                         // 5
  'COPY --from=build /app /app',
  'COPY --from=lint /ok /ok',
  'COPY --from=nginx:latest /etc/nginx /etc/nginx',
].join('\n');

test('only the stages the target needs, in waves that may run concurrently', () => {
  const p = planBuild(parseDockerfileStages(MULTI));
  assert.equal(p.target, 5);
  assert.deepEqual(p.stages.map((s) => s.base), ['golang:1.21', 'deps', 'busybox', 'alpine', 'busybox', 'scratch']);
  assert.deepEqual(p.stages.map((s) => s.baseStage), [null, 0, null, null, null, null]);
  // `from=tools` names a later stage: an image for the classic builder
  assert.deepEqual(p.stages[1].deps, [0]);
  assert.deepEqual(p.stages[1].images, ['tools']);
  assert.deepEqual(p.stages[4].deps, [0]);
  assert.deepEqual(p.stages[5].deps, [1, 4]);
  assert.deepEqual(p.stages[5].images, ['nginx:latest']);
  assert.deepEqual(p.needed, [0, 1, 4, 5]);
  assert.deepEqual(p.waves, [[0], [1, 4], [5]]);
});

test('--target builds up to the named stage (case-insensitive) and what it needs', () => {
  const df = parseDockerfileStages(MULTI);
  const p = planBuild(df, { target: 'Lint' });
  assert.equal(p.target, 4);
  assert.deepEqual(p.needed, [0, 4]);
  assert.deepEqual(p.waves, [[0], [4]]);
  assert.deepEqual(planBuild(df, { target: 'docs' }).needed, [3]);
  assert.throws(() => planBuild(df, { target: 'nope' }), { message: 'failed to reach build target nope in Dockerfile', status: 400 } as object);
});

test('independent stages land in one wave', () => {
  const df = parseDockerfileStages('FROM a AS one\nFROM b AS two\nFROM c AS three\nFROM d\nCOPY --from=one /x /\nCOPY --from=two /x /\nCOPY --from=2 /x /\n');
  const p = planBuild(df);
  assert.deepEqual(p.waves, [[0, 1, 2], [3]]);
});

test('COPY --from by index: current stage and later ones are errors', () => {
  assert.throws(() => planBuild(parseDockerfileStages('FROM a\nCOPY --from=0 /x /')), { message: 'invalid from flag value 0: refers to current build stage' });
  assert.throws(() => planBuild(parseDockerfileStages('FROM a\nCOPY --from=3 /x /')), { message: 'invalid from flag value 3: index out of bounds' });
});

test('ARG before FROM: usable in FROM only, overridable with --build-arg', () => {
  const df = parseDockerfileStages('ARG TAG=1.36\nARG IMG=busybox:$TAG\nFROM $IMG\nARG TAG\nRUN echo $TAG\nFROM ${IMG}-x');
  const p = planBuild(df);
  assert.deepEqual(p.stages.map((s) => s.base), ['busybox:1.36', 'busybox:1.36-x']);
  const o = planBuild(df, { buildArgs: new Map([['TAG', '1.37']]) });
  assert.deepEqual(o.stages.map((s) => s.base), ['busybox:1.37', 'busybox:1.37-x']);
  // in a stage, the meta ARG is visible only once redeclared
  const args = processMetaArgs(df).forStage();
  assert.equal(args.allAllowed().get('TAG'), undefined);
  args.addArg('TAG', undefined);
  assert.equal(args.allAllowed().get('TAG'), '1.36');
  assert.throws(() => planBuild(parseDockerfileStages('ARG X\nFROM $X')), { message: 'base name ($X) should not be blank' });
});

test('FROM --platform is expanded with meta args', () => {
  const p = planBuild(parseDockerfileStages('ARG P=linux/amd64\nFROM --platform=$P busybox'));
  assert.equal(p.stages[0].platform, 'linux/amd64');
});

test('automatic platform args: in FROM lines, and in a stage once declared', () => {
  const df = parseDockerfileStages('FROM --platform=$BUILDPLATFORM busybox:$TARGETARCH\nARG TARGETOS\nRUN echo $TARGETOS');
  const p = planBuild(df, { platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } });
  assert.equal(p.stages[0].platform, 'linux/arm64/v8');
  assert.equal(p.stages[0].base, 'busybox:arm64');
  const s = p.buildArgs.forStage();
  assert.equal(s.allAllowed().get('TARGETOS'), undefined);
  s.addArg('TARGETOS', undefined);
  assert.equal(s.allAllowed().get('TARGETOS'), 'linux');
  assert.equal(p.buildArgs.unusedWarning(), null);
});

test('the step count covers meta ARGs and the needed stages only', () => {
  const p = planBuild(parseDockerfileStages(MULTI));
  // 1 meta ARG + stage 0 (FROM+1) + stage 1 (FROM+1) + stage 4 (FROM+1) + stage 5 (FROM+3)
  assert.equal(p.stepCount, 1 + 2 + 2 + 2 + 4);
});

test('a stage name used twice is an error', () => {
  assert.throws(() => planBuild(parseDockerfileStages('FROM a AS x\nFROM b AS X')), { message: 'x stage name already used', status: 400 } as object);
});
