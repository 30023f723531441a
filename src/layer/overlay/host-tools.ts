import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import { InvalidParameterError, SystemError } from '../../util/errors';
import { berthNative } from '../../util/native';

/**
 * The few operations Node has no API for (mknod of whiteouts, trusted.* xattrs, syncfs,
 * mount), done with the host's tools: coreutils, attr's setfattr, util-linux.
 */
export function run(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new SystemError(`${cmd}: ${e.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString());
      else reject(new SystemError(`${cmd} ${args.join(' ')}: ${Buffer.concat(err).toString().trim() || `exit status ${code}`}`));
    });
    child.stdin.on('error', () => { /* the exit status reports failures */ });
    child.stdin.end(opts.input ?? '');
  });
}

/** "./"-prefixed so a name starting with "-" is never read as an option */
function rel(p: string): string {
  return p.startsWith('/') ? p : `./${p}`;
}

/** Creates overlay whiteouts (character devices 0/0) at paths relative to `root`. */
export async function makeWhiteouts(root: string, paths: string[]): Promise<void> {
  for (let i = 0; i < paths.length; i += 200) {
    const chunk = paths.slice(i, i + 200).map(rel);
    await run('sh', ['-c', 'for p do mknod "$p" c 0 0 || exit 1; done', 'sh', ...chunk], { cwd: root });
  }
}

/** Creates FIFOs at paths relative to `root`. */
export async function makeFifos(root: string, paths: string[]): Promise<void> {
  for (const p of paths) await run('mknod', [rel(p), 'p'], { cwd: root });
}

/** getfattr's quoting: bytes outside a safe set as \ooo, which setfattr --restore undoes */
function quote(s: string): string {
  let out = '';
  for (const b of Buffer.from(s)) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9._/+-]/.test(c) ? c : `\\${b.toString(8).padStart(3, '0')}`;
  }
  return out;
}

/** Sets extended attributes (e.g. trusted.overlay.opaque=y) with one setfattr run. */
export async function setXattrs(root: string, attrs: { path: string; name: string; value: string }[]): Promise<void> {
  if (attrs.length === 0) return;
  const dump = attrs.map((a) => `# file: ${quote(rel(a.path))}\n${a.name}=0x${Buffer.from(a.value).toString('hex')}\n`).join('\n');
  await run('setfattr', ['-h', '--restore=-'], { cwd: root, input: `${dump}\n` });
}

/**
 * Marks `dir` a top of directory hierarchies for ext4's Orlov allocator (chattr +T): each
 * directory made in it is placed in a block group of its own choosing, with its files, as
 * top-level directories are. A layer unpacked there gets a fresh group instead of its
 * parent's, where earlier layers were deleted: ext4 without a journal skips inodes freed
 * in the last minutes, searching from the group's start for every new inode (about 1 ms a
 * file in a busy group against 30 us, measured). Other filesystems: nothing to do.
 */
export async function markTopDir(dir: string): Promise<void> {
  await run('chattr', ['+T', dir]).catch(() => undefined);
}

/** syncfs(2) on the filesystem holding `path`: one call instead of an fsync per file. */
export function syncFilesystem(path: string): Promise<void> {
  return berthNative().syncfs(path);
}

/**
 * Inflates xz or zstd with the host's tool (`xz -dc`, `zstd -dc`): Node has neither.
 * A corrupt stream ends the output with an InvalidParameterError carrying the tool's words.
 */
export function decompressWith(tool: 'xz' | 'zstd', input: Readable): Readable {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  const err: Buffer[] = [];
  // a consumer that already stopped listening (it failed first on the truncated data) must
  // not see this error turned into an uncaught exception
  const fail = (e: Error): void => {
    if (out.destroyed) return;
    if (out.listenerCount('error') > 0) out.destroy(e);
    else out.destroy();
  };
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => { /* the exit status reports failures */ });
  input.on('error', (e) => { child.kill('SIGKILL'); fail(e); });
  input.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  const stdoutDone = new Promise<void>((resolve) => child.stdout.on('close', () => resolve()));
  child.on('error', (e) => fail(new SystemError(`${tool}: ${e.message}`)));
  child.on('close', (code, signal) => {
    void stdoutDone.then(() => {
      if (code === 0) out.end();
      else fail(new InvalidParameterError(`invalid ${tool} stream: ${Buffer.concat(err).toString().trim() || `exit ${code ?? signal}`}`));
    });
  });
  // the consumer gave up: stop the tool
  out.on('close', () => { if (child.exitCode === null) child.kill('SIGKILL'); input.destroy(); });
  return out;
}
