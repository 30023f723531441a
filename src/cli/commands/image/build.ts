/**
 * `build [OPTIONS] PATH | URL | -`: the docker CLI's classic builder client. Packs the context
 * (src/cli/builder/context.ts), sends POST /build, and shows the reply as docker's classic
 * lines (plain, or not a terminal), as a live view (a terminal), or only the image ID (-q).
 */
import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ApiError, type BuildStreamMessage, type EngineClient, type ImageBuildOptions } from '../../../client';
import type { CommandDef, Ctx } from '../../command';
import { StatusError } from '../../command';
import { get, type FlagSpec, type FlagValues } from '../../flagset';
import { ramInBytes } from '../../format/units';
import { memSwapBytes } from '../../opts/sizes';
import { parseUlimit } from '../../opts/ulimit';
import { prepareContext } from '../../builder/context';
import { BatchedOutput } from '../../batched-output';
import { allAuthsHeader } from '../../auth/config-file';
import { ClassicOutput, countContext, sendingLine, type BuildView } from '../../builder/classic-output';
import { LiveView } from '../../builder/live-view';
import { validateBuildArg, validateTag, validateLabel, validateExtraHost, buildArgMap, labelMap } from '../../builder/options';

const check = (fn: (v: string) => unknown) => (v: string) => { fn(v); };
const S = (name: string, help: string, short?: string, more: Partial<FlagSpec> = {}): FlagSpec => ({ name, short, kind: 'string', help, ...more });
const L = (name: string, help: string, short?: string, more: Partial<FlagSpec> = {}): FlagSpec => ({ name, short, kind: 'list', help, ...more });
const B = (name: string, help: string, short?: string): FlagSpec => ({ name, short, kind: 'bool', help });
const I = (name: string, help: string, short?: string): FlagSpec => ({ name, short, kind: 'int', help });
const bytes = { check: check(ramInBytes) };

const PROGRESS = ['auto', 'plain', 'tty', 'quiet'];

export const BUILD_FLAGS: FlagSpec[] = [
  L('add-host', 'Add a custom host-to-IP mapping ("host:ip")', undefined, { check: check(validateExtraHost) }),
  L('build-arg', 'Set build-time variables', undefined, { check: check(validateBuildArg) }),
  L('cache-from', 'Images to consider as cache sources'),
  S('cgroup-parent', 'Set the parent cgroup for the "RUN" instructions during build'),
  B('compress', 'Compress the build context using gzip'),
  I('cpu-period', 'Limit the CPU CFS (Completely Fair Scheduler) period'),
  I('cpu-quota', 'Limit the CPU CFS (Completely Fair Scheduler) quota'),
  I('cpu-shares', 'CPU shares (relative weight)', 'c'),
  S('cpuset-cpus', 'CPUs in which to allow execution (0-3, 0,1)'),
  S('cpuset-mems', 'MEMs in which to allow execution (0-3, 0,1)'),
  B('disable-content-trust', 'Skip image verification (default true)'),
  S('file', 'Name of the Dockerfile (Default is "PATH/Dockerfile")', 'f'),
  B('force-rm', 'Always remove intermediate containers'),
  S('iidfile', 'Write the image ID to the file'),
  S('isolation', 'Container isolation technology'),
  L('label', 'Set metadata for an image', undefined, { check: check(validateLabel) }),
  S('memory', 'Memory limit', 'm', bytes),
  S('memory-swap', 'Swap limit equal to memory plus swap: -1 to enable unlimited swap', undefined, { check: check(memSwapBytes) }),
  S('network', 'Set the networking mode for the RUN instructions during build', undefined, { def: 'default' }),
  B('no-cache', 'Do not use cache when building the image'),
  S('platform', 'Set platform if server is multi-platform capable'),
  S('progress', 'Set type of progress output (auto, plain, tty). Use plain to show container output', undefined, {
    def: 'auto',
    check: (v) => { if (!PROGRESS.includes(v)) throw new Error(`invalid progress mode "${v}", expected one of ${PROGRESS.join(', ')}`); },
  }),
  B('pull', 'Always attempt to pull a newer version of the image'),
  B('quiet', 'Suppress the build output and print image ID on success', 'q'),
  B('rm', 'Remove intermediate containers after a successful build (default true)'),
  L('security-opt', 'Security options'),
  S('shm-size', 'Size of "/dev/shm"', undefined, bytes),
  B('squash', 'Squash newly built layers into a single new layer'),
  L('tag', 'Name and optionally a tag in the "name:tag" format', 't', { check: check(validateTag) }),
  S('target', 'Set the target build stage to build.'),
  L('ulimit', 'Ulimit options', undefined, { check: check(parseUlimit) }),
];

