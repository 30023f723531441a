/** berth stats: docker's CPU/memory arithmetic over the v1 stats JSON, one-shot or redrawn. */
import type { ContainerStats } from '../../../api-types';
import { FORMAT_FLAG, type CommandDef } from '../../command';
import { describeError } from '../../errors';
import { get } from '../../flagset';
import { formatRows } from '../../output';
import { bytesSize, humanSize } from '../../units';

export function cpuPercent(s: ContainerStats): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - (s.precpu_stats?.cpu_usage?.total_usage ?? 0);
  const sysDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats?.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus || s.cpu_stats.cpu_usage.percpu_usage?.length || 0;
  return sysDelta > 0 && cpuDelta > 0 ? (cpuDelta / sysDelta) * cpus * 100 : 0;
}

/** Usage minus page cache, as docker computes it for cgroup v1 and v2. */
export function memUsage(s: ContainerStats): number {
  const usage = s.memory_stats.usage ?? 0;
  const st = s.memory_stats.stats ?? {};
  const cache = st.total_inactive_file ?? st.inactive_file;
  return cache !== undefined && cache < usage ? usage - cache : usage;
}

export function statsRow(s: ContainerStats, id: string, trunc: boolean) {
  const mem = memUsage(s);
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0; let tx = 0;
  for (const n of Object.values(s.networks ?? {})) { rx += n.rx_bytes; tx += n.tx_bytes; }
  let rd = 0; let wr = 0;
  for (const b of s.blkio_stats?.io_service_bytes_recursive ?? []) {
    if (/^read$/i.test(b.op)) rd += b.value; else if (/^write$/i.test(b.op)) wr += b.value;
  }
  const fullId = s.id || id;
  return {
    Container: id, ID: trunc ? fullId.slice(0, 12) : fullId, Name: (s.name ?? '').replace(/^\//, '') || '--',
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`, MemUsage: `${bytesSize(mem)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit ? (mem / limit) * 100 : 0).toFixed(2)}%`, NetIO: `${humanSize(rx)} / ${humanSize(tx)}`,
    BlockIO: `${humanSize(rd)} / ${humanSize(wr)}`, PIDs: String(s.pids_stats?.current ?? 0),
  };
}

const HEADERS = { Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };
const DEFAULT = 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}';

export const command: CommandDef = {
  usage: '[OPTIONS] [CONTAINER...]',
  description: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', help: 'Show all containers (default shows just running)' },
    FORMAT_FLAG,
    { name: 'no-stream', kind: 'bool', help: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
  ],
  async run(ctx, v, args) {
    const client = ctx.client();
    const ids = args.length ? args : (await client.containerList({ all: get.bool(v, 'all') })).map((c) => c.Id);
    const trunc = !get.bool(v, 'no-trunc');
    const format = get.str(v, 'format');
    const rows = new Map<string, ReturnType<typeof statsRow>>();
    if (get.bool(v, 'no-stream')) {
      let failed = false;
      await Promise.all(ids.map(async (id) => {
        try { for await (const s of client.containerStats(id, false)) { rows.set(id, statsRow(s, id, trunc)); break; } } catch (e) {
          failed = true;
          ctx.err.write(`${describeError(e)}\n`);
        }
      }));
      ctx.out.write(formatRows(format, DEFAULT, ids.filter((i) => rows.has(i)).map((i) => rows.get(i)!), HEADERS));
      return failed ? 1 : 0;
    }
    for (const id of ids) {
      (async () => { for await (const s of client.containerStats(id, true)) rows.set(id, statsRow(s, id, trunc)); })()
        .catch((e: unknown) => { if (args.length) ctx.err.write(`${describeError(e)}\n`); })
        .finally(() => rows.delete(id));
    }
    const draw = () => {
      const shown = ids.filter((i) => rows.has(i)).map((i) => rows.get(i)!);
      ctx.out.write(`\x1b[2J\x1b[H${formatRows(format, DEFAULT, shown, HEADERS)}`);
    };
    await new Promise<void>((resolve) => {
      const t = setInterval(() => { draw(); if (!ids.some((i) => rows.has(i)) && args.length) { clearInterval(t); resolve(); } }, 1000);
      process.once('SIGINT', () => { clearInterval(t); resolve(); });
    });
    return 0;
  },
};
