import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ConflictError } from '../../util/errors';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';

/** docker rm: refuses a running container unless forced; removes runtime state, layer and files. */
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
    await deps.runtime.delete(doc.id, true).catch(() => undefined);
    await deps.layers.unmount(doc.id).catch(() => undefined);
    await deps.layers.removeRw(doc.id);
    await fs.rm(path.join(deps.dataRoot, 'containers', doc.id), { recursive: true, force: true });
    deps.registry.remove(doc);
  } catch (e) {
    mon.removing = false;
    throw e;
  }
  deps.events.publish('container', 'destroy', doc.id, eventAttrs(doc));
  mon.notifyRemoved(doc.state.ExitCode);
  deps.monitors.delete(doc.id);
}
