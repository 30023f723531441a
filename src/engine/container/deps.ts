import type { ImageStore } from '../../image';
import type { LayerStore } from '../../layer';
import type { OciRuntime, StdioStream } from '../../runtime';
import type { EventBus } from '../events/bus';
import type { ContainerNetworkHooks } from '../network';
import type { ContainerMounts } from '../volume';
import type { ContainerDoc } from './model';
import type { ContainerRegistry } from './registry';

/** What the container operations need; wired once in daemon/main.ts. */
export interface ContainerDeps {
  registry: ContainerRegistry;
  images: ImageStore;
  layers: LayerStore;
  runtime: OciRuntime;
  events: EventBus;
  monitors: MonitorTable;
  dataRoot: string;
  defaultRuntime: string;
  runtimes: string[];
  /** starts/stops health checks for a container (engine/health) */
  health: { start(doc: ContainerDoc): void; stop(id: string): void };
  /** networks: endpoints at create, netns + netavark at start, teardown at exit/rm (engine/network) */
  network: ContainerNetworkHooks;
  /** volumes and mounts (engine/volume); absent in fakes, which then run without mounts */
  volumes?: ContainerMounts;
  /** file cleanups still running after removals; shutdown waits for them */
  cleanups: PendingWork;
}

/** Background work the daemon must let finish before it exits. */
export class PendingWork {
  private readonly pending = new Set<Promise<unknown>>();

  add(p: Promise<unknown>): void {
    const tracked = p.catch(() => undefined).finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }
}

/** The in-memory, per-container bookkeeping that does not survive a restart and need not. */
export class Monitor {
  /** resolved with the exit code at every exit */
  private exitWaiters: ((code: number) => void)[] = [];
  private removedWaiters: ((code: number) => void)[] = [];
  /** attach sessions waiting for the container's next start (docker CLI attaches before start) */
  pendingAttach: ((io: StdioStream) => void)[] = [];
  restartTimer: NodeJS.Timeout | null = null;
  /** doubles at each restart, reset after 10 s of running (Docker's restart manager) */
  backoffMs = 100;
  startedAtMs = 0;
  /** an exit caused by stop/kill/restart of the user, which restart policies ignore */
  stopping = false;
  removing = false;
  /** serialises start/stop/exit handling of one container */
  private chain: Promise<unknown> = Promise.resolve();

  nextExit(): Promise<number> {
    return new Promise((resolve) => this.exitWaiters.push(resolve));
  }

  removed(): Promise<number> {
    return new Promise((resolve) => this.removedWaiters.push(resolve));
  }

  notifyExit(code: number): void {
    const w = this.exitWaiters;
    this.exitWaiters = [];
    for (const f of w) f(code);
  }

  notifyRemoved(code: number): void {
    const w = this.removedWaiters;
    this.removedWaiters = [];
    for (const f of w) f(code);
  }

  /** Runs `fn` after every earlier serialised operation on this container. */
  serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

export class MonitorTable {
  private readonly map = new Map<string, Monitor>();

  get(id: string): Monitor {
    let m = this.map.get(id);
    if (!m) {
      m = new Monitor();
      this.map.set(id, m);
    }
    return m;
  }

  delete(id: string): void {
    this.map.delete(id);
  }
}

/** The attributes Docker attaches to container events: image, name and the labels. */
export function eventAttrs(doc: ContainerDoc, extra: Record<string, string> = {}): Record<string, string> {
  return { ...(doc.config.Labels ?? {}), image: doc.config.Image ?? '', name: doc.name, ...extra };
}
