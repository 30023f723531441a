import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import type { ImageRecord } from '../../image';
import { computeChanges, decompressedTar, opaqueDirs, withLowerView } from '../../layer';
import { resolveUser } from '../../runtime';
import { ExtractError, containerPath, extractTar, packTree, preserveTrailingDotOrSeparator, resolveInRoot, scopedJoin } from '../../util/archive';
import { ConflictError, EngineError, InvalidParameterError, NotFoundError, SystemError } from '../../util/errors';
import { rfc3339Nano } from '../../util/time';
import type { CommitOptions, ContainerFsBackend, ContainerPathStat } from '../backends';
import { commitContainer } from './commit';
import type { ContainerDeps } from './deps';
import { eventAttrs } from './deps';
import type { ContainerDoc } from './model';
import { mountFor, mountRedirects } from '../volume';

/** The part of the image store commit needs (LocalImageStore). */
export interface CommitImages {
  addImage(config: Buffer, chainIds: string[], opts: { parent?: string; reference?: string }): ImageRecord;
}

/** Paths the runtime bind-mounts from the container's directory; cp reads the real files. */
const NETWORK_FILES: Record<string, 'hostnamePath' | 'hostsPath' | 'resolvConfPath'> = {
  '/etc/hostname': 'hostnamePath', '/etc/hosts': 'hostsPath', '/etc/resolv.conf': 'resolvConfPath',
};

/** Go's os.FileMode bits, which the docker CLI decodes from the path-stat header. */
function goFileMode(st: fs.Stats): number {
  let m = st.mode & 0o777;
  if (st.mode & 0o4000) m += 2 ** 23;
  if (st.mode & 0o2000) m += 2 ** 22;
  if (st.mode & 0o1000) m += 2 ** 20;
  if (st.isDirectory()) m += 2 ** 31;
  else if (st.isSymbolicLink()) m += 2 ** 27;
  else if (st.isBlockDevice()) m += 2 ** 26;
  else if (st.isCharacterDevice()) m += 2 ** 26 + 2 ** 21;
  else if (st.isFIFO()) m += 2 ** 25;
  else if (st.isSocket()) m += 2 ** 24;
  return m;
}

/**
 * diff, export, cp and commit. A stopped container's layer is mounted for the time of the
 * operation; a running one is frozen while cp reads or writes it, so that it cannot swap a
 * directory for a symlink between our resolution and our open (CVE-2018-15664).
 */
export class ContainerFsService implements ContainerFsBackend {
  private readonly leases = new Map<string, number>();
  private readonly freezes = new Map<string, { n: number; ready: Promise<void> }>();

  constructor(private readonly deps: ContainerDeps, private readonly images: CommitImages) {}

  private get(ref: string): ContainerDoc {
    return this.deps.registry.get(ref);
  }

  /** Mounts the rootfs (idempotent) and holds it until the returned release is called. */
  private async lease(doc: ContainerDoc, freeze: boolean): Promise<{ rootfs: string; release: () => Promise<void> }> {
    this.leases.set(doc.id, (this.leases.get(doc.id) ?? 0) + 1);
    let frozen = false;
    try {
      const rootfs = await this.deps.layers.mount(doc.id);
      if (freeze && doc.state.Running && !doc.state.Paused) {
        frozen = true;
        await this.freeze(doc.id);
      }
      let released = false;
      return {
        rootfs,
        release: async () => {
          if (released) return;
          released = true;
          if (frozen) await this.thaw(doc.id);
          await this.unlease(doc);
        },
      };
    } catch (e) {
      await this.unlease(doc);
      throw e;
    }
  }

  /** Concurrent copies share one pause: the first freezes, the last thaws. */
  private async freeze(id: string): Promise<void> {
    const f = this.freezes.get(id);
    if (f) {
      f.n++;
      await f.ready;
      return;
    }
    const ready = this.deps.runtime.pause(id);
    this.freezes.set(id, { n: 1, ready });
    try {
      await ready;
    } catch (e) {
      this.freezes.delete(id);
      throw e;
    }
  }

  private async thaw(id: string): Promise<void> {
    const f = this.freezes.get(id);
    if (!f || --f.n > 0) return;
    this.freezes.delete(id);
    await this.deps.runtime.resume(id).catch(() => undefined);
  }

  private async unlease(doc: ContainerDoc): Promise<void> {
    const n = (this.leases.get(doc.id) ?? 1) - 1;
    if (n > 0) { this.leases.set(doc.id, n); return; }
    this.leases.delete(doc.id);
    if (this.deps.registry.tryGet(doc.id) !== doc) return; // removed: its cleanup unmounts
    // serialised with start and exit handling: never unmount a rootfs a start just mounted
    await this.deps.monitors.get(doc.id).serial(async () => {
      if (!doc.state.Running && !this.leases.has(doc.id)) await this.deps.layers.unmount(doc.id).catch(() => undefined);
    });
  }

  async changes(ref: string): Promise<{ Path: string; Kind: 0 | 1 | 2 }[]> {
    const doc = this.get(ref);
    const g = this.deps.layers.graphData(doc.id);
    const lowers = g.LowerDir ? g.LowerDir.split(':') : [];
    const opaque = await opaqueDirs(g.UpperDir);
    return withLowerView(lowers, path.join(this.deps.dataRoot, 'containers', doc.id), (lower) => computeChanges(g.UpperDir, lower, opaque));
  }

