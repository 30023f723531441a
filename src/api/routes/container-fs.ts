import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { ContainerFsBackend, ContainerPathStat } from '../../engine';
import { EngineError, InvalidParameterError } from '../../util/errors';
import type { ApiContext, Route } from '../context';
import { boolParam, listParam, stringParam } from '../query';

/** A container's filesystem: changes (diff), export, archive (cp) and commit. */

class NotImplemented extends EngineError {
  constructor() { super('container filesystem operations are not available in this daemon', 501); }
}

function fsBackend(ctx: ApiContext): ContainerFsBackend {
  const b = ctx.backends.containerFs;
  if (!b) throw new NotImplemented();
  return b;
}

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

function statHeader(stat: ContainerPathStat): string {
  return Buffer.from(JSON.stringify(stat)).toString('base64');
}

async function sendTar(ctx: ApiContext, tar: Readable, headers: Record<string, string> = {}): Promise<void> {
  ctx.res.writeHead(200, { 'Content-Type': 'application/x-tar', ...headers });
  ctx.signal.addEventListener('abort', () => tar.destroy(), { once: true });
  // a failure mid-stream cuts the chunked reply short, which the client sees as an error
  await pipeline(tar, ctx.res).catch(() => { tar.destroy(); ctx.res.destroy(); });
}

function pathParam(ctx: ApiContext): string {
  const p = ctx.query.get('path');
  if (p === null || p === '') throw new InvalidParameterError('path cannot be empty');
  return p;
}

export async function containerChanges(ctx: ApiContext): Promise<void> {
  const changes = await fsBackend(ctx).changes(ctx.params.id);
  ctx.json(200, changes.length ? changes : null);
}

export async function containerExport(ctx: ApiContext): Promise<void> {
  await sendTar(ctx, await fsBackend(ctx).export(ctx.params.id));
}

export async function containerArchiveInfo(ctx: ApiContext): Promise<void> {
  const stat = await fsBackend(ctx).statPath(ctx.params.id, pathParam(ctx));
  ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(stat), 'Content-Length': 0 });
  ctx.res.end();
}

export async function containerArchive(ctx: ApiContext): Promise<void> {
  const { stat, tar } = await fsBackend(ctx).getArchive(ctx.params.id, pathParam(ctx));
  await sendTar(ctx, tar, { [STAT_HEADER]: statHeader(stat) });
}

export async function putContainerArchive(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  await fsBackend(ctx).putArchive(ctx.params.id, pathParam(ctx), ctx.bodyStream(), {
    noOverwriteDirNonDir: boolParam(q, 'noOverwriteDirNonDir'),
    copyUIDGID: boolParam(q, 'copyUIDGID'),
  });
  ctx.empty(200);
}

/** POST /commit?container=&repo=&tag=&comment=&author=&pause=&changes= */
export async function imageCommit(ctx: ApiContext): Promise<void> {
  const q = ctx.query;
  // the body (a config to merge) is read and dropped: the docker CLI sends none
  await ctx.readBody();
  const container = stringParam(q, 'container') ?? '';
  const repo = stringParam(q, 'repo');
  const tag = stringParam(q, 'tag');
  if (!repo && tag) throw new InvalidParameterError('invalid reference format: tag without repository');
  const r = await fsBackend(ctx).commit(container, {
    reference: repo ? (tag ? `${repo}:${tag}` : repo) : undefined,
    comment: stringParam(q, 'comment'),
    author: stringParam(q, 'author'),
    pause: boolParam(q, 'pause', true),
    changes: listParam(q, 'changes'),
  });
  ctx.json(201, { Id: r.Id });
}

export const containerFsRoutes: Route[] = [
  { method: 'GET', path: '/containers/:id/changes', handler: containerChanges },
  { method: 'GET', path: '/containers/:id/export', handler: containerExport },
  { method: 'HEAD', path: '/containers/:id/archive', handler: containerArchiveInfo },
  { method: 'GET', path: '/containers/:id/archive', handler: containerArchive },
  { method: 'PUT', path: '/containers/:id/archive', handler: putContainerArchive },
  { method: 'POST', path: '/commit', handler: imageCommit },
];
