import * as path from 'node:path';

/**
 * Where everything of one container lives under the exec-root (DESIGN.md "On disk"):
 *   containers/<id>/   OCI bundle: config.json, pidfile, conmon.pid, attach, ctl, winsz, oci-log
 *   exits/<id>         exit code written by conmon (mtime = exit time)
 *   runtime/<name>/    the OCI runtime's own state root, private to berth
 */
export class ExecRootLayout {
  constructor(readonly execRoot: string) {}

  get exitsDir(): string { return path.join(this.execRoot, 'exits'); }
  get containersDir(): string { return path.join(this.execRoot, 'containers'); }
  runtimeRoot(runtimeName: string): string { return path.join(this.execRoot, 'runtime', runtimeName); }

  bundle(id: string): string { return path.join(this.containersDir, id); }
  config(id: string): string { return path.join(this.bundle(id), 'config.json'); }
  /** berth's own record of how the container was created (runtime name, tty, stdin). */
  meta(id: string): string { return path.join(this.bundle(id), 'berth.json'); }
  pidfile(id: string): string { return path.join(this.bundle(id), 'pidfile'); }
  conmonPidfile(id: string): string { return path.join(this.bundle(id), 'conmon.pid'); }
  attachSocket(id: string): string { return path.join(this.bundle(id), 'attach'); }
  ctlFifo(id: string): string { return path.join(this.bundle(id), 'ctl'); }
  ociLog(id: string): string { return path.join(this.bundle(id), 'oci-log'); }
  /** conmon creates "oom" in its working directory, which is the bundle. */
  oomFile(id: string): string { return path.join(this.bundle(id), 'oom'); }
  exitFile(id: string): string { return path.join(this.exitsDir, id); }

  /** One exec session's directory (conmon's -b for `--exec`): attach socket, ctl fifo, process.json. */
  execDir(id: string, execId: string): string { return path.join(this.bundle(id), 'exec', execId); }
}
