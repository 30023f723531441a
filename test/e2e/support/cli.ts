/**
 * The CLI matrix: every e2e acceptance line runs once with `berth` and once with the real
 * `docker` CLI, both pointed at the same berthd. Helpers here keep the tests table-driven.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import * as assert from 'node:assert/strict';
import { BERTH } from '../../harness';
import type { RunOptions, RunResult, TestDaemon } from '../../harness';

export type CliName = 'berth' | 'docker';
export const CLIS: readonly CliName[] = ['berth', 'docker'];

/** Runs one CLI command against the daemon. */
export type Cli = (args: string[], opts?: RunOptions) => Promise<RunResult>;

export function cliFor(getDaemon: () => TestDaemon, cli: CliName): Cli {
  return (args, opts) => (cli === 'berth' ? getDaemon().berth(args, opts) : getDaemon().docker(args, opts));
}

/** The executable a shell (e.g. in a pty) should run for this CLI. */
export function cliBinary(cli: CliName): string {
  return cli === 'berth' ? BERTH : 'docker';
}

export function describeResult(r: RunResult): string {
  return `exit ${r.code}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`;
}

/** Asserts exit 0 and returns stdout. */
export function ok(r: RunResult, what: string): string {
  assert.equal(r.code, 0, `${what} failed: ${describeResult(r)}`);
  return r.stdout;
}

/** Runs the command and asserts it succeeded. */
export async function okRun(cli: Cli, args: string[], opts?: RunOptions): Promise<string> {
  return ok(await cli(args, opts), args.join(' '));
}

/** The full 64-hex ID of a container, by name. */
export async function fullId(cli: Cli, name: string): Promise<string> {
  const id = (await okRun(cli, ['inspect', '-f', '{{.Id}}', name])).trim();
  assert.match(id, /^[0-9a-f]{64}$/, `inspect .Id of ${name}`);
  return id;
}

/** One `inspect -f` value, trimmed. */
export async function inspectField(cli: Cli, name: string, template: string): Promise<string> {
  return (await okRun(cli, ['inspect', '-f', template, name])).trim();
}

/** The table row of `ps` (with the given extra flags) whose NAMES column is `name`, or undefined. */
export async function psRow(cli: Cli, name: string, flags: string[] = ['-a']): Promise<string | undefined> {
  const out = await okRun(cli, ['ps', ...flags]);
  return out.split('\n').slice(1).find((l) => l.trimEnd().endsWith(` ${name}`));
}

/** Docker's human "… ago" suffix of an Exited status (go-units HumanDuration). */
export const AGO = String.raw`(Less than a second|About a minute|About an hour|\d+ (seconds?|minutes|hours|days|weeks|months|years)) ago`;

/** Asserts the daemon still answers `version` (after a bad request, say). */
export async function assertDaemonUp(cli: Cli): Promise<void> {
  const r = await cli(['version']);
  assert.equal(r.code, 0, `daemon no longer answers version: ${describeResult(r)}`);
  const server = r.stdout.split(/^Server:/m)[1] ?? '';
  assert.match(server, /^\s+API version:\s+1\.41\b/m, `version shows the server: ${r.stdout}`);
}

/** A CLI process left running (attach, logs -f): its output so far, and a way to end it. */
export interface LiveCli {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  exited: Promise<number>;
  kill(): Promise<number>;
}

export function spawnCli(d: TestDaemon, cli: CliName, args: string[]): LiveCli {
  const child = spawn(cliBinary(cli), args, { env: d.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
  const exited = new Promise<number>((res) => child.on('close', (code, signal) => res(code ?? (signal ? 128 + 9 : -1))));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
