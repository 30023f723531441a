/** berth info: the daemon's /info in docker's layout (the fields berth reports). */
import type { SystemInfo } from '../../../api-types';
import { StatusError, type CommandDef } from '../../command';
import { describeError } from '../../errors';
import { get } from '../../flagset';
import { renderTemplate } from '../../output';
import { bytesSize } from '../../units';

export function renderInfo(i: SystemInfo): string {
  const l: string[] = ['Client:', ' Version:    0.1.0', ' Context:    default', ' Debug Mode: false', '', 'Server:'];
  l.push(` Containers: ${i.Containers}`, `  Running: ${i.ContainersRunning}`, `  Paused: ${i.ContainersPaused}`, `  Stopped: ${i.ContainersStopped}`);
  l.push(` Images: ${i.Images}`, ` Server Version: ${i.ServerVersion}`, ` Storage Driver: ${i.Driver}`);
  for (const [k, v] of i.DriverStatus ?? []) l.push(`  ${k}: ${v}`);
  l.push(` Logging Driver: ${i.LoggingDriver}`, ` Cgroup Driver: ${i.CgroupDriver}`, ` Cgroup Version: ${i.CgroupVersion}`);
  if (i.Plugins) {
    l.push(' Plugins:', `  Volume: ${(i.Plugins.Volume ?? []).join(' ')}`, `  Network: ${(i.Plugins.Network ?? []).join(' ')}`, `  Log: ${(i.Plugins.Log ?? []).join(' ')}`);
  }
  l.push(` Swarm: ${i.Swarm?.LocalNodeState ?? 'inactive'}`);
  l.push(` Runtimes: ${Object.keys(i.Runtimes ?? {}).sort().join(' ')}`, ` Default Runtime: ${i.DefaultRuntime}`);
  l.push(` Init Binary: ${i.InitBinary ?? ''}`);
  if (i.SecurityOptions?.length) {
    l.push(' Security Options:');
    for (const o of i.SecurityOptions) {
      const parts = o.split(',');
      l.push(`  ${parts[0].replace(/^name=/, '')}`);
      for (const p of parts.slice(1)) { const [k, val] = p.split('='); l.push(`   ${k[0].toUpperCase()}${k.slice(1)}: ${val}`); }
    }
  }
  l.push(` Kernel Version: ${i.KernelVersion}`, ` Operating System: ${i.OperatingSystem}`, ` OSType: ${i.OSType}`, ` Architecture: ${i.Architecture}`);
  l.push(` CPUs: ${i.NCPU}`, ` Total Memory: ${bytesSize(i.MemTotal)}`, ` Name: ${i.Name}`, ` ID: ${i.ID}`, ` Docker Root Dir: ${i.DockerRootDir}`);
  l.push(` Debug Mode: ${i.Debug}`, ` Experimental: ${i.ExperimentalBuild}`, ' Insecure Registries:');
  const reg = (i.RegistryConfig ?? {}) as { InsecureRegistryCIDRs?: string[] };
  for (const r of reg.InsecureRegistryCIDRs ?? []) l.push(`  ${r}`);
  l.push(` Live Restore Enabled: ${i.LiveRestoreEnabled}`);
  if (i.Labels?.length) { l.push(' Labels:'); for (const x of i.Labels) l.push(`  ${x}`); }
  let out = `${l.join('\n')}\n`;
  for (const w of i.Warnings ?? []) out += `${w}\n`;
  return out;
}

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  flags: [{ name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' }],
  args: { max: 0 },
  async run(ctx, v) {
    let info: SystemInfo;
    try { info = await ctx.client().info(); } catch (e) { throw new StatusError(describeError(e), 1); }
    const format = get.str(v, 'format');
    if (format) ctx.out.write(`${format === 'json' ? JSON.stringify(info) : renderTemplate(format, info)}\n`);
    else ctx.out.write(renderInfo(info));
    return 0;
  },
};
