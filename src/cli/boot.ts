/**
 * Starts the bundled CLI (dist/berth.js) with a V8 code cache: compiling the 500 KB bundle is
 * the largest single cost of every command (~14 ms of ~60). Node 20 has no
 * module.enableCompileCache, so the bundle goes through vm.Script with cachedData, kept next to
 * it (or under ~/.cache/berth when dist is read-only) and keyed by the bundle's size and mtime;
 * V8 itself rejects a cache that does not match the source or flags, and then it is rewritten.
 * Not part of the bundle: bin/berth execs node on this file.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';

const bundle = path.join(__dirname, '..', '..', 'berth.js');
const CACHE_NAME = 'berth.js.v8cache';

function cacheFiles(): string[] {
  const home = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return [path.join(path.dirname(bundle), CACHE_NAME), path.join(home, 'berth', CACHE_NAME)];
}

interface Cache { data: Buffer; commands: string[] }

/**
 * The cache written for this very bundle, or undefined. Its first line holds the key and the
 * commands whose lazily compiled functions it holds: "KEY\tversion,run".
 */
function readCache(key: string): Cache | undefined {
  for (const f of cacheFiles()) {
    let buf: Buffer;
    try { buf = fs.readFileSync(f); } catch { continue; }
    const nl = buf.indexOf(10);
    if (nl < 0) continue;
    const [k, commands = ''] = buf.toString('latin1', 0, nl).split('\t');
    if (k === key) return { data: buf.subarray(nl + 1), commands: commands.split(',') };
  }
  return undefined;
}

function writeCache(key: string, commands: string[], data: Buffer): void {
  for (const f of cacheFiles()) {
    const tmp = `${f}.${process.pid}`;
    try {
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\t${commands.join(',')}\n`, 'latin1'), data]));
      fs.renameSync(tmp, f); // atomic: concurrent commands never read half a cache
      return;
    } catch {
      try { fs.unlinkSync(tmp); } catch { /* never written */ }
    }
  }
}

function boot(): void {
  const source = fs.readFileSync(bundle, 'utf8');
  const st = fs.statSync(bundle);
  const key = `berth-v8cache ${process.version} ${st.size} ${Math.floor(st.mtimeMs)}`;
  const cache = readCache(key);
  const cachedData = cache?.data;
  // the first word is enough to tell commands apart (a -H value only costs one rewrite)
  const command = (process.argv.slice(2).find((a) => !a.startsWith('-')) ?? '').replace(/[^\w-]/g, '').slice(0, 20);
  // the same wrapper as Node's CommonJS loader, so the bundle sees exports/require/module
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: bundle, cachedData });
  if (!cache || script.cachedDataRejected || !cache.commands.includes(command)) {
    // at exit, so the functions this command compiled lazily join those already cached
    const commands = cache && !script.cachedDataRejected ? [...cache.commands, command] : [command];
    process.once('exit', () => writeCache(key, commands, script.createCachedData()));
  }
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  const mod = { exports: {}, filename: bundle, id: '.', loaded: false };
  fn.call(mod.exports, mod.exports, createRequire(bundle), mod, bundle, path.dirname(bundle));
}

boot();
