/** What every command module exports, and the context main.ts hands it. */
import type { EngineClient } from '../client';
import type { FlagSpec, FlagValues } from './flagset';
import { describeError } from './errors';

export interface Ctx {
  /** "berth run" or "berth container run": the words the user typed, for messages. */
  readonly path: string;
  client(): EngineClient;
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
}

export interface ArgRule { min?: number; max?: number }

export interface CommandDef {
  /** Usage after the command path: "[OPTIONS] IMAGE [COMMAND] [ARG...]". */
  usage: string;
  description: string;
  flags: FlagSpec[];
  /** false: stop at the first positional (run, create, exec). */
  interspersed?: boolean;
  args?: ArgRule;
  /** Resolves to the exit code. */
  run(ctx: Ctx, values: FlagValues, args: string[]): Promise<number>;
}

/** An error whose text is printed as is, exiting with `code`. */
export class StatusError extends Error {
  constructor(message: string, readonly code: number) {
    super(message);
    this.name = 'StatusError';
  }
}

export const FORMAT_FLAG: FlagSpec = { name: 'format', kind: 'string', help: 'Format output using a custom template' };
export const FILTER_FLAG: FlagSpec = { name: 'filter', short: 'f', kind: 'list', help: 'Filter output based on conditions provided' };

/** Run `fn` for each argument in turn; print errors as docker does, exit 1 if any failed. */
export async function forEachArg(ctx: Ctx, args: string[], fn: (a: string) => Promise<string | void>): Promise<number> {
  let failed = false;
  for (const a of args) {
    try {
      const line = await fn(a);
      if (line !== undefined) ctx.out.write(`${line}\n`);
    } catch (e) {
      failed = true;
      ctx.err.write(`${describeError(e)}\n`);
    }
  }
  return failed ? 1 : 0;
}
