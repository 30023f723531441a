import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidParameterError, NotFoundError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { boolParam, filtersParam, listParam, stringParam } from '../query';
import { streamJsonLines } from '../streaming';
import { imagePull, imagePush } from './registry';

/**
 * Images. Names hold slashes and colons (127.0.0.1:5000/a/b:tag), so /images/{name}/...
 * is one wildcard route per method, split on its last segment.
 */

export async function imageList(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const filters = filtersParam(q);
  // API < 1.25 sent the reference as `filter`
  const legacy = stringParam(q, 'filter');
  if (legacy !== undefined) filters.reference = [...(filters.reference ?? []), legacy];
  ctx.json(200, await ctx.backends.images.list({ all: boolParam(q, 'all'), filters, digests: boolParam(q, 'digests') }));
}

/** POST /images/create: import (fromSrc, the body being the tarball when "-") or pull (fromImage). */
export async function imageCreate(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  const fromImage = stringParam(q, 'fromImage');
  const fromSrc = stringParam(q, 'fromSrc');
  let progress: Readable;
  if (fromImage !== undefined) {
    progress = imagePull(ctx, fromImage);
  } else if (fromSrc !== undefined) {
    progress = ctx.backends.images.import(fromSrc === '-' ? ctx.bodyStream() : fromSrc, {
      repo: stringParam(q, 'repo'),
      tag: stringParam(q, 'tag'),
      changes: listParam(q, 'changes'),
      message: stringParam(q, 'message'),
      platform: stringParam(q, 'platform'),
    });
  } else {
    throw new InvalidParameterError('either fromImage or fromSrc must be given');
  }
  await streamJsonLines(ctx, progress, { headers: 'first', errorLines: true, release: () => progress.destroy() });
}

export async function imageInspect(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.images.inspect(ctx.params.name));
}

export async function imageTag(ctx: ApiContext): Promise<void> {
  const repo = stringParam(ctx.query, 'repo');
  if (repo === undefined) throw new InvalidParameterError('repository name must have at least one component');
  await ctx.backends.images.tag(ctx.params.name, repo, stringParam(ctx.query, 'tag'));
  ctx.empty(201);
}

export async function imageDelete(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  ctx.json(200, await ctx.backends.images.remove(ctx.params.name, { force: boolParam(q, 'force'), noPrune: boolParam(q, 'noprune') }));
}

/** GET /images/get?names=a&names=b and GET /images/{name}/get: Docker's archive as a tar stream. */
export async function imageGetAll(ctx: ApiContext): Promise<void> {
  const names = listParam(ctx.query, 'names').filter((n) => n !== '');
  if (names.length === 0) throw new InvalidParameterError('no image names given');
  await sendArchive(ctx, names);
}

async function sendArchive(ctx: ApiContext, names: string[]): Promise<void> {
  const tar = ctx.backends.images.save(names);
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar' });
  // a failure mid-stream cuts the chunked reply short, which the client sees as an error
  await pipeline(tar, ctx.res).catch(() => { tar.destroy(); ctx.res.destroy(); });
}

/** POST /images/load: the body is the archive; the reply a JSON progress stream. */
export async function imageLoad(ctx: ApiContext): Promise<void> {
  const progress = ctx.backends.images.load(ctx.bodyStream(), boolParam(ctx.query, 'quiet'));
  await streamJsonLines(ctx, progress, { headers: 'first', errorLines: true, release: () => progress.destroy() });
}

export async function imageHistory(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.images.history(ctx.params.name));
}

export async function imagePrune(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.images.prune(filtersParam(ctx.query)));
}

/** "a/b:tag/json" → { name: "a/b:tag", op: "json" } */
export function splitImagePath(rest: string): { name: string; op: string } {
  const i = rest.lastIndexOf('/');
  return i < 0 ? { name: rest, op: '' } : { name: rest.slice(0, i), op: rest.slice(i + 1) };
}

function pageNotFound(): never {
  throw new NotFoundError('page not found');
}

async function imageGetByName(ctx: ApiContext): Promise<void> {
  const { name, op } = splitImagePath(ctx.params['*'] ?? '');
  if (!name || (op !== 'json' && op !== 'get' && op !== 'history')) pageNotFound();
  if (op === 'get') { await sendArchive(ctx, [name]); return; }
  ctx.params.name = name;
  if (op === 'history') await imageHistory(ctx);
  else await imageInspect(ctx);
}

async function imagePostByName(ctx: ApiContext): Promise<void> {
  const { name, op } = splitImagePath(ctx.params['*'] ?? '');
  if (!name || (op !== 'tag' && op !== 'push')) pageNotFound();
  ctx.params.name = name;
  if (op === 'push') await imagePush(ctx);
  else await imageTag(ctx);
}

async function imageDeleteByName(ctx: ApiContext): Promise<void> {
  const name = ctx.params['*'] ?? '';
  if (!name) pageNotFound();
  ctx.params.name = name;
  await imageDelete(ctx);
}

export const imageRoutes: Route[] = [
  { method: 'GET', path: '/images/json', handler: imageList },
  { method: 'POST', path: '/images/create', handler: imageCreate },
  { method: 'GET', path: '/images/get', handler: imageGetAll },
  { method: 'POST', path: '/images/load', handler: imageLoad },
  { method: 'POST', path: '/images/prune', handler: imagePrune },
  { method: 'GET', path: '/images/*', handler: imageGetByName },
  { method: 'POST', path: '/images/*', handler: imagePostByName },
  { method: 'DELETE', path: '/images/*', handler: imageDeleteByName },
];
