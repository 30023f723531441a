/** berth inspect / container inspect / image inspect: a 4-space-indented JSON array, or -f per object. */
import { ApiError } from '../../../client';
import { StatusError, type CommandDef, type Ctx } from '../../command';
import { describeError } from '../../errors';
import { get, type FlagSpec } from '../../flagset';
import { renderTemplate } from '../../output';

export type InspectType = 'container' | 'image' | 'volume' | '';

export const INSPECT_FLAGS: FlagSpec[] = [
  { name: 'format', short: 'f', kind: 'string', help: 'Format output using a custom template' },
  { name: 'size', short: 's', kind: 'bool', help: 'Display total file sizes if the type is container' },
];

async function lookup(ctx: Ctx, ref: string, type: InspectType, size: boolean): Promise<unknown> {
  const client = ctx.client();
  const notFound = (e: unknown) => e instanceof ApiError && e.status === 404;
  if (type === 'volume') return client.volumeInspect(ref);
  if (type !== 'image') {
    try { return await client.containerInspect(ref, size); } catch (e) { if (!notFound(e) || type === 'container') throw e; }
  }
  try { return await client.imageInspect(ref); } catch (e) {
    if (!notFound(e) || type !== '') throw e;
  }
  try { return await client.networkInspect(ref); } catch (e) {
    if (!notFound(e) || type !== '') throw e;
  }
  try { return await client.volumeInspect(ref); } catch (e) {
    if (notFound(e)) throw new Error(`Error: No such object: ${ref}`);
    throw e;
  }
}

export async function inspect(ctx: Ctx, refs: string[], type: InspectType, format: string | undefined, size: boolean): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const r of refs) {
    try { found.push(await lookup(ctx, r, type, size)); } catch (e) { errors.push(describeError(e)); }
  }
  if (format) for (const o of found) ctx.out.write(`${renderTemplate(format.replace(/\\t/g, '\t').replace(/\\n/g, '\n'), o)}\n`);
  else ctx.out.write(found.length ? `${JSON.stringify(found, null, 4)}\n` : '[]\n');
  if (errors.length) throw new StatusError(errors.join('\n'), 1);
  return 0;
}

export const command: CommandDef = {
  usage: '[OPTIONS] NAME|ID [NAME|ID...]',
  description: 'Return low-level information on Docker objects',
  flags: [...INSPECT_FLAGS, { name: 'type', kind: 'string', help: 'Only inspect objects of the given type' }],
  args: { min: 1 },
  run(ctx, v, args) {
    const t = get.str(v, 'type') ?? '';
    if (!['', 'container', 'image', 'volume'].includes(t)) throw new StatusError(`"${t}" is not a valid value for --type`, 1);
    return inspect(ctx, args, t as InspectType, get.str(v, 'format'), get.bool(v, 'size'));
  },
};
