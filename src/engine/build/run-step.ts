import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContainerCreateRequest, Mount } from '../../api-types';
import { runFailedMessage, type RunMount, type Step } from '../../build';
import type { ImageRecord } from '../../image';
import type { OutputChunk } from '../../runtime';
import { scopedJoin } from '../../util/archive';
import { InvalidParameterError } from '../../util/errors';
import { commitRwLayer, imageConfigOf } from '../container/commit';
import { mkdirAllInRoot } from './copy-files';
import { shortId } from './output';
import { BuildFailure, type BuildSession, type Emit } from './session';

type RunStep = Extract<Step, { kind: 'run' }>;

/** Where a RUN --mount from= reads: the context, or another stage's or an image's root. */
export type RootOf = (from: string) => Promise<string>;

/**
 * `sharing=locked` cache mounts: one RUN at a time per cache directory, across every build of
 * the daemon; a `sharing=private` one takes the directory when nobody holds it, else gets a
 * new empty one of its own (BuildKit: "a new mount if there are multiple writers").
 */
const cacheLocks = new Map<string, Promise<void>>();

async function lockCache(dir: string): Promise<() => void> {
  const previous = cacheLocks.get(dir) ?? Promise.resolve();
  let release: () => void = () => undefined;
  const mine = new Promise<void>((resolve) => { release = resolve; });
  const chained = previous.then(() => mine);
  cacheLocks.set(dir, chained);
  await previous;
  return () => {
    release();
    if (cacheLocks.get(dir) === chained) cacheLocks.delete(dir);
  };
}

async function hostMounts(s: BuildSession, mounts: readonly RunMount[], rootOf: RootOf, unlocks: (() => void)[]): Promise<Mount[]> {
  const out: Mount[] = [];
  const locked = new Set<string>();
  for (const m of mounts) {
    switch (m.type) {
      case 'cache': {
        let dir = s.cacheMountDir(m.id || m.target);
        if (m.sharing === 'private' && cacheLocks.has(dir)) {
          // in use: this RUN writes to a directory of its own, gone with the build
          dir = s.tmpPath('private-caches', `${Date.now()}-${out.length}-${Math.random().toString(36).slice(2)}`);
        } else if ((m.sharing === 'locked' || m.sharing === 'private') && !locked.has(dir)) {
          locked.add(dir);
          unlocks.push(await lockCache(dir));
        }
        if (!fs.existsSync(dir)) {
          await fs.promises.mkdir(dir, { recursive: true, mode: 0o755 });
          await fs.promises.chmod(dir, m.mode ?? 0o755);
          await fs.promises.chown(dir, m.uid ?? 0, m.gid ?? 0);
        }
        out.push({ Type: 'bind', Source: dir, Target: m.target, ReadOnly: m.readOnly });
        break;
      }
      case 'bind': {
        if (m.from === '') await s.contextOnDisk();
        const root = m.from === '' ? s.ctxDir : await rootOf(m.from);
        out.push({ Type: 'bind', Source: scopedJoin(root, m.source || '/'), Target: m.target, ReadOnly: m.readOnly });
        break;
      }
      case 'tmpfs':
        out.push({ Type: 'tmpfs', Target: m.target, TmpfsOptions: m.size ? { SizeBytes: m.size } : {} });
        break;
      default:
        throw new InvalidParameterError(`RUN --mount=type=${m.type} is not supported by this builder`);
    }
  }
  return out;
}

function networkMode(s: BuildSession, step: RunStep): string {
  if (step.network === 'none' || step.network === 'host') return step.network;
  const m = s.opts.networkMode;
  return m === '' ? 'default' : m;
}

/**
 * RUN: a container of the parent image made through the engine's one create path, its
 * output streamed as the step's, committed when it exits 0, removed (rm) or kept for
 * inspection on failure unless forcerm. A hang-up kills and removes it.
 */
export async function runStep(s: BuildSession, step: RunStep, parent: ImageRecord | null, emit: Emit, rootOf: RootOf, author = ''): Promise<ImageRecord> {
  if (!parent) throw new BuildFailure(`failed to create the RUN container: no command can run in an empty (scratch) image: ${step.cmd.join(' ')}`);
  const unlocks: (() => void)[] = [];
  try {
    return await runContainer(s, step, parent, emit, await hostMounts(s, step.mounts, rootOf, unlocks), author);
  } finally {
    for (const u of unlocks) u();
  }
}

