import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConflictError } from '../../util/errors';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';

/**
 * docker rm: refuses a running container unless forced. Once the container has stopped its
 * row is deleted and waiters are told; its runtime state, layer and files go right after.
 * The row goes first so that a crash in between leaves only orphans, which
 * collectOrphans() removes at the next start: never a container pointing at missing files.
 */
export async function removeContainer(deps: ContainerDeps, doc: ContainerDoc, opts: { force: boolean; volumes: boolean }): Promise<void> {
  const mon = deps.monitors.get(doc.id);
  if (doc.state.Running && !opts.force) {
    if (doc.state.Paused) {
      throw new ConflictError(`You cannot remove a paused container ${doc.id}. Unpause and then stop the container before attempting removal or force remove`);
    }
    throw new ConflictError(`You cannot remove a running container ${doc.id}. Stop the container before attempting removal or force remove`);
  }
  if (mon.removing) throw new ConflictError(`removal of container ${doc.name} is already in progress`);
  mon.removing = true;
  try {
    if (mon.restartTimer) clearTimeout(mon.restartTimer);
    mon.restartTimer = null;
    if (doc.state.Running) {
      mon.stopping = true;
      const exited = mon.nextExit();
      deps.events.publish('container', 'kill', doc.id, eventAttrs(doc, { signal: '9' }));
      await deps.runtime.kill(doc.id, 9, true).catch(() => undefined);
      if (doc.state.Paused) await deps.runtime.resume(doc.id).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
    deps.health.stop(doc.id);
    deps.registry.remove(doc);
  } catch (e) {
    mon.removing = false;
    throw e;
  }
  await deps.volumes?.removed(doc, opts.volumes).catch(() => undefined);
  deps.events.publish('container', 'destroy', doc.id, eventAttrs(doc));
  mon.notifyRemoved(doc.state.ExitCode);
  deps.monitors.delete(doc.id);
  // after the exit handling of this container (it deletes the runtime state too), then ours
  deps.cleanups.add(mon.serial(async () => {
    await deps.network.teardown(doc).catch(() => undefined);
    await cleanupFiles(deps, doc.id);
  }));
}

/** Runtime state, mounts, the read-write layer and the container's directory. */
async function cleanupFiles(deps: ContainerDeps, id: string): Promise<void> {
  await deps.runtime.delete(id, true).catch(() => undefined);
  await deps.layers.unmount(id).catch(() => undefined);
  await deps.layers.removeRw(id).catch(() => undefined);
  await deps.network.forget(id).catch(() => undefined);
  await fs.rm(path.join(deps.dataRoot, 'containers', id), { recursive: true, force: true });
}

/** At start: what belongs to no container any more (a removal cut short by a crash). */
export async function collectOrphans(deps: ContainerDeps): Promise<number> {
  const known = (id: string): boolean => deps.registry.tryGet(id)?.id === id;
  const dirs = await fs.readdir(path.join(deps.dataRoot, 'containers')).catch(() => [] as string[]);
  const ids = new Set([...dirs, ...deps.layers.rwLayers(), ...(await deps.runtime.list())].filter((id) => /^[0-9a-f]{64}$/.test(id) && !known(id)));
  for (const id of ids) await cleanupFiles(deps, id);
  return ids.size;
}
