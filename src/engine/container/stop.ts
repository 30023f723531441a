import { ConflictError, NotModifiedError } from '../../util/errors';
import { parseSignal } from '../../util/signals';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';
import { notRunning, startContainer } from './start';

const SIGKILL = 9;

function cancelRestart(deps: ContainerDeps, doc: ContainerDoc): boolean {
  const mon = deps.monitors.get(doc.id);
  if (!doc.state.Restarting) return false;
  if (mon.restartTimer) clearTimeout(mon.restartTimer);
  mon.restartTimer = null;
  doc.state.Restarting = false;
  doc.manuallyStopped = true;
  deps.registry.save(doc);
  return true;
}

/** Sends `sig` and records Docker's "kill" event; an already-gone process is not an error here. */
async function signal(deps: ContainerDeps, doc: ContainerDoc, sig: number): Promise<void> {
  deps.events.publish('container', 'kill', doc.id, eventAttrs(doc, { signal: String(sig) }));
  await deps.runtime.kill(doc.id, sig, true).catch(() => undefined);
  if (doc.state.Paused) await deps.runtime.resume(doc.id).catch(() => undefined);
}

/** Waits for the next exit, or `ms` (< 0: forever). True when it exited. */
async function exitedWithin(deps: ContainerDeps, doc: ContainerDoc, exited: Promise<number>, ms: number): Promise<boolean> {
  if (!doc.state.Running) return true;
  if (ms < 0) {
    await exited;
    return true;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), ms); });
  const r = await Promise.race([exited.then(() => true), timeout]);
  clearTimeout(timer);
  return r;
}

/** docker stop: the stop signal, then SIGKILL after the timeout. */
export async function stopContainer(deps: ContainerDeps, doc: ContainerDoc, timeoutSec?: number, sig?: string): Promise<void> {
  if (!doc.state.Running) {
    if (cancelRestart(deps, doc)) return;
    throw new NotModifiedError();
  }
  const mon = deps.monitors.get(doc.id);
  mon.stopping = true;
  doc.manuallyStopped = true;
  deps.registry.save(doc);
  const stopSignal = parseSignal(sig || doc.config.StopSignal || 'SIGTERM');
  const timeout = timeoutSec ?? doc.config.StopTimeout ?? 10;
  const exited = mon.nextExit();
  await signal(deps, doc, stopSignal);
  if (!(await exitedWithin(deps, doc, exited, timeout * 1000))) {
    await signal(deps, doc, SIGKILL);
    await exitedWithin(deps, doc, exited, -1);
  }
  deps.events.publish('container', 'stop', doc.id, eventAttrs(doc));
}

/** docker kill: one signal; SIGKILL waits for the exit to be recorded. */
export async function killContainer(deps: ContainerDeps, doc: ContainerDoc, sig?: string): Promise<void> {
  const n = parseSignal(sig || 'SIGKILL');
  if (!doc.state.Running) {
    throw new ConflictError(`Cannot kill container: ${doc.name}: Container ${doc.id} is not running`);
  }
  const mon = deps.monitors.get(doc.id);
  const exited = mon.nextExit();
  if (n === SIGKILL) {
    mon.stopping = true;
    doc.manuallyStopped = true;
    deps.registry.save(doc);
  }
  await signal(deps, doc, n);
  if (n === SIGKILL) await exitedWithin(deps, doc, exited, 10_000);
}

export async function restartContainer(deps: ContainerDeps, doc: ContainerDoc, timeoutSec?: number, sig?: string): Promise<void> {
  if (doc.state.Running) await stopContainer(deps, doc, timeoutSec, sig);
  else cancelRestart(deps, doc);
  await startContainer(deps, doc);
  deps.events.publish('container', 'restart', doc.id, eventAttrs(doc));
}

export async function pauseContainer(deps: ContainerDeps, doc: ContainerDoc): Promise<void> {
  if (!doc.state.Running) throw notRunning(doc);
  if (doc.state.Paused) throw new ConflictError(`Container ${doc.id} is already paused`);
  await deps.runtime.pause(doc.id);
  doc.state.Paused = true;
  deps.registry.save(doc);
  deps.events.publish('container', 'pause', doc.id, eventAttrs(doc));
}

export async function unpauseContainer(deps: ContainerDeps, doc: ContainerDoc): Promise<void> {
  if (!doc.state.Paused) throw new ConflictError(`Container ${doc.id} is not paused`);
  await deps.runtime.resume(doc.id);
  doc.state.Paused = false;
  deps.registry.save(doc);
  deps.events.publish('container', 'unpause', doc.id, eventAttrs(doc));
}
