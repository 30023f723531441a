import * as path from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ContainerPathStat, EngineClient } from '../../../client';
import { extractTar, packTree, splitPathDirEntry } from '../../../util/archive';
import type { CommandDef } from '../../command';
import { get } from '../../flagset';
import { humanSize } from '../../format/units';
import {
  type CopyInfo, GO_MODE, getRebaseName, hasMode, localDestinationInfo, localSourceInfo, prepareArchiveCopy,
  resolveLocalPath, splitCpArg, validateOutputPath,
} from './cp-paths';

interface CpConfig { container: string; src: string; dst: string; followLink: boolean; copyUIDGID: boolean; counter: PassThrough & { bytes?: number } }

/** Counts the archive's bytes for the docker CLI's "Successfully copied" line. */
function counter(): PassThrough & { bytes: number } {
  const c = new PassThrough() as PassThrough & { bytes: number };
  c.bytes = 0;
  c.on('data', (b: Buffer) => { c.bytes += b.length; });
  return c;
}

/** the first occurrence of `from` replaced, as Go's strings.Replace(name, from, to, 1) */
function rebaser(from: string, to: string): (name: string) => string {
  const old = from === '/' ? '' : from;
  return (name) => name.replace(old, to);
}

async function copyFromContainer(client: EngineClient, cfg: CpConfig, out: NodeJS.WritableStream): Promise<string> {
  let srcPath = cfg.src;
  let dstPath = cfg.dst;
  if (dstPath !== '-') {
    dstPath = resolveLocalPath(dstPath);
    validateOutputPath(dstPath);
  }
  let rebaseName: string | undefined;
  if (cfg.followLink) {
    const st = await client.containerStatPath(cfg.container, srcPath).catch(() => null);
    if (st && hasMode(st.mode, GO_MODE.symlink)) {
      let target = st.linkTarget;
      if (!target.startsWith('/')) target = path.posix.join(splitPathDirEntry(srcPath).dir, target);
      const r = getRebaseName(srcPath, target);
      srcPath = r.path;
      rebaseName = r.rebaseName;
    }
  }
  const { stat, content: raw } = await client.copyFromContainer(cfg.container, srcPath);
  if (dstPath === '-') {
    await pipeline(raw, out);
    return '';
  }
  const content = raw.pipe(cfg.counter);
  const src: CopyInfo = { path: srcPath, exists: true, isDir: hasMode(stat.mode, GO_MODE.dir), rebaseName };
  const first = rebaseName ? rebaser(splitPathDirEntry(srcPath).base, rebaseName) : (n: string) => n;
  const dst = localDestinationInfo(dstPath);
  const { dstDir, rebase } = prepareArchiveCopy(src, dst);
  const second = rebase ? rebaser(rebase.from, rebase.to) : (n: string) => n;
  await extractTar(content, dstDir, { scope: dstDir, noOverwriteDirNonDir: true, noLchown: true, rename: (n) => second(first(n)) });
  return dstPath;
}

function fileModeError(st: ContainerPathStat): string | null {
  if (hasMode(st.mode, GO_MODE.device)) return 'got a device';
  if (hasMode(st.mode, GO_MODE.pipe)) return 'got a named pipe';
  if (hasMode(st.mode, GO_MODE.socket)) return 'got a socket';
  if (hasMode(st.mode, GO_MODE.irregular)) return 'got an irregular file';
  return null;
}

async function copyToContainer(client: EngineClient, cfg: CpConfig, stdin: Readable): Promise<string> {
  const srcPath = cfg.src === '-' ? '-' : resolveLocalPath(cfg.src);
  const dst: CopyInfo = { path: cfg.dst, exists: false, isDir: false };
  let st = await client.containerStatPath(cfg.container, cfg.dst).catch(() => null);
  if (st && hasMode(st.mode, GO_MODE.symlink)) {
    let target = st.linkTarget;
    if (!target.startsWith('/')) target = path.posix.join(splitPathDirEntry(cfg.dst).dir, target);
    dst.path = target;
    st = await client.containerStatPath(cfg.container, target).catch(() => null);
  }
  const problem = st ? fileModeError(st) : null;
  if (problem) throw new Error(`destination "${cfg.container}:${cfg.dst}" must be a directory or a regular file: ${problem}`);
  if (st) { dst.exists = true; dst.isDir = hasMode(st.mode, GO_MODE.dir); }
  const opts = { noOverwriteDirNonDir: true, copyUIDGID: cfg.copyUIDGID };
  if (srcPath === '-') {
    if (!dst.isDir) throw new Error(`destination "${cfg.container}:${cfg.dst}" must be a directory`);
    await client.copyToContainer(cfg.container, dst.path, stdin.pipe(cfg.counter), opts);
    return `${cfg.container}:${cfg.dst}`;
  }
  const src = localSourceInfo(srcPath, cfg.followLink);
  const { dstDir, rebase } = prepareArchiveCopy(src, dst);
  const { base } = splitPathDirEntry(src.path);
  // the archive is written under its final name: what RebaseArchiveEntries would make of it
  const name = rebase ? rebase.to : src.rebaseName ?? base;
  await client.copyToContainer(cfg.container, dstDir, packTree(src.path, { name }).pipe(cfg.counter), opts);
  return `${cfg.container}:${cfg.dst}`;
}

export const command: CommandDef = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  flags: [
    { name: 'archive', short: 'a', kind: 'bool', help: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', kind: 'bool', help: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', kind: 'bool', help: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached' },
  ],
  args: { min: 2, max: 2 },
  async run(ctx, v, [source, destination]) {
    if (source === '') throw new Error('source can not be empty');
    if (destination === '') throw new Error('destination can not be empty');
    const s = splitCpArg(source);
    const d = splitCpArg(destination);
    const base = { followLink: get.bool(v, 'follow-link'), copyUIDGID: get.bool(v, 'archive'), src: s.path, dst: d.path, counter: counter() };
    if (s.container && d.container) throw new Error('copying between containers is not supported');
    let shown: string;
    if (s.container) shown = await copyFromContainer(ctx.client(), { ...base, container: s.container }, ctx.out);
    else if (d.container) shown = await copyToContainer(ctx.client(), { ...base, container: d.container }, process.stdin);
    else throw new Error('must specify at least one container source');
    // like the docker CLI: only on a terminal, never for a tar stream on stdout
    if (shown && !get.bool(v, 'quiet') && ctx.err.isTTY) ctx.err.write(`Successfully copied ${humanSize(base.counter.bytes)} to ${shown}\n`);
    return 0;
  },
};
