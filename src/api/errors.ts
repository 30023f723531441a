import type { ServerResponse } from 'node:http';
import { errorMessage, isEngineError } from '../util/errors';

/**
 * The one place typed engine errors become HTTP: the status they carry and Docker's
 * `{"message": "..."}` body. Anything untyped is a 500 with its own message.
 */

export function errorStatus(e: unknown): number {
  if (isEngineError(e) && e.status >= 300 && e.status < 600) return e.status;
  return 500;
}

export function errorBody(e: unknown): { message: string } {
  return { message: errorMessage(e) };
}

/**
 * Answers `res` with the error. When the reply has already started (a stream), the status
 * can no longer change, so the stream is ended instead.
 */
export function sendError(res: ServerResponse, e: unknown, headOnly = false): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const status = errorStatus(e);
  if (status === 304 || status === 204) {
    res.writeHead(status);
    res.end();
    return;
  }
  const body = JSON.stringify(errorBody(e)) + '\n';
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(headOnly ? undefined : body);
}

/** The JSON line a progress stream (pull, import, build) carries for an error after its 200. */
export function progressErrorLine(e: unknown): string {
  const message = errorMessage(e);
  return JSON.stringify({ errorDetail: { message }, error: message }) + '\n';
}
