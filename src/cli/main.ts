/**
 * berth's entry point: global flags, then one command module, loaded on demand so that
 * `berth run` pays only for what it uses.
 */
import type { EngineClient } from '../client';
import { FlagError, formatHelp, parseFlags, type FlagSpec } from './flagset';
import { StatusError, type CommandDef, type Ctx } from './command';
import { describeError } from './errors';

type Loader = () => CommandDef;
/* eslint-disable @typescript-eslint/no-require-imports */
// the .js suffix lets the bundler see every command module behind this template
const c = (f: string): Loader => () => (require(`./commands/${f}.js`) as { command: CommandDef }).command;

const CONTAINER: Record<string, Loader> = {
  run: c('container/run'), create: c('container/create'), start: c('container/start'), stop: c('container/stop'),
  kill: c('container/kill'), restart: c('container/restart'), rm: c('container/rm'), remove: c('container/rm'),
  ls: c('container/ls'), ps: c('container/ls'), list: c('container/ls'), inspect: c('container/inspect'),
  logs: c('container/logs'), attach: c('container/attach'), exec: c('container/exec'), top: c('container/top'),
  rename: c('container/rename'), pause: c('container/pause'), unpause: c('container/unpause'), wait: c('container/wait'),
  stats: c('container/stats'), port: c('container/port'), prune: c('container/prune'),
  diff: c('container/diff'), export: c('container/export'), cp: c('container/cp'), commit: c('container/commit'),
};
const IMAGE: Record<string, Loader> = {
  ls: c('image/ls'), list: c('image/ls'), import: c('image/import'), inspect: c('image/inspect'), tag: c('image/tag'),
  rm: c('image/rm'), remove: c('image/rm'), prune: c('image/prune'), save: c('image/save'), load: c('image/load'), history: c('image/history'),
  build: c('image/build'),
  pull: c('image/pull'), push: c('image/push'),
};
const BUILDER: Record<string, Loader> = { build: IMAGE.build, prune: c('builder/prune') };
const SYSTEM: Record<string, Loader> = { df: c('system/df'), prune: c('system/prune'), events: c('system/events'), info: c('system/info') };
const NETWORK: Record<string, Loader> = {
  create: c('network/create'), ls: c('network/ls'), list: c('network/ls'), inspect: c('network/inspect'),
  rm: c('network/rm'), remove: c('network/rm'), prune: c('network/prune'), connect: c('network/connect'), disconnect: c('network/disconnect'),
};
const VOLUME: Record<string, Loader> = {
  create: c('volume/create'), ls: c('volume/ls'), list: c('volume/ls'), inspect: c('volume/inspect'),
  rm: c('volume/rm'), remove: c('volume/rm'), prune: c('volume/prune'),
};
const TOP: Record<string, Loader> = {
  run: CONTAINER.run, create: CONTAINER.create, start: CONTAINER.start, stop: CONTAINER.stop, kill: CONTAINER.kill,
  restart: CONTAINER.restart, rm: CONTAINER.rm, ps: CONTAINER.ls, inspect: c('system/inspect'), logs: CONTAINER.logs,
  attach: CONTAINER.attach, exec: CONTAINER.exec, top: CONTAINER.top, rename: CONTAINER.rename, pause: CONTAINER.pause,
  unpause: CONTAINER.unpause, wait: CONTAINER.wait, stats: CONTAINER.stats, port: CONTAINER.port, events: c('system/events'),
  diff: CONTAINER.diff, export: CONTAINER.export, cp: CONTAINER.cp, commit: CONTAINER.commit,
  import: IMAGE.import, images: IMAGE.ls, save: IMAGE.save, load: IMAGE.load, tag: IMAGE.tag, rmi: IMAGE.rm, history: IMAGE.history, version: c('system/version'), info: c('system/info'),
  build: IMAGE.build,
  pull: IMAGE.pull, push: IMAGE.push, login: c('system/login'), logout: c('system/logout'), search: c('image/search'),
};
const GROUPS: Record<string, Record<string, Loader>> = { container: CONTAINER, image: IMAGE, network: NETWORK, volume: VOLUME, system: SYSTEM, builder: BUILDER };

const GLOBAL: FlagSpec[] = [
  { name: 'host', short: 'H', kind: 'list', help: 'Daemon socket to connect to' },
  { name: 'config', kind: 'string', help: 'Location of client config files' },
  { name: 'context', short: 'c', kind: 'string', help: 'Name of the context to use' },
  { name: 'debug', short: 'D', kind: 'bool', help: 'Enable debug mode' },
  { name: 'log-level', short: 'l', kind: 'string', help: 'Set the logging level' },
  { name: 'tls', kind: 'bool', help: 'Use TLS' },
  { name: 'tlsverify', kind: 'bool', help: 'Use TLS and verify the remote' },
  { name: 'tlscacert', kind: 'string', help: 'Trust certs signed only by this CA' },
  { name: 'tlscert', kind: 'string', help: 'Path to TLS certificate file' },
  { name: 'tlskey', kind: 'string', help: 'Path to TLS key file' },
  { name: 'version', short: 'v', kind: 'bool', help: 'Print version information and quit' },
];

