/** Errors the client raises; the CLI turns them into docker-worded messages and exit codes. */

/** The daemon answered with an error status; `message` is the daemon's own wording. */
export class ApiError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No daemon listens at the configured address. */
export class DaemonUnreachableError extends Error {
  constructor(readonly host: string, override readonly cause?: unknown) {
    super(`Cannot connect to the Berth daemon at ${host}. Is the berth daemon running?`);
    this.name = 'DaemonUnreachableError';
  }
}
