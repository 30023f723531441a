import type {
  ContainerCreateRequest, ContainerCreateResponse, ContainerInspect, ContainerPruneResponse, ContainerStats,
  ContainerSummary, ContainerTopResponse, ContainerWaitResponse,
} from '../../api-types';
import type { TerminalSize } from '../../runtime';
import { InvalidParameterError } from '../../util/errors';
import type { AttachOptions, AttachSession, ContainerBackend, Filters, LogsOptions } from '../backends';
import { createContainer } from './create';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import { attachContainer, containerLogs } from './io';
import { statusOf } from './model';
import { removeContainer } from './remove';
import { notRunning, startContainer } from './start';
import { containerStats } from './stats';
import { killContainer, pauseContainer, restartContainer, stopContainer, unpauseContainer } from './stop';
import { labelMatch } from '../label-filter';
import { listContainers, toInspect, toSummary } from './view';

/** The API's view of containers: resolves the reference, then one operation per call. */
export class ContainerService implements ContainerBackend {
  constructor(private readonly deps: ContainerDeps, private readonly execIdsOf: (containerId: string) => string[]) {}

  private get(ref: string) {
    return this.deps.registry.get(ref);
  }

  create(name: string | undefined, req: ContainerCreateRequest): Promise<ContainerCreateResponse> {
    return createContainer(this.deps, name, req);
  }

  async list(opts: { all: boolean; limit: number; size: boolean; filters: Filters }): Promise<ContainerSummary[]> {
    const docs = listContainers(this.deps, opts, (ref) => this.deps.images.tryResolve(ref)?.id ?? null);
    const out = docs.map(toSummary);
    if (opts.size) {
      await Promise.all(out.map(async (s, i) => {
        s.SizeRw = await this.deps.layers.rwSize(docs[i].id).catch(() => 0);
        s.SizeRootFs = s.SizeRw + (this.deps.images.tryResolve(docs[i].image)?.size ?? 0);
      }));
    }
    return out;
  }

  async inspect(ref: string, size: boolean): Promise<ContainerInspect> {
    const doc = this.get(ref);
    const out = toInspect(this.deps, doc, this.execIdsOf(doc.id));
    if (size) {
      out.SizeRw = await this.deps.layers.rwSize(doc.id).catch(() => 0);
      out.SizeRootFs = out.SizeRw + (this.deps.images.tryResolve(doc.image)?.size ?? 0);
    }
    return out;
  }

  start(ref: string): Promise<void> {
    return startContainer(this.deps, this.get(ref));
  }

  stop(ref: string, timeoutSec?: number, signal?: string): Promise<void> {
    return stopContainer(this.deps, this.get(ref), timeoutSec, signal);
  }

  restart(ref: string, timeoutSec?: number, signal?: string): Promise<void> {
    return restartContainer(this.deps, this.get(ref), timeoutSec, signal);
  }

  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this.deps, this.get(ref), signal);
  }

  async wait(ref: string, condition: string, abort?: AbortSignal): Promise<ContainerWaitResponse> {
    const doc = this.get(ref);
    const mon = this.deps.monitors.get(doc.id);
    let pending: Promise<number>;
    switch (condition || 'not-running') {
      case 'not-running':
        if (!doc.state.Running && !doc.state.Restarting) return { StatusCode: doc.state.ExitCode, Error: null };
        pending = mon.nextExit();
        break;
      case 'next-exit':
        pending = mon.nextExit();
        break;
      case 'removed':
        pending = mon.removed();
        break;
      default:
        throw new InvalidParameterError(`invalid condition: "${condition}"`);
    }
    const aborted = new Promise<never>((_, reject) => abort?.addEventListener('abort', () => reject(new Error('client went away')), { once: true }));
    const code = await Promise.race([pending, aborted]);
    return { StatusCode: code, Error: null };
  }

  remove(ref: string, opts: { force: boolean; volumes: boolean }): Promise<void> {
    return removeContainer(this.deps, this.get(ref), opts);
  }

  async logs(ref: string, opts: LogsOptions, abort?: AbortSignal) {
    return containerLogs(this.deps, this.get(ref), opts, abort);
  }

  attach(ref: string, opts: AttachOptions): Promise<AttachSession> {
    return attachContainer(this.deps, this.get(ref), opts);
  }

  async resize(ref: string, size: TerminalSize): Promise<void> {
    const doc = this.get(ref);
    if (!doc.state.Running) throw notRunning(doc);
    await this.deps.runtime.resize(doc.id, size);
  }

  async top(ref: string, psArgs?: string): Promise<ContainerTopResponse> {
    const doc = this.get(ref);
    if (!doc.state.Running) throw notRunning(doc);
    const r = await this.deps.runtime.top(doc.id, psArgs || '-ef');
    this.deps.events.publish('container', 'top', doc.id, eventAttrs(doc));
    return { Titles: r.titles, Processes: r.processes };
  }

  async rename(ref: string, newName: string): Promise<void> {
    const doc = this.get(ref);
    const name = newName.replace(/^\//, '');
    if (!name) throw new InvalidParameterError('Neither old nor new names may be empty');
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) {
      throw new InvalidParameterError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    }
    const old = doc.name;
    if (old === name) throw new InvalidParameterError(`Renaming a container with the same name as its current name`);
    this.deps.registry.rename(doc, name);
    this.deps.events.publish('container', 'rename', doc.id, eventAttrs(doc, { oldName: `/${old}` }));
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.deps, this.get(ref));
  }

  unpause(ref: string): Promise<void> {
    return unpauseContainer(this.deps, this.get(ref));
  }

  stats(ref: string, stream: boolean, abort?: AbortSignal): AsyncIterable<ContainerStats> {
    return containerStats(this.deps, this.get(ref), stream, abort);
  }

  async prune(filters: Filters): Promise<ContainerPruneResponse> {
    for (const k of Object.keys(filters)) {
      if (k !== 'until' && k !== 'label' && k !== 'label!') throw new InvalidParameterError(`invalid filter '${k}'`);
    }
    const until = filters.until?.length ? parseUntil(filters.until[0]) : Infinity;
    const deleted: string[] = [];
    let reclaimed = 0;
    for (const doc of this.deps.registry.all()) {
      const st = statusOf(doc.state);
      if (st !== 'exited' && st !== 'created' && st !== 'dead') continue;
      if (Date.parse(doc.created) >= until) continue;
      const labels = doc.config.Labels ?? {};
      if (filters.label?.length && !filters.label.every((l) => labelMatch(labels, l))) continue;
      if (filters['label!']?.length && filters['label!'].some((l) => labelMatch(labels, l))) continue;
      const size = await this.deps.layers.rwSize(doc.id).catch(() => 0);
      try {
        await removeContainer(this.deps, doc, { force: false, volumes: false });
        deleted.push(doc.id);
        reclaimed += size;
      } catch {
        // started meanwhile: not prunable any more
      }
    }
    this.deps.events.publish('container', 'prune', '', { reclaimed: String(reclaimed) });
    return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: reclaimed };
  }
}

/** until= accepts a timestamp or a Go duration ago ("24h", "10m"). */
export function parseUntil(v: string): number {
  const dur = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(v);
  if (dur) {
    const mult: Record<string, number> = { ns: 1e-6, us: 1e-3, ms: 1, s: 1000, m: 60000, h: 3600000 };
    return Date.now() - Number(dur[1]) * mult[dur[2]];
  }
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidParameterError(`failed to parse value as time or duration: "${v}"`);
  return t;
}
