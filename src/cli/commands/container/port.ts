import type { CommandDef } from '../../command';

export const command: CommandDef = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  flags: [],
  args: { min: 1, max: 2 },
  async run(ctx, _v, [id, want]) {
    const c = await ctx.client().containerInspect(id);
    const ports = c.NetworkSettings?.Ports ?? {};
    const fmt = (b: { HostIp?: string; HostPort?: string }) => {
      const ip = b.HostIp || '0.0.0.0';
      return `${ip.includes(':') ? `[${ip}]` : ip}:${b.HostPort}`;
    };
    if (want) {
      const [port, proto = 'tcp'] = want.split('/');
      const key = `${port}/${proto}`;
      const bs = ports[key];
      if (!bs?.length) throw new Error(`Error: No public port '${key}' published for ${id}`);
      for (const b of bs) ctx.out.write(`${fmt(b)}\n`);
      return 0;
    }
    const keys = Object.keys(ports).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b));
    for (const k of keys) for (const b of ports[k] ?? []) ctx.out.write(`${k} -> ${fmt(b)}\n`);
    return 0;
  },
};
