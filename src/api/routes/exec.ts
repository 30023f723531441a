import { EXEC_CREATE, checkShape } from '../decode';
import type { ExecCreateRequest, ExecStartRequest } from '../../api-types';
import type { ApiContext, Route } from '../context';
import { hijackSession } from '../hijack';
import { terminalSizeParams } from './containers';

/** POST /containers/{id}/exec (operationId ContainerExec). */
export async function containerExec(ctx: ApiContext): Promise<void> {
  const body = await ctx.readJsonObject<ExecCreateRequest>(true);
  checkShape(body as unknown as Record<string, unknown>, EXEC_CREATE, 'ExecConfig');
  const r = await ctx.backends.execs.create(ctx.params.id, body as ExecCreateRequest);
  ctx.json(201, { Id: r.Id });
}

/** POST /exec/{id}/start: hijacked unless Detach, which answers 200 with no body. */
export async function execStart(ctx: ApiContext): Promise<void> {
  const body = (await ctx.readJsonObject<ExecStartRequest>(false)) ?? {};
  const size = Array.isArray(body.ConsoleSize) && body.ConsoleSize.length === 2
    ? { rows: Number(body.ConsoleSize[0]), cols: Number(body.ConsoleSize[1]) }
    : undefined;
  const session = await ctx.backends.execs.start(ctx.params.id, { detach: body.Detach === true, tty: body.Tty === true, consoleSize: size });
  if (!session) {
    ctx.empty(200);
    return;
  }
  await hijackSession(ctx, session);
}

export async function execResize(ctx: ApiContext): Promise<void> {
  await ctx.backends.execs.resize(ctx.params.id, terminalSizeParams(ctx.query));
  ctx.empty(200);
}

export async function execInspect(ctx: ApiContext): Promise<void> {
  ctx.json(200, await ctx.backends.execs.inspect(ctx.params.id));
}

export const execRoutes: Route[] = [
  { method: 'POST', path: '/containers/:id/exec', handler: containerExec },
  { method: 'POST', path: '/exec/:id/start', handler: execStart },
  { method: 'POST', path: '/exec/:id/resize', handler: execResize },
  { method: 'GET', path: '/exec/:id/json', handler: execInspect },
];
