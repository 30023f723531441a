import type { ContainerStats } from '../../api-types';
import type { CgroupStats } from '../../runtime';
import { ZERO_TIME } from '../../util/time';
import type { ContainerDeps } from './deps';
import type { ContainerDoc } from './model';

type CpuBlock = ContainerStats['cpu_stats'];

function cpuBlock(s: CgroupStats): CpuBlock {
  return {
    cpu_usage: {
      total_usage: s.cpu.totalNs,
      percpu_usage: s.cpu.perCpuNs.length ? s.cpu.perCpuNs : undefined,
      usage_in_kernelmode: s.cpu.systemNs,
      usage_in_usermode: s.cpu.userNs,
    },
    system_cpu_usage: s.systemCpuNs,
    online_cpus: s.onlineCpus,
    throttling_data: { periods: s.cpu.throttling.periods, throttled_periods: s.cpu.throttling.throttledPeriods, throttled_time: s.cpu.throttling.throttledTimeNs },
  };
}

const EMPTY_CPU: CpuBlock = {
  cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
  throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
};

function shape(doc: ContainerDoc, s: CgroupStats | null, prev: { s: CgroupStats; at: string } | null, at: string): ContainerStats {
  return {
    id: doc.id,
    name: `/${doc.name}`,
    read: s ? at : ZERO_TIME,
    preread: prev ? prev.at : ZERO_TIME,
    pids_stats: s ? { current: s.pids.current, limit: s.pids.limit || undefined } : {},
    blkio_stats: { io_service_bytes_recursive: s ? s.blkio : null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: s ? cpuBlock(s) : EMPTY_CPU,
    precpu_stats: prev ? cpuBlock(prev.s) : EMPTY_CPU,
    memory_stats: s ? { usage: s.memory.usage, max_usage: s.memory.maxUsage, limit: s.memory.limit, stats: s.memory.stats } : {},
  };
}

/**
 * docker stats: one sample (with a precpu sample taken just before, as dockerd's one-shot
 * does not but the CLI's CPU % needs) or one per second until aborted.
 */
export async function* containerStats(deps: ContainerDeps, doc: ContainerDoc, stream: boolean, abort?: AbortSignal): AsyncGenerator<ContainerStats> {
  const sample = async (): Promise<CgroupStats | null> => (doc.state.Running ? deps.runtime.stats(doc.id).catch(() => null) : null);
  let prev: { s: CgroupStats; at: string } | null = null;
  if (!stream) {
    const first = await sample();
    if (first) {
      prev = { s: first, at: new Date().toISOString() };
      await new Promise((r) => setTimeout(r, 100));
    }
    const s = await sample();
    yield shape(doc, s, prev, new Date().toISOString());
    return;
  }
  while (!abort?.aborted) {
    const s = await sample();
    const at = new Date().toISOString();
    yield shape(doc, s, prev, at);
    prev = s ? { s, at } : null;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, 1000);
      abort?.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
    });
  }
}
