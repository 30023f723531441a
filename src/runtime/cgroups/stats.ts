import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CgroupStats } from '../oci-runtime';
import { readHostFacts } from '../spec/host-facts';
import { cgroupPaths, type CgroupPaths, type CgroupRootOptions } from './paths';

/** USER_HZ: the unit of /proc/stat and cpuacct.stat (100 on every Linux berth runs on). */
const CLOCK_TICKS = 100;
const NS_PER_TICK = 1e9 / CLOCK_TICKS;

export interface CgroupStatsOptions extends CgroupRootOptions {
  /** cgroup version of the tree under root (default: the host's) */
  version?: 1 | 2;
  /** a /proc/stat to read instead of the host's (tests) */
  procStat?: string;
  /** the machine's memory, to which an unlimited limit is clamped (default os.totalmem()) */
  machineMemory?: number;
}

async function text(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
}

/** A single-number file; "max" and absent files read as `dflt`. */
async function num(file: string, dflt = 0): Promise<number> {
  const t = (await text(file))?.trim();
  if (!t || t === 'max') return dflt;
  const n = Number(t);
  return Number.isFinite(n) ? n : dflt;
}

/** "key value" lines (cpu.stat, memory.stat). */
function keyValues(t: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (t ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && Number.isFinite(Number(v))) out[k] = Number(v);
  }
  return out;
}

/**
 * Host CPU time in ns as Docker's system_cpu_usage: the first /proc/stat line's user, nice,
 * system, idle, iowait, irq and softirq ticks; and the number of online CPUs (cpuN lines).
 */
export function parseProcStat(t: string): { systemCpuNs: number; onlineCpus: number } {
  const lines = t.split('\n');
  const first = lines.find((l) => /^cpu\s/.test(l)) ?? '';
  const ticks = first.trim().split(/\s+/).slice(1, 8).reduce((a, v) => a + Number(v || 0), 0);
  return { systemCpuNs: ticks * NS_PER_TICK, onlineCpus: lines.filter((l) => /^cpu\d+\s/.test(l)).length };
}

/** blkio "MAJ:MIN Op value" lines (v1). */
function blkioV1(t: string | null): CgroupStats['blkio'] {
  const out: CgroupStats['blkio'] = [];
  for (const line of (t ?? '').split('\n')) {
    const m = /^(\d+):(\d+)\s+(\S+)\s+(\d+)/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3], value: Number(m[4]) });
  }
  return out;
}

