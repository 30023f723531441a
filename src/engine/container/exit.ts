import { errorMessage } from '../../util/errors';
import { nextBackoff, shouldRestart } from '../restart/policy';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';
import { removeContainer } from './remove';
import { startContainer } from './start';

/**
 * Records a container's exit (reported by conmon's exit file, live or found at recovery),
 * then applies its restart policy or --rm.
 */
export function handleExit(deps: ContainerDeps, doc: ContainerDoc): Promise<void> {
  const mon = deps.monitors.get(doc.id);
  return mon.serial(async () => {
    if (!doc.state.Running) return;
    const st = await deps.runtime.exitStatus(doc.id);
    deps.health.stop(doc.id);
    const code = st?.exitCode ?? 255;
    const s = doc.state;
    s.Running = false;
    s.Paused = false;
    s.Pid = 0;
    s.ExitCode = code;
    s.OOMKilled = st?.oomKilled ?? false;
    s.FinishedAt = st?.exitedAt ?? new Date().toISOString();
    if (s.Health) s.Health.Status = 'unhealthy';
    const manual = mon.stopping || doc.manuallyStopped;
    const restart = shouldRestart(doc.hostConfig.RestartPolicy, code, doc.restartCount, manual);
    s.Restarting = restart;
    deps.registry.save(doc);
    deps.events.publish('container', 'die', doc.id, eventAttrs(doc, { exitCode: String(code) }));
    // waiters first, and --rm's removal: the runtime's cleanup is not part of what they report
    mon.notifyExit(code);
    if (!restart && doc.hostConfig.AutoRemove && !mon.removing) {
      // outside this serial chain, which its own file cleanup waits behind
      setImmediate(() => { removeContainer(deps, doc, { force: true, volumes: true }).catch(() => undefined); });
    }
    await deps.runtime.delete(doc.id, true).catch(() => undefined);
    // not awaited: rm and --rm need not wait for iptables; network rm, -p and a restart do
    deps.cleanups.add(deps.network.teardown(doc));
    if (!restart) {
      await deps.layers.unmount(doc.id).catch(() => undefined);
      await deps.volumes?.release(doc).catch(() => undefined);
      return;
    }
    const { delay, next } = nextBackoff(mon.backoffMs, Date.now() - mon.startedAtMs);
    mon.backoffMs = next;
    mon.restartTimer = setTimeout(() => {
      mon.restartTimer = null;
      doc.restartCount++;
      startContainer(deps, doc, true).catch((e) => {
        doc.state.Restarting = false;
        doc.state.Error = errorMessage(e);
        deps.registry.save(doc);
      });
    }, delay);
  });
}
