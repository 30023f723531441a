/**
 * Process plumbing for the benchmarks: running a command (timed or not), reading memory from
 * /proc, finding the processes an engine started, and unmounting what is left under a dir.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as http from 'node:http';

/** One command line, with the environment it needs on top of ours. */
export interface Command {
  file: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
  /** wall time from just before spawn to the child's exit, in milliseconds */
  ms: number;
}

/** Runs a command to its end; stdin is closed. Never rejects on a non-zero exit. */
export function exec(c: Command, timeoutMs = 120_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(c.file, c.args, { env: { ...process.env, ...(c.env ?? {}) }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    // 'exit' (not 'close') ends the measurement: a daemonised grandchild holding our pipes
    // open must not count as the command's time.
    let ms = 0;
    child.on('exit', () => { ms = Number(process.hrtime.bigint() - t0) / 1e6; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), ms });
    });
  });
}

/** Runs a command and throws with its output unless it exits 0. */
export async function mustExec(c: Command, what: string, timeoutMs?: number): Promise<CommandResult> {
  const r = await exec(c, timeoutMs);
  if (r.code !== 0) throw new Error(`${what} failed (exit ${r.code}): ${c.file} ${c.args.join(' ')}\n${r.stdout}${r.stderr}`);
  return r;
}

/** Whether an executable exists (absolute path or on PATH). */
export function haveBinary(name: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' }).status === 0;
}

function statusField(pid: number, field: string): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Resident set size in KiB (VmRSS), or 0 if the process is gone. */
export function rssKiB(pid: number): number {
  return statusField(pid, 'VmRSS') ?? 0;
}

/** Anonymous resident memory in KiB (RssAnon: heap, stacks; no code or file pages), or 0. */
export function anonKiB(pid: number): number {
  return statusField(pid, 'RssAnon') ?? 0;
}

/** Proportional set size in KiB (shared pages split among their users), or 0. */
export function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export interface ProcInfo {
  pid: number;
  ppid: number;
  comm: string;
  cmdline: string[];
}

/** Every process visible in /proc (a snapshot; processes may vanish while it is read). */
export function listProcesses(): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm is in parentheses and may hold spaces: split after the last ')'
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const ppid = Number(stat.slice(close + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((s) => s !== '');
      out.push({ pid, ppid, comm, cmdline });
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/**
 * Processes whose command line mentions `marker` (a temporary directory of ours), optionally
 * only those with a given comm: how the benchmarks find the conmons, shims and containerd
 * they caused, without touching anyone else's.
 */
export function processesMentioning(marker: string, comm?: RegExp): ProcInfo[] {
  return listProcesses().filter((p) => p.cmdline.some((a) => a.includes(marker)) && (!comm || comm.test(p.comm)));
}

/** Direct children of the given processes. */
export function childrenOf(parents: number[]): ProcInfo[] {
  const set = new Set(parents);
  return listProcesses().filter((p) => set.has(p.ppid));
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((res) => setTimeout(res, ms));
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the pid is gone. */
export async function stopPid(pid: number, graceMs = 15_000): Promise<void> {
  if (!alive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    while (alive(pid) && Date.now() < deadline + 5000) await sleep(50);
  }
}

/** Mount points at or under `dir`, deepest first. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m && (m === dir || m.startsWith(prefix)))
    .map((m) => m.replace(/\\(\d{3})/g, (_s, o: string) => String.fromCharCode(parseInt(o, 8))))
    .reverse();
}

/** Lazily unmounts everything at or under `dir`. */
export function unmountUnder(dir: string): void {
  for (let pass = 0; pass < 3; pass++) {
    const ms = mountsUnder(dir);
    if (ms.length === 0) return;
    for (const m of ms) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  }
}

/** GET /_ping on a unix socket; true on a 200. */
export function ping(sock: string, timeoutMs = 2000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: sock, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The 1, 5 and 15 minute load averages, as `uptime` shows them. */
export function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(', ');
  } catch {
    return '?';
  }
}

/** The hard limits of this process, as runtimes must not exceed them in a container's spec. */
export function hardLimit(name: 'Max open files' | 'Max processes'): number | null {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith(name));
  const hard = line?.slice(name.length).trim().split(/\s+/)[1];
  return hard && /^\d+$/.test(hard) ? Number(hard) : null;
}
