/** Docker's wording for client errors. */
import { ApiError } from '../client';

export function describeError(e: unknown): string {
  if (e instanceof ApiError) return `Error response from daemon: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/** docker's run/create mapping from a start error to 126 (cannot run) / 127 (not found). */
export function runExitCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127;
  if (/permission denied|is a directory/.test(message)) return 126;
  return 125;
}
