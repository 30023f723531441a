import { Command, Option } from 'commander';

export interface DaemonOptions {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  defaultRuntime: string;
  debug: boolean;
}

/** dockerd-style flags. */
export function parseDaemonFlags(argv: string[]): DaemonOptions {
  const cmd = new Command('berthd')
    .description('A self-sufficient runtime for containers (serves the Docker Engine API)')
    .option('-H, --host <socket>', 'Daemon socket(s) to connect to', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--data-root <dir>', 'Root directory of persistent berth state', '/var/lib/berth')
    .option('--exec-root <dir>', 'Root directory for execution state files', '/run/berth')
    .option('-p, --pidfile <file>', 'Path to use for daemon PID file (default <exec-root>/berthd.pid)')
    .addOption(new Option('-l, --log-level <level>', 'Set the logging level').choices(['debug', 'info', 'warn', 'error', 'fatal']).default('info'))
    .addOption(new Option('--default-runtime <name>', 'Default OCI runtime for containers').choices(['runc', 'crun']).default('runc'))
    .option('-D, --debug', 'Enable debug mode', false)
    .version(process.env.npm_package_version ?? '0.1.0', '-v, --version', 'Print version information and quit')
    .allowExcessArguments(false);
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{ host: string[]; dataRoot: string; execRoot: string; pidfile?: string; logLevel: DaemonOptions['logLevel']; defaultRuntime: string; debug: boolean }>();
  const execRoot = o.execRoot;
  return {
    hosts: o.host.length ? o.host : [`unix://${execRoot}/berth.sock`],
    dataRoot: o.dataRoot,
    execRoot,
    pidfile: o.pidfile ?? `${execRoot}/berthd.pid`,
    logLevel: o.debug ? 'debug' : o.logLevel,
    defaultRuntime: o.defaultRuntime,
    debug: o.debug,
  };
}