function topHelp(): string {
  return `Usage:  berth [OPTIONS] COMMAND\n\nA container engine speaking the Docker Engine API\n\nCommands:\n  ${Object.keys(TOP).join('\n  ')}\n\nManagement Commands:\n  builder     Manage builds\n  container   Manage containers\n  image       Manage images\n  network     Manage networks\n  system      Manage Docker\n  volume      Manage volumes\n`;
}

function plural(n: number): string { return n === 1 ? 'argument' : 'arguments'; }

function checkArgs(def: CommandDef, path: string, args: string[]): string | undefined {
  const { min = 0, max = Infinity } = def.args ?? {};
  if (args.length >= min && args.length <= max) return undefined;
  if (max === 0) return `'${path}' accepts no arguments`;
  if (min === max) return `'${path}' requires ${min} ${plural(min)}`;
  if (max === Infinity) return `'${path}' requires at least ${min} ${plural(min)}`;
  if (min === 0) return `'${path}' requires at most ${max} ${plural(max)}`;
  return `'${path}' requires at least ${min} and at most ${max} ${plural(max)}`;
}

export async function main(argv: string[]): Promise<number> {
  const out = process.stdout;
  const err = process.stderr;
  let g;
  try { g = parseFlags(GLOBAL, argv, false); } catch (e) {
    err.write(`${(e as Error).message}\n\nUsage:  berth [OPTIONS] COMMAND\n\nRun 'berth --help' for more information\n`);
    return 125;
  }
  if (g.values.version) { out.write('Berth version 0.1.0\n'); return 0; }
  const [name, ...rest] = g.args;
  if (!name || g.help) { out.write(topHelp()); return 0; }
  let words = ['berth', name];
  let loader: Loader | undefined = TOP[name];
  let cmdArgv = rest;
  const group = GROUPS[name];
  if (group) {
    const sub = rest.find((a) => !a.startsWith('-'));
    if (!sub) { out.write(`Usage:  berth ${name} COMMAND\n\nCommands:\n  ${Object.keys(group).join('\n  ')}\n`); return 0; }
    loader = group[sub];
    words = ['berth', name, sub];
    cmdArgv = rest.filter((a, i) => i !== rest.indexOf(sub));
    if (!loader) { err.write(`berth: unknown command: berth ${name} ${sub}\n\nRun 'berth ${name} --help' for more information\n`); return 1; }
  }
  if (!loader) { err.write(`berth: unknown command: berth ${name}\n\nRun 'berth --help' for more information\n`); return 1; }
  const def = loader();
  const path = words.join(' ');
  const usageLine = `Usage:  ${path} ${def.usage}`;
  let parsed;
  try { parsed = parseFlags(def.flags, cmdArgv, def.interspersed ?? true); } catch (e) {
    if (!(e instanceof FlagError)) throw e;
    err.write(`${e.message}\n\n${usageLine}\n\nRun '${path} --help' for more information\n`);
    return 125;
  }
  if (parsed.help) { out.write(formatHelp(`${path} ${def.usage}`, def.description, def.flags)); return 0; }
  const argErr = checkArgs(def, path, parsed.args);
  if (argErr) {
    const hint = (def.args?.max ?? Infinity) === Infinity && (def.args?.min ?? 0) > 0 ? 'See' : 'Run';
    err.write(`berth: ${argErr}\n\n${usageLine}\n\n${hint} '${path} --help' for more information\n`);
    return 1;
  }
  let client: EngineClient | undefined;
  const hosts = g.values.host as string[] | undefined;
  const ctx: Ctx = {
    path, out, err,
    client() {
      if (!client) {
        const { EngineClient } = require('../client/engine-client') as typeof import('../client/engine-client');
        client = EngineClient.fromHost(hosts?.[hosts.length - 1]);
      }
      return client;
    },
  };
  try {
    return await def.run(ctx, parsed.values, parsed.args);
  } catch (e) {
    if (e instanceof StatusError) {
      if (e.message) err.write(`${e.message}\n`);
      return e.code;
    }
    err.write(`${describeError(e)}\n`);
    return 1;
  } finally {
    client?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
    // Pending keep-alive sockets or stdin must not hold the process open.
    process.stdout.write('', () => process.exit(code));
  }, (e: unknown) => {
    process.stderr.write(`${describeError(e)}\n`);
    process.exit(1);
  });
}
