import type { HealthConfig } from '../../api-types';
import type { OciRuntime, OutputChunk } from '../../runtime';
import { errorMessage } from '../../util/errors';
import { newId } from '../../util/ids';
import type { ContainerDoc } from '../container/model';
import type { ContainerRegistry } from '../container/registry';
import type { EventBus } from '../events/bus';

const NS_PER_MS = 1_000_000;
const DEFAULTS = { interval: 30_000, timeout: 30_000, retries: 3, startPeriod: 0 };
const MAX_OUTPUT = 4096;
const KEEP_LOGS = 5;

/** Runs a container's HEALTHCHECK like dockerd: probes by exec, a streak of failures makes it unhealthy. */
export class HealthMonitor {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly runtime: OciRuntime, private readonly registry: ContainerRegistry, private readonly events: EventBus) {}

  start(doc: ContainerDoc): void {
    const hc = doc.config.Healthcheck;
    if (!hc?.Test || hc.Test.length === 0 || hc.Test[0] === 'NONE') return;
    this.stop(doc.id);
    const startedAt = Date.now();
    const cfg = settings(hc);
    const schedule = (): void => {
      this.timers.set(doc.id, setTimeout(() => {
        void this.probe(doc, hc, cfg, startedAt).finally(() => {
          if (this.timers.has(doc.id) && doc.state.Running) schedule();
        });
      }, cfg.interval));
    };
    schedule();
  }

  stop(id: string): void {
    const t = this.timers.get(id);
    if (t) clearTimeout(t);
    this.timers.delete(id);
  }

  private async probe(doc: ContainerDoc, hc: HealthConfig, cfg: typeof DEFAULTS, startedAt: number): Promise<void> {
    if (!doc.state.Running || doc.state.Paused) return;
    const test = hc.Test ?? [];
    const args = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', test.slice(1).join(' ')] : test.slice(1);
    const start = new Date();
    let exitCode = -1;
    let output = '';
    try {
      const h = await this.runtime.exec(doc.id, {
        execId: newId(), args, env: doc.config.Env ?? [], cwd: doc.config.WorkingDir || '/', user: doc.config.User ?? '',
        tty: false, stdin: false, privileged: false,
      });
      h.io.output.on('data', (c: OutputChunk) => { if (output.length < MAX_OUTPUT) output += c.data.toString(); });
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<number>((resolve) => { timer = setTimeout(() => resolve(-1), cfg.timeout); });
      exitCode = await Promise.race([h.exited, timedOut]);
      clearTimeout(timer);
      if (exitCode === -1) {
        output = `Health check exceeded timeout (${cfg.timeout / 1000}s)`;
        h.io.close();
      }
    } catch (e) {
      output = errorMessage(e);
    }
    const health = doc.state.Health ?? { Status: 'starting', FailingStreak: 0, Log: [] };
    doc.state.Health = health;
    health.Log.push({ Start: start.toISOString(), End: new Date().toISOString(), ExitCode: exitCode, Output: output.slice(0, MAX_OUTPUT) });
    if (health.Log.length > KEEP_LOGS) health.Log.splice(0, health.Log.length - KEEP_LOGS);
    const before = health.Status;
    if (exitCode === 0) {
      health.FailingStreak = 0;
      health.Status = 'healthy';
    } else if (Date.now() - startedAt >= cfg.startPeriod || health.Status !== 'starting') {
      health.FailingStreak++;
      if (health.FailingStreak >= cfg.retries) health.Status = 'unhealthy';
    }
    this.registry.save(doc);
    if (health.Status !== before) {
      this.events.publish('container', `health_status: ${health.Status}`, doc.id, { ...(doc.config.Labels ?? {}), image: doc.config.Image ?? '', name: doc.name });
    }
  }
}

function settings(hc: HealthConfig): typeof DEFAULTS {
  return {
    interval: hc.Interval ? hc.Interval / NS_PER_MS : DEFAULTS.interval,
    timeout: hc.Timeout ? hc.Timeout / NS_PER_MS : DEFAULTS.timeout,
    retries: hc.Retries || DEFAULTS.retries,
    startPeriod: hc.StartPeriod ? hc.StartPeriod / NS_PER_MS : DEFAULTS.startPeriod,
  };
}
