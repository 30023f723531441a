import type { Readable, Writable } from 'node:stream';

/**
 * What the engine asks of a container runtime. One implementation, ConmonRuntime, drives
 * runc or crun under conmon; the engine never sees either tool.
 *
 * Lifecycle: create → start → (pause ⇄ resume) → exit (reported through watchExits and
 * exitStatus) → delete. A created or running container survives a restart of berthd: a new
 * ConmonRuntime over the same exec-root sees it through state() and attach().
 */
export interface OciRuntime {
  /** Writes the bundle, starts conmon, which runs `<runtime> create`. Resolves once created. */
  create(spec: ContainerRunSpec, io: ContainerIoSpec): Promise<void>;
  /** `<runtime> start`; resolves with the host PID of the container's process 1. */
  start(id: string): Promise<{ pid: number }>;
  /** null when the runtime does not know the container (never created, or deleted). */
  state(id: string): Promise<RuntimeState | null>;
  kill(id: string, signal: string | number, all?: boolean): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** Removes the runtime's state, conmon's sockets and the bundle. */
  delete(id: string, force?: boolean): Promise<void>;
  /** IDs of every container the runtime holds state for (to collect what a crash left behind). */
  list(): Promise<string[]>;
  /** The exit recorded by conmon; null while the container has not exited. */
  exitStatus(id: string): Promise<ExitStatus | null>;
  /** Calls back once per container exit (conmon's exit file appearing). Returns an unsubscribe. */
  watchExits(onExit: (id: string) => void): () => void;
  /** Joins the container's stdio through conmon (stdin only if created with `stdin`). */
  attach(id: string): Promise<StdioStream>;
  resize(id: string, size: TerminalSize): Promise<void>;
  exec(id: string, proc: ExecSpec): Promise<ExecHandle>;
  /** `ps` of the container's processes (ps_args as Docker's top). */
  top(id: string, psArgs?: string): Promise<{ titles: string[]; processes: string[][] }>;
  stats(id: string): Promise<CgroupStats>;
  /**
   * Reads the log conmon writes (the path given to create() as io.logPath), as Docker's logs
   * endpoint needs it; works after the container exited and was deleted from the runtime.
   */
  logs(logPath: string, opts: LogReadOptions): Readable; // objectMode of LogEntry
}

export interface TerminalSize { rows: number; cols: number }

export interface ContainerIoSpec {
  tty: boolean;
  /** Keep a stdin pipe open (docker -i). */
  stdin: boolean;
  /**
   * Docker's StdinOnce: close the container's stdin when the first attached client detaches
   * (the default, as `docker run -i`). false keeps it open across attaches (`run -d -i`).
   */
  stdinOnce?: boolean;
  /** Path of the k8s-file log conmon writes. */
  logPath: string;
  consoleSize?: TerminalSize;
}

export interface RuntimeState {
  status: 'created' | 'running' | 'paused' | 'stopped';
  pid: number;
}

export interface ExitStatus {
  exitCode: number;
  /** ISO time the exit file was written. */
  exitedAt: string;
  oomKilled: boolean;
}

export type StdStream = 'stdin' | 'stdout' | 'stderr';

/** One chunk of container output; with a TTY everything is 'stdout'. */
export interface OutputChunk { stream: 'stdout' | 'stderr'; data: Buffer }

/** A joined stdio: output is an objectMode Readable of OutputChunk; input is null without stdin. */
export interface StdioStream {
  output: Readable;
  input: Writable | null;
  close(): void;
}

export interface LogEntry { stream: 'stdout' | 'stderr'; time: string; timeNano: bigint; data: Buffer; partial: boolean }

export interface LogReadOptions {
  follow: boolean;
  /** seconds since the epoch (fractions allowed); 0 = no bound */
  since: number;
  until: number;
  /** number of lines from the end; -1 = all */
  tail: number;
  /** stops following when this resolves (container gone / client left) */
  stop?: Promise<void>;
}

export interface ExecSpec {
  execId: string;
  args: string[];
  env: string[];
  cwd: string;
  user: string;
  tty: boolean;
  stdin: boolean;
  privileged: boolean;
  consoleSize?: TerminalSize;
}

export interface ExecHandle {
  pid: number;
  io: StdioStream;
  /** exit code of the exec'd process */
  exited: Promise<number>;
  resize(size: TerminalSize): Promise<void>;
}

export interface CgroupStats {
  cpu: { totalNs: number; userNs: number; systemNs: number; perCpuNs: number[]; throttling: { periods: number; throttledPeriods: number; throttledTimeNs: number } };
  systemCpuNs: number;
  onlineCpus: number;
  memory: { usage: number; maxUsage: number; limit: number; stats: Record<string, number> };
  pids: { current: number; limit: number };
  blkio: { major: number; minor: number; op: string; value: number }[];
}

export type NamespaceMode = 'private' | 'host' | { path: string };

export interface SpecMount { destination: string; type: string; source: string; options: string[] }

/** Everything the runtime needs to build an OCI config.json; built by the engine from Docker's create JSON. */
export interface ContainerRunSpec {
  id: string;
  name: string;
  /** merged overlay directory */
  rootfs: string;
  readonlyRootfs: boolean;
  hostname: string;
  domainname: string;
  process: {
    args: string[];
    env: string[];
    cwd: string;
    /** as the user gave it: "", "name", "uid", "uid:gid", "name:group"; resolved against the rootfs */
    user: string;
    groupAdd: string[];
    terminal: boolean;
    noNewPrivileges: boolean;
    /** explicit --ulimit values; others are inherited from the daemon */
    rlimits: { name: string; soft: number; hard: number }[];
    oomScoreAdj?: number;
  };
  privileged: boolean;
  capAdd: string[];
  capDrop: string[];
  /** 'default' = berth's profile (Moby's syscall list); a JSON profile in Docker's format; or none */
  seccomp: { kind: 'default' } | { kind: 'unconfined' } | { kind: 'profile'; json: string };
  namespaces: { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode; uts: NamespaceMode };
  /** extra mounts after the defaults (/proc, /dev, ...): hosts, hostname, resolv.conf, volumes, tmpfs */
  mounts: SpecMount[];
  resources: {
    memory?: number;
    memorySwap?: number;
    memoryReservation?: number;
    cpuShares?: number;
    cpuQuota?: number;
    cpuPeriod?: number;
    /** Docker's NanoCpus (--cpus × 1e9); becomes quota/period 100000, exclusive with cpuQuota/cpuPeriod */
    nanoCpus?: number;
    cpusetCpus?: string;
    cpusetMems?: string;
    pidsLimit?: number;
    blkioWeight?: number;
  };
  sysctls: Record<string, string>;
  shmSize: number;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  /** run an init (tini) as PID 1 */
  init: boolean;
  annotations: Record<string, string>;
  /** 'runc' | 'crun' */
  runtime: string;
}
