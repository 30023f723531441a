import { PassThrough } from 'node:stream';
import type { ExecCreateRequest, ExecInspect } from '../../api-types';
import type { ExecHandle, OutputChunk, OciRuntime, TerminalSize } from '../../runtime';
import { ConflictError, InvalidParameterError, NotFoundError } from '../../util/errors';
import { newId } from '../../util/ids';
import type { AttachSession, ExecBackend } from '../backends';
import { DetachFilter, parseDetachKeys } from '../container/detach-keys';
import { eventAttrs } from '../container/deps';
import { DEFAULT_DETACH_KEYS } from '../container/io';
import type { ContainerRegistry } from '../container/registry';
import type { EventBus } from '../events/bus';

interface ExecRecord {
  id: string;
  containerId: string;
  req: ExecCreateRequest;
  running: boolean;
  started: boolean;
  exitCode: number | null;
  pid: number;
  handle: ExecHandle | null;
}

/** docker exec: processes joined to a running container's namespaces, tracked until it is removed. */
export class ExecService implements ExecBackend {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly registry: ContainerRegistry, private readonly runtime: OciRuntime, private readonly events: EventBus) {}

  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  /** Forgets the execs of removed containers. */
  forgetMissing(): void {
    for (const [id, e] of this.execs) if (!this.registry.tryGet(e.containerId)) this.execs.delete(id);
  }

  async create(containerRef: string, req: ExecCreateRequest): Promise<{ Id: string }> {
    const doc = this.registry.get(containerRef);
    if (!doc.state.Running) throw new ConflictError(`Container ${doc.id} is not running`);
    if (doc.state.Paused) throw new ConflictError(`Container ${doc.id} is paused, unpause the container before exec`);
    if (doc.state.Restarting) throw new ConflictError(`Container ${doc.id} is restarting, wait until the container is running`);
    if (!req || !Array.isArray(req.Cmd) || req.Cmd.length === 0) throw new InvalidParameterError('No exec command specified');
    if (req.DetachKeys) parseDetachKeys(req.DetachKeys);
    this.forgetMissing();
    const id = newId();
    this.execs.set(id, { id, containerId: doc.id, req, running: false, started: false, exitCode: null, pid: 0, handle: null });
    this.events.publish('container', `exec_create: ${req.Cmd.join(' ')}`, doc.id, eventAttrs(doc, { execID: id }));
    return { Id: id };
  }

  private get(id: string): ExecRecord {
    const e = this.execs.get(id);
    if (!e) throw new NotFoundError(`No such exec instance: ${id}`);
    return e;
  }

  async start(execId: string, opts: { detach: boolean; tty: boolean; consoleSize?: TerminalSize }): Promise<AttachSession | null> {
    const rec = this.get(execId);
    if (rec.running) throw new ConflictError(`Error: Exec command ${execId} is already running`);
    if (rec.started) throw new ConflictError(`Error: Exec command ${execId} has already run`);
    const doc = this.registry.get(rec.containerId);
    if (!doc.state.Running) throw new ConflictError(`Container ${doc.id} is not running`);
    const req = rec.req;
    const tty = !!(req.Tty || opts.tty);
    const size = opts.consoleSize ?? (req.ConsoleSize ? { rows: req.ConsoleSize[0], cols: req.ConsoleSize[1] } : undefined);
    rec.started = true;
    rec.running = true;
    let handle: ExecHandle;
    try {
      handle = await this.runtime.exec(doc.id, {
        execId,
        args: req.Cmd,
        env: [...(doc.config.Env ?? []), ...(req.Env ?? [])],
        cwd: req.WorkingDir || doc.config.WorkingDir || '/',
        user: req.User || doc.config.User || '',
        tty,
        stdin: !!req.AttachStdin && !opts.detach,
        privileged: !!req.Privileged || !!doc.hostConfig.Privileged,
        consoleSize: size,
      });
    } catch (e) {
      rec.running = false;
      rec.exitCode = 126;
      throw e;
    }
    rec.handle = handle;
    rec.pid = handle.pid;
    this.events.publish('container', `exec_start: ${req.Cmd.join(' ')}`, doc.id, eventAttrs(doc, { execID: execId }));
    const exited = handle.exited.then((code) => {
      rec.exitCode = code;
      rec.running = false;
      this.events.publish('container', 'exec_die', doc.id, eventAttrs(doc, { execID: execId, exitCode: String(code) }));
    }, () => {
      rec.running = false;
      rec.exitCode = rec.exitCode ?? 126;
    });
    if (opts.detach) {
      handle.io.output.resume();
      handle.io.input?.end();
      return null;
    }
    const output = new PassThrough({ objectMode: true });
    const wantOut = req.AttachStdout !== false;
    const wantErr = req.AttachStderr !== false;
    handle.io.output.on('data', (c: OutputChunk) => {
      if ((c.stream === 'stdout' && wantOut) || (c.stream === 'stderr' && wantErr)) output.write(c);
    });
    let input: DetachFilter | null = null;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((r) => { done = r; });
    const finish = (): void => {
      if (!output.writableEnded) output.end();
      done();
    };
    // output is complete when the process has exited and its stdio drained
    let ended = false;
    handle.io.output.on('end', () => { ended = true; void exited.then(finish); });
    handle.io.output.on('error', () => { ended = true; finish(); });
    void exited.then(() => { if (!ended) setTimeout(finish, 200); });
    if (req.AttachStdin && handle.io.input) {
      input = new DetachFilter(parseDetachKeys(req.DetachKeys || DEFAULT_DETACH_KEYS));
      const target = handle.io.input;
      target.on('error', () => undefined);
      input.on('data', (b: Buffer) => target.write(b));
      input.on('end', () => target.end());
      input.on('detach', () => { handle.io.close(); finish(); });
    }
    output.on('close', () => done());
    return { tty, output, input, done: finished, close: () => { handle.io.close(); finish(); } };
  }

  async resize(execId: string, size: TerminalSize): Promise<void> {
    const rec = this.get(execId);
    if (!rec.handle || !rec.running) throw new ConflictError(`Exec ${execId} is not running`);
    await rec.handle.resize(size);
  }

  async inspect(execId: string): Promise<ExecInspect> {
    const rec = this.get(execId);
    const [entrypoint, ...args] = rec.req.Cmd;
    return {
      CanRemove: false,
      DetachKeys: rec.req.DetachKeys ?? '',
      ID: rec.id,
      Running: rec.running,
      ExitCode: rec.exitCode,
      ProcessConfig: { privileged: !!rec.req.Privileged, user: rec.req.User ?? '', tty: !!rec.req.Tty, entrypoint, arguments: args },
      OpenStdin: !!rec.req.AttachStdin,
      OpenStderr: !!rec.req.AttachStderr,
      OpenStdout: !!rec.req.AttachStdout,
      ContainerID: rec.containerId,
      Pid: rec.pid,
    };
  }
}
