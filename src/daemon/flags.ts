import { Command, Option } from 'commander';

export interface DaemonOptions {
  hosts: string[];
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'fatal';
  defaultRuntime: string;
  debug: boolean;
  /** the default bridge's interface name (-b/--bridge, --bridge-name) */
  bridgeName: string;
  /** the default bridge's address/prefix, "10.8.0.1/24" */
  bip?: string;
  /** --default-address-pool base=CIDR,size=N (repeatable): subnets of user networks */
  addressPools: string[];
  /** registries reached over plain http / unverified TLS (host[:port] or CIDR) */
  insecureRegistries: string[];
  /** mirrors of docker.io, tried first */
  registryMirrors: string[];
  /** where names of docker.io are pulled from (and pushed, logged in, searched) */
  defaultRegistry: string;
  /** per-registry TLS files: <dir>/HOST:PORT/{ca.crt,client.cert,client.key} */
  registryCertsDir: string;
  maxConcurrentDownloads: number;
  maxConcurrentUploads: number;
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
    .option('-b, --bridge <name>', 'Attach containers to a network bridge (the default bridge\'s interface)')
    .option('--bridge-name <name>', 'Name of the default bridge interface', 'berth0')
    .option('--bip <cidr>', 'Specify network bridge IP')
    .option('--default-address-pool <pool>', 'Default address pools for node specific local networks (base=CIDR,size=N)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--insecure-registry <registry>', 'Enable insecure registry communication', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--registry-mirror <url>', 'Preferred registry mirror', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--default-registry <url>', 'Where names of docker.io are pulled from (an internal proxy on air-gapped hosts); also used for docker.io login, search and push', 'https://registry-1.docker.io')
    .option('--registry-certs-dir <dir>', 'Directory of per-registry TLS files (HOST:PORT/ca.crt, client.cert, client.key)', '/etc/berth/certs.d')
    .option('--max-concurrent-downloads <n>', 'Set the max concurrent downloads for each pull', '3')
    .option('--max-concurrent-uploads <n>', 'Set the max concurrent uploads for each push', '5')
    .version(process.env.npm_package_version ?? '0.1.0', '-v, --version', 'Print version information and quit')
    .allowExcessArguments(false);
  cmd.parse(argv, { from: 'user' });
  const o = cmd.opts<{
    host: string[]; dataRoot: string; execRoot: string; pidfile?: string; logLevel: DaemonOptions['logLevel']; defaultRuntime: string; debug: boolean;
    bridge?: string; bridgeName: string; bip?: string; defaultAddressPool: string[];
    insecureRegistry: string[]; registryMirror: string[]; defaultRegistry: string; registryCertsDir: string; maxConcurrentDownloads: string; maxConcurrentUploads: string;
  }>();
  const execRoot = o.execRoot;
  return {
    hosts: o.host.length ? o.host : [`unix://${execRoot}/berth.sock`],
    dataRoot: o.dataRoot,
    execRoot,
    pidfile: o.pidfile ?? `${execRoot}/berthd.pid`,
    logLevel: o.debug ? 'debug' : o.logLevel,
    defaultRuntime: o.defaultRuntime,
    debug: o.debug,
    bridgeName: o.bridge ?? o.bridgeName,
    bip: o.bip,
    addressPools: o.defaultAddressPool,
    insecureRegistries: o.insecureRegistry,
    registryMirrors: o.registryMirror,
    defaultRegistry: registryUrl('--default-registry', o.defaultRegistry),
    registryCertsDir: o.registryCertsDir,
    maxConcurrentDownloads: Math.max(1, Number(o.maxConcurrentDownloads) || 3),
    maxConcurrentUploads: Math.max(1, Number(o.maxConcurrentUploads) || 5),
  };
}

/** An http(s) base URL ("https://host[:port]"); anything else is refused at start. */
function registryUrl(flag: string, v: string): string {
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw new Error(`invalid ${flag} ${JSON.stringify(v)}: not a URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`invalid ${flag} ${JSON.stringify(v)}: must be http:// or https://`);
  return u.origin;
}