async function runContainer(s: BuildSession, step: RunStep, parent: ImageRecord, emit: Emit, mounts: Mount[], author: string): Promise<ImageRecord> {
  if (step.script) {
    const file = s.tmpPath('scripts', `${Date.now()}-${path.posix.basename(step.script.path)}`);
    await fs.promises.mkdir(path.dirname(file), { recursive: true });
    await fs.promises.writeFile(file, step.script.content, { mode: 0o755 });
    mounts.push({ Type: 'bind', Source: file, Target: step.script.path, ReadOnly: true });
  }
  const c = step.config;
  const req: ContainerCreateRequest = {
    Image: parent.id,
    Cmd: step.cmd,
    Entrypoint: [],
    Env: step.env,
    WorkingDir: c.WorkingDir ?? '',
    User: c.User ?? '',
    Labels: c.Labels ?? {},
    Healthcheck: { Test: ['NONE'] },
    AttachStdout: true,
    AttachStderr: true,
    HostConfig: { ...(s.opts.resources ?? {}), NetworkMode: networkMode(s, step), ExtraHosts: s.opts.extraHosts, Mounts: mounts },
  };
  s.checkAborted();
  const { Id: id } = await s.deps.containers.create(undefined, req);
  emit({ stream: ` ---> Running in ${shortId(id)}\n` });
  let removeAfter = s.opts.forceRm;
  try {
    s.running.add(id);
    const session = await s.deps.containers.attach(id, { stream: true, logs: false, stdin: false, stdout: true, stderr: true });
    session.output.on('data', (chunk: OutputChunk) => {
      const text = chunk.data.toString('utf8');
      // the classic builder colours stderr red (streamformatter's stderr writer)
      emit({ stream: chunk.stream === 'stderr' ? `\u001b[91m${text}\u001b[0m` : text });
    });
    const exited = s.deps.containers.wait(id, 'next-exit', s.signal);
    await s.deps.containers.start(id);
    const { StatusCode: code } = await exited;
    await session.done;
    s.running.delete(id);
    s.checkAborted();
    if (code !== 0) throw new BuildFailure(runFailedMessage(step.cmd, code), code);
    const img = await commitStepContainer(s, step, parent, id, author);
    removeAfter = s.opts.rm || s.opts.forceRm;
    return img;
  } finally {
    s.running.delete(id);
    releaseStepContainer(s, id, removeAfter, emit);
  }
}

type MetadataStep = Extract<Step, { kind: 'commit' | 'workdir' }>;

/**
 * A metadata step (ENV, LABEL, CMD, EXPOSE, ... and WORKDIR) as the classic builder makes it:
 * a container of the parent image created, never started, with the step's "#(nop)" command;
 * WORKDIR's directory made in its filesystem; committed; then removed as RUN's are. So the
 * output has docker's "Running in" and "Removing intermediate container" lines, and with
 * --rm=false the containers stay, as docker's do.
 */
export async function metadataStep(s: BuildSession, step: MetadataStep, parent: ImageRecord, emit: Emit, author = ''): Promise<ImageRecord> {
  const c = step.containerConfig;
  const req: ContainerCreateRequest = {
    Image: parent.id,
    Cmd: c.Cmd ?? [],
    Entrypoint: [],
    Env: c.Env ?? [],
    WorkingDir: c.WorkingDir ?? '',
    User: c.User ?? '',
    Labels: c.Labels ?? {},
    Healthcheck: { Test: ['NONE'] },
    HostConfig: { NetworkMode: 'none' },
  };
  s.checkAborted();
  const { Id: id } = await s.deps.containers.create(undefined, req);
  emit({ stream: ` ---> Running in ${shortId(id)}\n` });
  let removeAfter = s.opts.forceRm;
  try {
    if (step.kind === 'workdir') {
      const root = await s.deps.layers.mount(id);
      try {
        await mkdirAllInRoot(root, step.path, { uid: 0, gid: 0 });
      } finally {
        await s.deps.layers.unmount(id);
      }
    }
    const img = await commitStepContainer(s, step, parent, id, author);
    removeAfter = s.opts.rm || s.opts.forceRm;
    return img;
  } finally {
    releaseStepContainer(s, id, removeAfter, emit);
  }
}

/** The step's image: the container's changes, the step's config, its probe config with the container's hostname. */
function commitStepContainer(s: BuildSession, step: RunStep | MetadataStep, parent: ImageRecord, id: string, author: string): Promise<ImageRecord> {
  return commitRwLayer(s.deps.layers, s.deps.images, {
    rwId: id, parent,
    config: imageConfigOf({ ...step.config, Image: parent.id }),
    containerConfig: imageConfigOf({ ...step.containerConfig, Image: parent.id, Hostname: shortId(id) }),
    containerId: id,
    createdBy: step.createdBy,
    author: author || undefined,
  });
}

/** docker's rm/forcerm: removed after success with rm, always with forcerm, and when the build stops. */
function releaseStepContainer(s: BuildSession, id: string, remove: boolean, emit: Emit): void {
  if (!remove && !s.stopping) return;
  emit({ stream: `Removing intermediate container ${shortId(id)}\n` });
  s.removeContainer(id);
}