function buildOptions(v: FlagValues, env: NodeJS.ProcessEnv): ImageBuildOptions {
  const str = (k: string) => get.str(v, k) || undefined;
  const size = (k: string) => (str(k) !== undefined ? ramInBytes(str(k)!) : undefined);
  return {
    tags: get.list(v, 'tag'),
    buildArgs: buildArgMap(get.list(v, 'build-arg'), env),
    labels: labelMap(get.list(v, 'label')),
    target: str('target'),
    noCache: get.bool(v, 'no-cache'),
    pull: get.bool(v, 'pull'),
    quiet: get.bool(v, 'quiet'),
    networkMode: get.str(v, 'network'),
    extraHosts: get.list(v, 'add-host'),
    remove: v.rm !== false,
    forceRemove: get.bool(v, 'force-rm'),
    platform: str('platform'),
    cacheFrom: get.list(v, 'cache-from').flatMap((c) => c.split(',')),
    securityOpt: get.list(v, 'security-opt'),
    shmSize: size('shm-size'),
    memory: size('memory'),
    memorySwap: str('memory-swap') !== undefined ? memSwapBytes(str('memory-swap')!) : undefined,
    cpuShares: get.int(v, 'cpu-shares'),
    cpuPeriod: get.int(v, 'cpu-period'),
    cpuQuota: get.int(v, 'cpu-quota'),
    cpuSetCpus: str('cpuset-cpus'),
    cpuSetMems: str('cpuset-mems'),
    cgroupParent: str('cgroup-parent'),
    isolation: str('isolation'),
    squash: get.bool(v, 'squash'),
    ulimits: get.list(v, 'ulimit').map((u) => { const l = parseUlimit(u); return { Name: l.Name, Soft: l.Soft, Hard: l.Hard }; }),
  };
}

/** POST /build/local, or null when the daemon cannot read the context (not berthd, another host view). */
async function buildLocal(client: EngineClient, local: { dir: string; id: string }, o: ImageBuildOptions): Promise<AsyncGenerator<BuildStreamMessage> | null> {
  try {
    return await client.imageBuildLocal(local.dir, local.id, o);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 412)) return null;
    throw e;
  }
}

/** A sink that keeps text (the -q mode's buffers, shown only on failure). */
class TextBuffer {
  text = '';
  write(s: string | Uint8Array): boolean { this.text += typeof s === 'string' ? s : Buffer.from(s).toString(); return true; }
}

