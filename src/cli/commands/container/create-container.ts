/** Create a container, pulling its image first when missing, as `docker run/create` do. */
import { writeFileSync } from 'node:fs';
import { ApiError } from '../../../client';
import type { Ctx } from '../../command';
import { ProgressRenderer } from '../../progress';
import { authHeaderFor } from '../../auth/config-file';
import type { CreatePlan } from './create-flags';

/** busybox → busybox:latest (digests and explicit tags stay). */
export function withDefaultTag(ref: string): string {
  const last = ref.slice(ref.lastIndexOf('/') + 1);
  return ref.includes('@') || last.includes(':') ? ref : `${ref}:latest`;
}

function splitTag(ref: string): [string, string] {
  const at = ref.indexOf('@');
  if (at >= 0) return [ref.slice(0, at), ref.slice(at + 1)];
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}

/** The docker CLI's implicit pull: its progress display on stderr, with the stored credentials. */
export async function pullImage(ctx: Ctx, ref: string, platform: string | undefined, quiet: boolean): Promise<void> {
  const [name, tag] = splitTag(withDefaultTag(ref));
  const r = new ProgressRenderer(ctx.err, Boolean(ctx.err.isTTY));
  for await (const m of ctx.client().imagePull(name, tag, platform, authHeaderFor(name))) {
    if (m.error || m.errorDetail) throw new Error(m.errorDetail?.message ?? m.error);
    if (!quiet) r.write(m);
  }
}

function isMissingImage(e: unknown): boolean {
  return e instanceof ApiError && e.status === 404 && /no such image|not found|No such image/i.test(e.message);
}

export async function createContainer(ctx: Ctx, plan: CreatePlan, quiet: boolean): Promise<string> {
  const image = plan.body.Image ?? '';
  if (plan.cidfile) {
    try { writeFileSync(plan.cidfile, '', { flag: 'wx' }); } catch {
      throw new Error(`container ID file found, make sure the other container isn't running or delete ${plan.cidfile}`);
    }
  }
  if (plan.pull === 'always') await pullImage(ctx, image, plan.platform, quiet);
  let res;
  try {
    res = await ctx.client().containerCreate(plan.body, plan.name, plan.platform);
  } catch (e) {
    if (!isMissingImage(e) || plan.pull === 'never') throw e;
    ctx.err.write(`Unable to find image '${withDefaultTag(image)}' locally\n`);
    await pullImage(ctx, image, plan.platform, quiet);
    res = await ctx.client().containerCreate(plan.body, plan.name, plan.platform);
  }
  for (const w of res.Warnings ?? []) ctx.err.write(`WARNING: ${w}\n`);
  if (plan.cidfile) writeFileSync(plan.cidfile, res.Id);
  return res.Id;
}
