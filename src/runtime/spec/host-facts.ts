import * as fs from 'node:fs';
import * as path from 'node:path';
import { capsFromMask } from './capabilities';

/** What the daemon's host allows; read once, passed to the spec generator. */
export interface HostFacts {
  /** the daemon's capability bounding set (CAP_* names): what --privileged can grant */
  boundingCaps: string[];
  /** the daemon's own rlimits (RLIMIT_* names); Infinity = unlimited */
  rlimits: { name: string; soft: number; hard: number }[];
  cgroupVersion: 1 | 2;
  memorySwapAccounting: boolean;
  /** a static init to run as PID 1 for --init, or null when none is installed */
  initPath: string | null;
}

/** /proc/self/limits row titles → RLIMIT_* names. */
const LIMIT_NAMES: Record<string, string> = {
  'Max cpu time': 'RLIMIT_CPU',
  'Max file size': 'RLIMIT_FSIZE',
  'Max data size': 'RLIMIT_DATA',
  'Max stack size': 'RLIMIT_STACK',
  'Max core file size': 'RLIMIT_CORE',
  'Max resident set': 'RLIMIT_RSS',
  'Max processes': 'RLIMIT_NPROC',
  'Max open files': 'RLIMIT_NOFILE',
  'Max locked memory': 'RLIMIT_MEMLOCK',
  'Max address space': 'RLIMIT_AS',
  'Max file locks': 'RLIMIT_LOCKS',
  'Max pending signals': 'RLIMIT_SIGPENDING',
  'Max msgqueue size': 'RLIMIT_MSGQUEUE',
  'Max nice priority': 'RLIMIT_NICE',
  'Max realtime priority': 'RLIMIT_RTPRIO',
  'Max realtime timeout': 'RLIMIT_RTTIME',
};

const CGROUP2_SUPER_MAGIC = 0x63677270;
const INIT_CANDIDATES = ['/usr/bin/tini-static'];

/** Parses the text of /proc/<pid>/limits. */
export function parseLimits(text: string): HostFacts['rlimits'] {
  const out: HostFacts['rlimits'] = [];
  for (const line of text.split('\n').slice(1)) {
    const title = Object.keys(LIMIT_NAMES).find((t) => line.startsWith(t));
    if (!title) continue;
    const [soft, hard] = line.slice(title.length).trim().split(/\s+/);
    const num = (v: string | undefined): number => (v === undefined || v === 'unlimited' ? Infinity : Number(v));
    out.push({ name: LIMIT_NAMES[title], soft: num(soft), hard: num(hard) });
  }
  return out;
}

/** The CapBnd line of /proc/<pid>/status, decoded. */
export function parseBoundingCaps(status: string): string[] {
  const m = /^CapBnd:\s*([0-9a-fA-F]+)/m.exec(status);
  return m ? capsFromMask(m[1]) : [];
}

function isCgroup2Root(dir: string): boolean {
  try {
    return fs.statfsSync(dir).type === CGROUP2_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/** Swap accounting: v1 memsw files; v2 memory.swap.max in a non-root cgroup (the root has none). */
function swapAccounting(version: 1 | 2): boolean {
  if (version === 1) return fs.existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes');
  let own = '/';
  try {
    const line = fs.readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'));
    if (line) own = line.slice(3);
  } catch { /* keep the root */ }
  const dir = path.join('/sys/fs/cgroup', own);
  if (own !== '/' && fs.existsSync(path.join(dir, 'memory.swap.max'))) return true;
  try {
    return fs.readdirSync('/sys/fs/cgroup', { withFileTypes: true })
      .some((e) => e.isDirectory() && fs.existsSync(path.join('/sys/fs/cgroup', e.name, 'memory.swap.max')));
  } catch {
    return false;
  }
}

let cached: HostFacts | undefined;

/** Reads the host facts once; later calls return the cached result. */
export function readHostFacts(): HostFacts {
  if (cached) return cached;
  const cgroupVersion: 1 | 2 = isCgroup2Root('/sys/fs/cgroup') ? 2 : 1;
  cached = {
    boundingCaps: parseBoundingCaps(fs.readFileSync('/proc/self/status', 'utf8')),
    rlimits: parseLimits(fs.readFileSync('/proc/self/limits', 'utf8')),
    cgroupVersion,
    memorySwapAccounting: swapAccounting(cgroupVersion),
    initPath: INIT_CANDIDATES.find((p) => fs.existsSync(p)) ?? null,
  };
  return cached;
}
