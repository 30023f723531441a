/**
 * The build context as the docker CLI's classic `build` prepares it (cli/command/image/build.go
 * runBuild and cli/command/image/build/context.go): a local directory (.dockerignore applied,
 * `-f` relative to the working directory), a tar or a bare Dockerfile on stdin, an http(s)
 * URL fetched here, or a git URL left to the daemon (`remote`). Errors carry docker's wording.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { contextTar, isArchive, singleFileTar } from '../../util/build-context';

export interface PreparedContext {
  /** the tar (possibly compressed) to send: whole when small, else a stream; null for a remote context */
  body: Buffer | Readable | null;
  /** the Dockerfile's path inside the context, for the `dockerfile` query parameter */
  dockerfile: string;
  /** a git URL the daemon fetches itself */
  remote?: string;
  /**
   * A local directory (the Dockerfile inside it): a daemon on this host may read it in place
   * (berth's POST /build/local; `id` is its "dev:ino"). `body` is then null until pack() is
   * called, for a daemon that cannot.
   */
  local?: { dir: string; id: string; pack(): Buffer | Readable };
}

export interface ContextInput {
  /** PATH | URL | - */
  spec: string;
  /** -f as given ("" when absent, "-" for stdin) */
  file: string;
  /** read only when the context or the Dockerfile is "-" */
  stdin: () => Readable;
  /** where "Downloading build context ..." progress goes */
  progress: NodeJS.WritableStream;
  cwd?: string;
}

const DEFAULT_DOCKERFILE = 'Dockerfile';

export function isUrl(s: string): boolean { return s.startsWith('http://') || s.startsWith('https://'); }

/** docker/cli's urlutil.IsGitURL */
export function isGitUrl(s: string): boolean {
  if (isUrl(s) && /\.git(?:#.+)?$/.test(s)) return true;
  return ['git://', 'github.com/', 'git@'].some((p) => s.startsWith(p));
}

/** Reads until `n` bytes or the end; returns those bytes and a stream of the whole input. */
async function peek(input: Readable, n: number): Promise<{ head: Buffer; stream: Readable }> {
  const it = input[Symbol.asyncIterator]() as AsyncIterator<Buffer | string>;
  const chunks: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) { ended = true; break; }
    const b = typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    chunks.push(b);
    size += b.length;
  }
  const head = Buffer.concat(chunks);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (ended) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield typeof r.value === 'string' ? Buffer.from(r.value) : r.value;
    }
  }
  return { head, stream: Readable.from(all(), { objectMode: false }) };
}

async function readAll(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of input) chunks.push(typeof c === 'string' ? Buffer.from(c) : c as Buffer);
  return Buffer.concat(chunks);
}

/** GetContextFromReader: a tar passes through; anything else is the Dockerfile. */
async function contextFromReader(input: Readable, dockerfile: string): Promise<PreparedContext> {
  let peeked;
  try {
    peeked = await peek(input, 1024);
  } catch (e) {
    throw new Error(`failed to peek context header from STDIN: ${(e as Error).message}`);
  }
  if (isArchive(peeked.head)) return { body: peeked.stream, dockerfile };
  if (dockerfile === '-') throw new Error('build context is not an archive');
  // what WriteTempDockerfile + archive.Tar make of it
  return { body: singleFileTar(DEFAULT_DOCKERFILE, await readAll(peeked.stream), 0o644), dockerfile: DEFAULT_DOCKERFILE };
}

function enoent(e: unknown): boolean { return (e as NodeJS.ErrnoException).code === 'ENOENT'; }

/** Go's os error text: "lstat /x/y: no such file or directory". */
function goPathError(op: string, p: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text = code === 'ENOENT' ? 'no such file or directory' : code === 'ENOTDIR' ? 'not a directory'
    : code === 'EACCES' ? 'permission denied' : (e as Error).message;
  return `${op} ${p}: ${text}`;
}

/*
 * The local paths are resolved with plain synchronous calls: the CLI has nothing else to do
 * meanwhile, and each thread-pool round trip costs a cold process more than the call.
 */

/** filepath.EvalSymlinks, with Go's error naming the first path that fails. */
function evalSymlinks(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch (e) {
    // find the first missing component, as Go's walk reports it
    const parts = p.split('/').filter(Boolean);
    let cur = '';
    for (const part of parts) {
      cur += `/${part}`;
      try { fs.lstatSync(cur); } catch (le) { throw new Error(goPathError('lstat', cur, le)); }
    }
    throw new Error(goPathError('lstat', p, e));
  }
}