  async export(ref: string): Promise<Readable> {
    const doc = this.get(ref);
    const { rootfs, release } = await this.lease(doc, false);
    const tar = packTree(rootfs, { name: null });
    tar.once('close', () => void release());
    this.deps.events.publish('container', 'export', doc.id, eventAttrs(doc));
    return tar;
  }

  private statIn(doc: ContainerDoc, ref: string, rootfs: string, p: string): { stat: ContainerPathStat; hostPath: string; absPath: string } {
    const resolved = resolveInRoot(rootfs, p);
    const absPath = resolved.absPath;
    // on a volume or bind mount: the mount's own files
    const vm = mountFor(doc.mounts, p);
    const hostPath = vm ? resolveInRoot(vm.root, vm.rel).hostPath : resolved.hostPath;
    let st: fs.Stats;
    try {
      st = fs.lstatSync(hostPath);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new NotFoundError(`Could not find the file ${p} in container ${ref}`);
      if (code === 'ENOTDIR') throw new InvalidParameterError(`lstat ${absPath}: not a directory`);
      throw new SystemError(`lstat ${absPath}: ${(e as Error).message}`);
    }
    let linkTarget = '';
    if (st.isSymbolicLink()) linkTarget = vm ? path.posix.join(absPath, '..', fs.readlinkSync(hostPath)) : containerPath(rootfs, scopedJoin(rootfs, absPath));
    const big = fs.lstatSync(hostPath, { bigint: true });
    const name = path.posix.basename(absPath) || '/';
    return { stat: { name, size: st.size, mode: goFileMode(st), mtime: rfc3339Nano(big.mtimeNs), linkTarget }, hostPath, absPath };
  }

  async statPath(ref: string, p: string): Promise<ContainerPathStat> {
    const doc = this.get(ref);
    const { rootfs, release } = await this.lease(doc, true);
    try {
      return this.statIn(doc, ref, rootfs, p).stat;
    } finally {
      await release();
    }
  }

  async getArchive(ref: string, p: string): Promise<{ stat: ContainerPathStat; tar: Readable }> {
    if (!p) throw new InvalidParameterError('path cannot be empty');
    const doc = this.get(ref);
    const { rootfs, release } = await this.lease(doc, true);
    try {
      const { stat, hostPath, absPath } = this.statIn(doc, ref, rootfs, p);
      // the network files a running container sees are bind mounts of the daemon's copies
      const netFile = NETWORK_FILES[path.posix.normalize(absPath)];
      const source = netFile && doc.state.Running && !fs.lstatSync(hostPath).isSymbolicLink() ? doc[netFile] : hostPath;
      // mount points under the path show the mounts' files, as in the running container
      const redirects = mountRedirects(doc.mounts, rootfs);
      const tar = packTree(source, { name: stat.name, redirect: redirects.size ? (hp) => redirects.get(hp) : undefined });
      tar.once('close', () => void release());
      this.deps.events.publish('container', 'archive-path', doc.id, eventAttrs(doc));
      return { stat, tar };
    } catch (e) {
      await release();
      throw e;
    }
  }

  async putArchive(ref: string, p: string, tar: Readable, opts: { noOverwriteDirNonDir: boolean; copyUIDGID: boolean }): Promise<void> {
    if (!p) { tar.destroy(); throw new InvalidParameterError('path cannot be empty'); }
    const doc = this.get(ref);
    const { rootfs, release } = await this.lease(doc, true);
    try {
      // the last element is followed too: extracting to a link to a directory is allowed
      const absPath = preserveTrailingDotOrSeparator(path.posix.join('/', p), p);
      const vm = mountFor(doc.mounts, absPath);
      const scope = vm ? vm.root : rootfs;
      const dest = scopedJoin(scope, vm ? vm.rel : absPath);
      let st: fs.Stats;
      try { st = fs.statSync(dest); } catch { throw new NotFoundError(`Could not find the file ${p} in container ${ref}`); }
      if (!st.isDirectory()) throw new InvalidParameterError('extraction point is not a directory');
      if (vm && !vm.rw) throw new ConflictError('mounted volume is marked read-only');
      if (!vm && doc.hostConfig.ReadonlyRootfs) throw new ConflictError('container rootfs is marked read-only');
      // the container user as its processes get it: looked up in the container's own files
      const chown = opts.copyUIDGID && doc.config.User ? resolveUser(rootfs, doc.config.User) : undefined;
      try {
        // gzip is accepted as Docker's Untar does
        await extractTar(await decompressedTar(tar), dest, { scope, noOverwriteDirNonDir: opts.noOverwriteDirNonDir, chown });
      } catch (e) {
        if (e instanceof EngineError) throw e;
        if (e instanceof ExtractError) throw new InvalidParameterError(`Error processing tar file: ${e.message}`);
        throw new InvalidParameterError(`Error processing tar file: ${(e as Error).message}`);
      }
      this.deps.events.publish('container', 'extract-to-dir', doc.id, eventAttrs(doc));
    } finally {
      tar.resume();
      await release();
    }
  }

  commit(ref: string, opts: CommitOptions): Promise<{ Id: string }> {
    return commitContainer(this.deps, this.images, this.get(ref), opts);
  }
}
