/**
 * Typed errors raised where the failure is detected; each carries the HTTP status Docker
 * uses for it, so the API layer only has to serialise `{"message": ...}`.
 */
export class EngineError extends Error {
  constructor(message: string, readonly status: number) {
    super(message);
    this.name = new.target.name;
  }
}

/** 400: the request itself is wrong ("invalid reference format", a bad flag value). */
export class InvalidParameterError extends EngineError {
  constructor(message: string) { super(message, 400); }
}

/** 404: "No such container: x", "No such image: x". */
export class NotFoundError extends EngineError {
  constructor(message: string) { super(message, 404); }
}

/** 409: a name in use, a running container removed without force, an image in use. */
export class ConflictError extends EngineError {
  constructor(message: string) { super(message, 409); }
}

/** 304: start of a started container, stop of a stopped one. */
export class NotModifiedError extends EngineError {
  constructor(message = '') { super(message, 304); }
}

/** 401/403 from registries or forbidden operations. */
export class ForbiddenError extends EngineError {
  constructor(message: string) { super(message, 403); }
}

/** 500: everything the engine could not do for reasons of its own (runtime failures). */
export class SystemError extends EngineError {
  constructor(message: string) { super(message, 500); }
}

export function isEngineError(e: unknown): e is EngineError {
  return e instanceof EngineError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** 401: a registry refused the credentials (login, pull, push). */
export class UnauthorizedError extends EngineError {
  constructor(message: string) { super(message, 401); }
}