/** ResolveAndValidateContextPath */
function resolveContextDir(given: string, cwd: string): { dir: string; st: fs.Stats } {
  let abs = path.resolve(cwd, given);
  try { abs = evalSymlinks(abs); } catch (e) { throw new Error(`unable to evaluate symlinks in context path: ${(e as Error).message}`); }
  const st = fs.lstatSync(abs);
  if (!st.isDirectory()) throw new Error(`context must be a directory: ${abs}`);
  return { dir: abs, st };
}

/** getDockerfileRelPath: the Dockerfile relative to the context ("../x" when outside it). */
function dockerfileRelPath(contextDir: string, given: string): string {
  if (given === '-') return given;
  let abs = given;
  if (abs === '') {
    abs = path.join(contextDir, DEFAULT_DOCKERFILE);
    // docker also accepts a lowercase "dockerfile" when there is no "Dockerfile"
    try { fs.lstatSync(abs); } catch (e) {
      if (enoent(e)) {
        const alt = path.join(contextDir, DEFAULT_DOCKERFILE.toLowerCase());
        try { fs.lstatSync(alt); abs = alt; } catch { /* keep the default */ }
      }
    }
  }
  if (!path.isAbsolute(abs)) abs = path.join(contextDir, abs);
  try { abs = evalSymlinks(abs); } catch (e) { throw new Error(`unable to evaluate symlinks in Dockerfile path: ${(e as Error).message}`); }
  return path.relative(contextDir, abs);
}

async function fetchContext(url: string, dockerfile: string, progress: NodeJS.WritableStream): Promise<PreparedContext> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'follow' });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    throw new Error(`unable to download remote context ${url}: Get "${url}": ${cause?.message ?? (e as Error).message}`);
  }
  if (res.status >= 400) {
    const body = (await res.text()).trim();
    throw new Error(`unable to download remote context ${url}: failed to GET ${url} with status ${res.status} ${res.statusText}: ${body}`);
  }
  const data = Buffer.from(await res.arrayBuffer());
  progress.write(`Downloading build context from remote url: ${url}  ${String(data.length).padStart(1)}B\r\r\n`);
  return contextFromReader(Readable.from([data]), dockerfile);
}

/** Prepares the context; errors are docker's "unable to prepare context: ..." ones. */
export async function prepareContext(input: ContextInput): Promise<PreparedContext> {
  const { spec, file } = input;
  const cwd = input.cwd ?? process.cwd();
  const fromStdin = file === '-';
  if (fromStdin && spec === '-') throw new Error("invalid argument: can't use stdin for both build context and dockerfile");
  const prepare = async (): Promise<PreparedContext> => {
    if (spec === '-') return contextFromReader(input.stdin(), file);
    if (fs.existsSync(path.resolve(cwd, spec))) return localContext(spec, file, cwd, input.stdin);
    if (isGitUrl(spec)) return { body: null, dockerfile: file, remote: spec };
    if (isUrl(spec)) return fetchContext(spec, file, input.progress);
    throw new Error(`path "${spec}" not found`);
  };
  try {
    return await prepare();
  } catch (e) {
    throw new Error(`unable to prepare context: ${(e as Error).message}`);
  }
}

async function localContext(spec: string, file: string, cwd: string, stdin: () => Readable): Promise<PreparedContext> {
  const { dir, st } = resolveContextDir(spec, cwd);
  // -f names a file relative to the working directory, not to the context
  const given = file !== '' && file !== '-' ? path.resolve(cwd, file) : file;
  let rel = dockerfileRelPath(dir, given);
  let extra: Buffer | undefined;
  if (file === '-') extra = await readAll(stdin());
  else if (rel.startsWith('../')) extra = fs.readFileSync(given);
  rel = rel.split(path.sep).join('/');
  if (extra === undefined) {
    const pack = (): Buffer | Readable => contextTar(dir, { dockerfile: rel });
    return { body: null, dockerfile: rel, local: { dir, id: `${st.dev}:${st.ino}`, pack } };
  }
  // crypto is loaded only here: it costs every other build ~2 ms of start-up
  const { randomBytes } = await import('node:crypto');
  const name = `.dockerfile.${randomBytes(10).toString('hex')}`;
  const body = contextTar(dir, { dockerfile: rel, dockerfileFromStdin: file === '-', extraDockerfile: { name, content: extra } });
  return { body, dockerfile: name };
}

