/** berth version: Client and Server sections laid out like docker's. */
import type { SystemVersion } from '../../../api-types';
import { API_VERSION } from '../../../api-types';
import { StatusError, type CommandDef } from '../../command';
import { describeError } from '../../errors';
import { get } from '../../flagset';
import { renderTemplate } from '../../output';

const GOARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

export function clientVersion() {
  return {
    Platform: { Name: 'Berth' }, Version: '0.1.0', ApiVersion: API_VERSION, DefaultAPIVersion: API_VERSION,
    GitCommit: 'unknown', GoVersion: process.version, Os: process.platform, Arch: GOARCH[process.arch] ?? process.arch,
    BuildTime: '', Context: 'default',
  };
}

function pad(rows: [string, string][], indent: string): string {
  const w = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, val]) => `${indent}${`${k}:`.padEnd(w)}${val}`).join('\n');
}

export function renderVersion(c: ReturnType<typeof clientVersion>, s: SystemVersion | undefined): string {
  const lines = ['Client:', pad([
    ['Version', c.Version], ['API version', c.ApiVersion], ['Node version', c.GoVersion], ['Git commit', c.GitCommit],
    ['Built', c.BuildTime || '-'], ['OS/Arch', `${c.Os}/${c.Arch}`], ['Context', c.Context],
  ], ' ')];
  if (s) {
    lines.push('', `Server:${s.Platform?.Name ? ` ${s.Platform.Name}` : ''}`);
    for (const comp of s.Components ?? []) {
      lines.push(` ${comp.Name}:`);
      const d = comp.Details ?? {};
      if (comp.Name === 'Engine') {
        lines.push(pad([
          ['Version', comp.Version], ['API version', `${d.ApiVersion ?? s.ApiVersion} (minimum version ${d.MinAPIVersion ?? s.MinAPIVersion})`],
          ['Go version', d.GoVersion ?? s.GoVersion], ['Git commit', d.GitCommit ?? s.GitCommit], ['Built', d.BuildTime ?? s.BuildTime],
          ['OS/Arch', `${d.Os ?? s.Os}/${d.Arch ?? s.Arch}`], ['Experimental', d.Experimental ?? 'false'],
        ], '  '));
      } else {
        lines.push(pad([['Version', comp.Version], ...Object.entries(d).map(([k, val]) => [k, val] as [string, string])], '  '));
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Templates address docker's Go fields (APIVersion), not the JSON keys (ApiVersion). */
function goFieldNames<T extends { ApiVersion: string }>(v: T): Omit<T, 'ApiVersion'> & { APIVersion: string } {
  const { ApiVersion, ...rest } = v;
  return { ...rest, APIVersion: ApiVersion };
}

export const command: CommandDef = {
  usage: '[OPTIONS]',
  description: 'Show the Berth version information',
  flags: [{ name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' }],
  args: { max: 0 },
  async run(ctx, v) {
    const c = clientVersion();
    let s: SystemVersion | undefined;
    let err: unknown;
    try { s = await ctx.client().version(); } catch (e) { err = e; }
    const format = get.str(v, 'format');
    if (format) ctx.out.write(`${renderTemplate(format, { Client: goFieldNames(c), Server: s ? goFieldNames(s) : null })}\n`);
    else ctx.out.write(renderVersion(c, s));
    if (err) throw new StatusError(describeError(err), 1);
    return 0;
  },
};
