import * as os from 'node:os';
import type { ContainerRunSpec } from '../oci-runtime';
import { InvalidParameterError } from '../../util/errors';
import type { OciResources } from './oci-types';

/** Docker's smallest allowed --memory. */
const MIN_MEMORY = 6 * 1024 * 1024;
/** the CFS period Docker uses for --cpus, in µs */
export const NANO_CPU_PERIOD = 100000;

/** --cpus (as NanoCpus) → CFS quota over a 100 ms period, as Docker converts it. */
export function cpuQuotaFromNanoCpus(nanoCpus: number): { quota: number; period: number } {
  return { quota: Math.floor((nanoCpus * NANO_CPU_PERIOD) / 1e9), period: NANO_CPU_PERIOD };
}

/**
 * The OCI resources for a container, with Docker's checks and defaults: memory-swap defaults to
 * twice the memory when the kernel accounts swap, and is left alone when it does not (setting it
 * would fail); NanoCpus becomes quota/period; zero means "not set" everywhere.
 */
export function ociResources(r: ContainerRunSpec['resources'], swapAccounting: boolean, cpuCount = os.cpus().length): OciResources {
  const out: OciResources = {};
  const memory = r.memory ?? 0;
  const swap = r.memorySwap ?? 0;
  const reservation = r.memoryReservation ?? 0;
  if (memory !== 0 && memory < MIN_MEMORY) throw new InvalidParameterError('Minimum memory limit allowed is 6MB');
  if (memory === 0 && swap > 0) {
    throw new InvalidParameterError('You should always set the Memory limit when using Memoryswap limit, see usage');
  }
  if (memory > 0 && swap > 0 && swap < memory) {
    throw new InvalidParameterError('Minimum memoryswap limit should be larger than memory limit, see usage');
  }
  if (memory > 0 && reservation > 0 && reservation > memory) {
    throw new InvalidParameterError('Minimum memory limit can not be less than memory reservation limit, see usage');
  }
  if (memory > 0 || reservation > 0) {
    out.memory = {};
    if (memory > 0) out.memory.limit = memory;
    if (reservation > 0) out.memory.reservation = reservation;
    if (memory > 0 && swapAccounting) out.memory.swap = swap === 0 ? memory * 2 : swap;
  }

  const nano = r.nanoCpus ?? 0;
  if (nano !== 0) {
    if (r.cpuPeriod) throw new InvalidParameterError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
    if (r.cpuQuota) throw new InvalidParameterError('Conflicting options: Nano CPUs and CPU Quota cannot both be set');
    if (nano < 0 || nano > cpuCount * 1e9) {
      throw new InvalidParameterError(`Range of CPUs is from 0.01 to ${cpuCount}.00, as there are only ${cpuCount} CPUs available`);
    }
  }
  const cpu: NonNullable<OciResources['cpu']> = {};
  if (r.cpuShares) cpu.shares = r.cpuShares;
  if (nano > 0) {
    const q = cpuQuotaFromNanoCpus(nano);
    cpu.quota = q.quota;
    cpu.period = q.period;
  }
  if (r.cpuQuota) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod) cpu.period = r.cpuPeriod;
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length > 0) out.cpu = cpu;

  if (r.pidsLimit !== undefined && r.pidsLimit > 0) out.pids = { limit: r.pidsLimit };
  if (r.blkioWeight) {
    if (r.blkioWeight < 10 || r.blkioWeight > 1000) throw new InvalidParameterError('Range of blkio weight is from 10 to 1000');
    out.blockIO = { weight: r.blkioWeight };
  }
  return out;
}
