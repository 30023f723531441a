import { execFile } from 'node:child_process';
import { SystemError } from '../util/errors';

export interface TopResult { titles: string[]; processes: string[][] }

/** Splits on ASCII whitespace only, as Docker does (a UTF-8 command name stays one field). */
function fields(line: string): string[] {
  return line.split(/[\t\n\f\r ]+/).filter(Boolean);
}

/**
 * Whether ps args choose their own columns (-o, o, --format, also fused as in "efocmd"),
 * skipping option arguments ("-C ocmd"), so the PID column must be prepended (Docker's rule).
 */
export function customFields(args: readonly string[]): boolean {
  let skip = false;
  for (const arg of args) {
    if (skip) { skip = false; continue; }
    if (arg.startsWith('-o') || arg.startsWith('o') || arg.startsWith('--format')) return true;
    if (arg.startsWith('--') && arg.length > 2) {
      const [opt, value] = arg.split(/=(.*)/s, 2);
      if (['--cols', '--columns', '--Group', '--group', '--lines', '--pid', '--ppid', '--quick-pid', '--rows', '--sid',
        '--sort', '--tty', '--User', '--user', '--width'].includes(opt) && value === undefined) skip = true;
      continue;
    }
    if (arg.length >= 2 && arg[0] === '-') {
      if (['-C', '-G', '-g', '-O', '-p', '-q', '-s', '-t', '-u', '-U'].includes(arg.slice(0, 2))) {
        if (arg.length === 2) skip = true;
        continue;
      }
    }
    for (let i = 0; i < arg.length; i++) {
      const c = arg[i];
      if (c === 'o') return true;
      if ('pqtUOk'.includes(c)) {
        if (i === arg.length - 1) skip = true;
        break;
      }
    }
  }
  return false;
}

/** Keeps the ps rows whose PID is the container's; a thread row ("-" PID, ps -m) follows its process. */
export function parsePsOutput(output: string, pids: readonly number[], pidFirst: boolean): TopResult {
  const lines = output.split('\n');
  let titles = fields(lines[0] ?? '');
  const noPid = new SystemError("Couldn't find PID field in ps output");
  let pidIndex: number;
  if (pidFirst) {
    if (titles[0] !== 'PID') throw noPid;
    pidIndex = 0;
    titles = titles.slice(1);
  } else {
    pidIndex = titles.indexOf('PID');
    if (pidIndex < 0) throw noPid;
  }
  const skip = pidFirst ? 1 : 0;
  const processes: string[][] = [];
  const add = (f: string[]): void => {
    const row = f.slice(skip);
    processes.push([...row.slice(0, titles.length - 1), row.slice(titles.length - 1).join(' ')]);
  };
  let inContainer = false;
  for (const line of lines.slice(1)) {
    if (line.length === 0) continue;
    const f = fields(line);
    const field = f[pidIndex] ?? '';
    if (field === '-') {
      if (inContainer) add(f);
      continue;
    }
    if (!/^[+-]?\d+$/.test(field)) throw new SystemError(`Unexpected pid '${field}': strconv.Atoi: parsing "${field}": invalid syntax`);
    inContainer = pids.includes(Number(field));
    if (inContainer) add(f);
  }
  return { titles, processes };
}

function runPs(args: string[]): Promise<{ stdout: string; error: string | null }> {
  return new Promise((resolve) => {
    execFile('ps', args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (!err) return resolve({ stdout, error: null });
      const first = String(stderr).split('\n')[0];
      const code = (err as NodeJS.ErrnoException & { code?: unknown }).code;
      resolve({ stdout, error: first || (typeof code === 'number' ? `exit status ${code}` : err.message) });
    });
  });
}

/**
 * `docker top`: runs the host's ps with psArgs (default "-ef"), asking for the container's PIDs
 * with -q first and listing everything when ps refuses that mix, then keeps the container's rows.
 */
export async function top(pids: number[], psArgs: string): Promise<TopResult> {
  const custom = psArgs !== '';
  let args = (psArgs || '-ef').split(' ');
  const pidFirst = custom && customFields(args);
  if (pidFirst) args = ['-opid', ...args];
  let res = await runPs([...args, `-q${pids.join(',')}`]);
  if (res.error !== null) {
    res = await runPs(args);
    if (res.error !== null) throw new SystemError(`ps: ${res.error}`);
  }
  return parsePsOutput(res.stdout, pids, pidFirst);
}
