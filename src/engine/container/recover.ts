import { errorMessage } from '../../util/errors';
import type { ContainerDeps } from './deps';
import { handleExit } from './exit';
import { collectOrphans } from './remove';
import type { ContainerDoc } from './model';
import { startContainer } from './start';

/**
 * After a daemon start: containers conmon kept running are adopted again; those that exited
 * meanwhile get their recorded exit (and their restart policy); "always" and unless-stopped
 * containers that are not running (a machine reboot) are started, as dockerd does.
 */
export async function recoverContainers(deps: ContainerDeps, log: (msg: string) => void): Promise<void> {
  const orphans = await collectOrphans(deps);
  if (orphans) log(`removed the leftovers of ${orphans} container(s) whose removal was cut short`);
  await Promise.all(deps.registry.all().map(async (doc) => {
    try {
      await recoverOne(deps, doc);
    } catch (e) {
      log(`recovering container ${doc.id}: ${errorMessage(e)}`);
    }
  }));
}

async function recoverOne(deps: ContainerDeps, doc: ContainerDoc): Promise<void> {
  const mon = deps.monitors.get(doc.id);
  const st = doc.state.Running ? await deps.runtime.state(doc.id) : null;
  if (st && (st.status === 'running' || st.status === 'paused')) {
    doc.state.Paused = st.status === 'paused';
    doc.state.Pid = st.pid;
    mon.startedAtMs = Date.parse(doc.state.StartedAt);
    deps.registry.save(doc);
    deps.health.start(doc);
    return;
  }
  if (doc.state.Running) {
    await handleExit(deps, doc);
    return;
  }
  const policy = doc.hostConfig.RestartPolicy?.Name;
  const wanted = doc.state.Restarting || policy === 'always' || (policy === 'unless-stopped' && !doc.manuallyStopped);
  if (wanted && doc.hasBeenStarted) {
    doc.state.Restarting = false;
    await startContainer(deps, doc);
  }
}