/** `stdin` is a getter: touching process.stdin sets up a stream (~3 ms) most builds never read */
export async function runBuild(ctx: Ctx, v: FlagValues, spec: string, stdin: () => Readable = () => process.stdin, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const quiet = get.bool(v, 'quiet') || get.str(v, 'progress') === 'quiet';
  const iidfile = get.str(v, 'iidfile');
  if (iidfile) {
    // no stale ID is left behind by a failed build
    try { fs.rmSync(iidfile); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`Removing image ID file: ${(e as Error).message}`);
    }
  }
  const mode = get.str(v, 'progress') ?? 'auto';
  const live = !quiet && (mode === 'tty' || (mode === 'auto' && Boolean(ctx.out.isTTY)));
  // -q: the progress and the daemon's output are kept, and printed only if the build fails
  const progBuf = new TextBuffer();
  const buildBuf = new TextBuffer();
  // the classic lines: those of one reply chunk in one write
  const screen = quiet || live ? null : new BatchedOutput(ctx.out);
  const progOut = (quiet ? progBuf : screen ?? ctx.out) as NodeJS.WritableStream;
  const buildOut = (quiet ? buildBuf : screen ?? ctx.out) as NodeJS.WritableStream;
  const dumpOnFailure = () => { if (quiet) ctx.err.write(progBuf.text + buildBuf.text); };

  const opts = { ...buildOptions(v, env), quiet };
  let prepared;
  try {
    prepared = await prepareContext({ spec, file: get.str(v, 'file') ?? '', stdin, progress: progOut });
  } catch (e) {
    screen?.flush();
    if (quiet) ctx.err.write(progBuf.text);
    throw e;
  }
  const view: BuildView = live
    ? new LiveView(ctx.out, { columns: ctx.out.columns || Number(env.COLUMNS) || 80 })
    : new ClassicOutput(buildOut, !quiet && Boolean(ctx.out.isTTY));
  const report = view instanceof LiveView ? (t: string) => view.contextProgress(t) : (t: string) => { progOut.write(t); };
  const client = ctx.client();
  // the docker CLI sends every stored credential: FROM may pull from any registry
  const buildOpts = { ...opts, dockerfile: prepared.dockerfile || undefined, remoteContext: prepared.remote, registryConfig: allAuthsHeader() || undefined };
  let ok = false;
  let bodyError: Error | undefined;
  try {
    // a daemon on this host reads a local context in place; any other is sent the tar
    let stream = prepared.local && client.endpoint.socketPath ? await buildLocal(client, prepared.local, buildOpts) : null;
    if (!stream) {
      let body = prepared.body ?? prepared.local?.pack() ?? null;
      if (body) {
        if (get.bool(v, 'compress')) {
          // zlib is loaded only for --compress: every other build would pay for it at start-up
          const zlib = await import('node:zlib');
          body = Buffer.isBuffer(body) ? zlib.gzipSync(body) : body.pipe(zlib.createGzip());
        }
        if (Buffer.isBuffer(body)) report(`${sendingLine(body.length)}\r\r\n`);
        else {
          body = countContext(body, report);
          body.on('error', (e) => { bodyError = e; });
        }
      }
      stream = client.imageBuild(body, buildOpts);
    }
    for await (const m of stream) {
      // the size of a context the daemon read itself: docker's line, as if it was sent
      if (typeof m.aux?.ContextSize === 'number') report(`${sendingLine(m.aux.ContextSize)}\r\r\n`);
      else view.write(m);
    }
    if (bodyError) throw bodyError;
    ok = true;
  } catch (e) {
    // the daemon's own error wins; else a context that failed explains a cut-off request
    throw e instanceof StatusError ? e : bodyError ?? e;
  } finally {
    view.finish(ok);
    screen?.flush();
    if (!ok) dumpOnFailure();
  }
  let imageId = view.imageId;
  if (quiet) {
    // docker prints (and writes to --iidfile) the daemon's quiet output: the ID and a newline
    imageId = buildBuf.text || (view.imageId ? `${view.imageId}\n` : '');
    ctx.out.write(imageId);
  }
  if (iidfile) {
    if (!imageId) throw new Error(`Server did not provide an image ID. Cannot write ${iidfile}`);
    fs.writeFileSync(iidfile, imageId);
  }
  return 0;
}

export const command: CommandDef = {
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  flags: BUILD_FLAGS,
  args: { min: 1, max: 1 },
  run: (ctx, v, [spec]) => runBuild(ctx, v, spec),
};