/** io.stat "MAJ:MIN rbytes=… wbytes=…" lines (v2), as Docker reports them: ops "read" and "write". */
function ioV2(t: string | null): CgroupStats['blkio'] {
  const out: CgroupStats['blkio'] = [];
  for (const line of (t ?? '').split('\n')) {
    const m = /^(\d+):(\d+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const kv = Object.fromEntries(m[3].split(/\s+/).map((p) => p.split('=')));
    for (const [key, op] of [['rbytes', 'read'], ['wbytes', 'write']] as const) {
      if (kv[key] !== undefined) out.push({ major: Number(m[1]), minor: Number(m[2]), op, value: Number(kv[key]) });
    }
  }
  return out;
}

async function v1Stats(p: CgroupPaths): Promise<Omit<CgroupStats, 'systemCpuNs' | 'onlineCpus'>> {
  const c = p.controllers;
  const [total, percpu, acct, cpuStat, usage, maxUsage, limit, memStat, pidsCur, pidsMax, ioCfq, ioThrottle] = await Promise.all([
    num(path.join(c.cpuacct, 'cpuacct.usage')),
    text(path.join(c.cpuacct, 'cpuacct.usage_percpu')),
    text(path.join(c.cpuacct, 'cpuacct.stat')),
    text(path.join(c.cpu, 'cpu.stat')),
    num(path.join(c.memory, 'memory.usage_in_bytes')),
    num(path.join(c.memory, 'memory.max_usage_in_bytes')),
    num(path.join(c.memory, 'memory.limit_in_bytes'), Infinity),
    text(path.join(c.memory, 'memory.stat')),
    num(path.join(c.pids, 'pids.current')),
    num(path.join(c.pids, 'pids.max')),
    text(path.join(c.blkio, 'blkio.io_service_bytes_recursive')),
    text(path.join(c.blkio, 'blkio.throttle.io_service_bytes_recursive')),
  ]);
  const a = keyValues(acct);
  const s = keyValues(cpuStat);
  const cfq = blkioV1(ioCfq);
  return {
    cpu: {
      totalNs: total,
      userNs: (a.user ?? 0) * NS_PER_TICK,
      systemNs: (a.system ?? 0) * NS_PER_TICK,
      perCpuNs: (percpu ?? '').trim().split(/\s+/).filter(Boolean).map(Number),
      throttling: { periods: s.nr_periods ?? 0, throttledPeriods: s.nr_throttled ?? 0, throttledTimeNs: s.throttled_time ?? 0 },
    },
    memory: { usage, maxUsage, limit, stats: keyValues(memStat) },
    pids: { current: pidsCur, limit: pidsMax },
    blkio: cfq.length > 0 ? cfq : blkioV1(ioThrottle),
  };
}

async function v2Stats(dir: string): Promise<Omit<CgroupStats, 'systemCpuNs' | 'onlineCpus'>> {
  const [cpuStat, usage, peak, limit, memStat, pidsCur, pidsMax, io] = await Promise.all([
    text(path.join(dir, 'cpu.stat')),
    num(path.join(dir, 'memory.current')),
    num(path.join(dir, 'memory.peak')),
    num(path.join(dir, 'memory.max'), Infinity),
    text(path.join(dir, 'memory.stat')),
    num(path.join(dir, 'pids.current')),
    num(path.join(dir, 'pids.max')),
    text(path.join(dir, 'io.stat')),
  ]);
  const s = keyValues(cpuStat);
  return {
    cpu: {
      totalNs: (s.usage_usec ?? 0) * 1000,
      userNs: (s.user_usec ?? 0) * 1000,
      systemNs: (s.system_usec ?? 0) * 1000,
      // v2 keeps no per-CPU usage; Docker reports none either
      perCpuNs: [],
      throttling: { periods: s.nr_periods ?? 0, throttledPeriods: s.nr_throttled ?? 0, throttledTimeNs: (s.throttled_usec ?? 0) * 1000 },
    },
    memory: { usage, maxUsage: peak, limit, stats: keyValues(memStat) },
    pids: { current: pidsCur, limit: pidsMax },
    blkio: ioV2(io),
  };
}

/**
 * The container's resource usage from its cgroup (cgroupfs layout, v1 or v2), with the host's
 * CPU time as Docker computes system_cpu_usage. An unlimited memory limit reads as the
 * machine's memory and an unlimited pids limit as 0, as Docker reports them.
 */
export async function readCgroupStats(cgroupsPath: string, opts: CgroupStatsOptions = {}): Promise<CgroupStats> {
  const version = opts.version ?? readHostFacts().cgroupVersion;
  const p = cgroupPaths(cgroupsPath, { cgroupVersion: version }, opts);
  const [stats, procStat] = await Promise.all([
    version === 2 ? v2Stats(p.procsDir) : v1Stats(p),
    text(opts.procStat ?? '/proc/stat'),
  ]);
  const sys = parseProcStat(procStat ?? '');
  const machine = opts.machineMemory ?? os.totalmem();
  if (stats.memory.limit > machine) stats.memory.limit = machine;
  return { ...stats, systemCpuNs: sys.systemCpuNs, onlineCpus: sys.onlineCpus || stats.cpu.perCpuNs.length };
}

/** Host PIDs of every process in the container's cgroup and the cgroups below it. */
export async function cgroupPids(cgroupsPath: string, opts: CgroupStatsOptions = {}): Promise<number[]> {
  const version = opts.version ?? readHostFacts().cgroupVersion;
  const start = cgroupPaths(cgroupsPath, { cgroupVersion: version }, opts).procsDir;
  const pids: number[] = [];
  const walk = async (dir: string): Promise<void> => {
    const procs = await text(path.join(dir, 'cgroup.procs'));
    for (const l of (procs ?? '').split('\n')) if (/^\d+$/.test(l.trim())) pids.push(Number(l.trim()));
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
  };
  await walk(start);
  return [...new Set(pids)];
}
