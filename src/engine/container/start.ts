import type { NamespaceMode } from '../../runtime';
import { ConflictError, EngineError, InvalidParameterError, NotModifiedError, SystemError, errorMessage } from '../../util/errors';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';
import { removeContainer } from './remove';
import { buildRunSpec } from './run-spec';

/**
 * Starts a created or exited container: mount its rootfs, have the runtime create it under
 * conmon, join any attach sessions waiting for it, then start the process.
 */
export function startContainer(deps: ContainerDeps, doc: ContainerDoc, restarting = false): Promise<void> {
  const mon = deps.monitors.get(doc.id);
  return mon.serial(async () => {
    if (mon.removing) throw new ConflictError(`Container ${doc.id} is marked for removal and cannot be started.`);
    if (doc.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
    if (doc.state.Running) throw new NotModifiedError();
    if (restarting !== doc.state.Restarting) {
      if (restarting) return; // a stop or a manual start overtook the scheduled restart
      if (mon.restartTimer) clearTimeout(mon.restartTimer);
      mon.restartTimer = null;
      doc.state.Restarting = false;
    }
    let rootfs: string;
    try {
      rootfs = await deps.layers.mount(doc.id);
    } catch (e) {
      throw failed(deps, doc, e); // recorded, and a --rm container removed, like any failed start
    }
    let netns: NamespaceMode;
    try {
      netns = await deps.network.setup(doc);
    } catch (e) {
      await deps.layers.unmount(doc.id).catch(() => undefined);
      throw failed(deps, doc, e);
    }
    const spec = buildRunSpec(doc, rootfs, netns);
    // what a start that fails from here on undoes, in one place for both failure points
    const undo = async (): Promise<void> => {
      await deps.network.teardown(doc).catch(() => undefined);
      await deps.layers.unmount(doc.id).catch(() => undefined);
      await deps.volumes?.release(doc, false).catch(() => undefined);
    };
    await deps.runtime.delete(doc.id, true).catch(() => undefined);
    try {
      if (deps.volumes) {
        const prepared = await deps.volumes.prepare(doc, rootfs);
        spec.mounts.push(...prepared.specs);
        if (prepared.changed) deps.registry.save(doc);
      }
      // Docker closes a container's stdin after its client only for non-TTY StdinOnce (docker run -i)
      const stdinOnce = !!doc.config.StdinOnce && !doc.config.Tty;
      await deps.runtime.create(spec, { tty: !!doc.config.Tty, stdin: !!doc.config.OpenStdin, stdinOnce, logPath: doc.logPath, consoleSize: consoleSize(doc) });
    } catch (e) {
      await undo();
      throw failed(deps, doc, e);
    }
    // join waiting attach sessions before the process runs, so none of its output is lost
    for (const join of mon.pendingAttach.splice(0)) {
      try {
        join(await deps.runtime.attach(doc.id));
      } catch {
        // the attach side reports its own failure
      }
    }
    let pid: number;
    try {
      await deps.network.ready(doc); // the interfaces, set up while the runtime created the container
      ({ pid } = await deps.runtime.start(doc.id));
    } catch (e) {
      await deps.runtime.delete(doc.id, true).catch(() => undefined);
      await undo();
      throw failed(deps, doc, e);
    }
    const s = doc.state;
    s.Running = true;
    s.Restarting = false;
    s.Paused = false;
    s.Pid = pid;
    s.StartedAt = new Date().toISOString();
    s.Error = '';
    s.ExitCode = 0;
    s.OOMKilled = false;
    if (doc.config.Healthcheck?.Test && doc.config.Healthcheck.Test[0] !== 'NONE') {
      s.Health = { Status: 'starting', FailingStreak: 0, Log: [] };
    }
    doc.hasBeenStarted = true;
    doc.manuallyStopped = false;
    mon.stopping = false;
    mon.startedAtMs = Date.now();
    deps.registry.save(doc);
    deps.events.publish('container', 'start', doc.id, eventAttrs(doc));
    deps.health.start(doc);
  });
}

/**
 * Records a failed start as Docker does (State.Error, exit code 126/127/128) and, for --rm,
 * removes the container: the docker CLI waits for that removal after a failed start.
 */
function failed(deps: ContainerDeps, doc: ContainerDoc, e: unknown): EngineError {
  const err = startError(e);
  doc.state.Error = err.message;
  doc.state.ExitCode = exitCodeFor(err.message);
  doc.state.Restarting = false;
  deps.registry.save(doc);
  if (doc.hostConfig.AutoRemove) {
    setImmediate(() => { removeContainer(deps, doc, { force: true, volumes: true }).catch(() => undefined); });
  }
  return err;
}

function consoleSize(doc: ContainerDoc): { rows: number; cols: number } | undefined {
  const cs = doc.hostConfig.ConsoleSize;
  return cs && cs[0] > 0 && cs[1] > 0 ? { rows: cs[0], cols: cs[1] } : undefined;
}

/** Docker's wording for a failed task creation; "not found"/"permission denied" are the user's fault (400). */
function startError(e: unknown): EngineError {
  if (e instanceof EngineError && e.status < 500) return e;
  const msg = errorMessage(e).trim();
  const full = `failed to create task for container: failed to create shim task: OCI runtime create failed: ${msg}: unknown`;
  if (/executable file not found|no such file or directory|permission denied|is a directory|not a directory/i.test(msg)) {
    return new InvalidParameterError(full);
  }
  return new SystemError(full);
}

/** The exit code Docker records for a container that could not start (read by the CLI as 126/127). */
function exitCodeFor(msg: string): number {
  if (/executable file not found|no such file or directory/i.test(msg)) return 127;
  if (/permission denied|is a directory/i.test(msg)) return 126;
  return 128;
}

export function notRunning(doc: ContainerDoc): ConflictError {
  return new ConflictError(`Container ${doc.id} is not running`);
}

