/**
 * The floor: a bare `runc run` of a busybox bundle running `true`, with runc's own starter
 * spec (`runc spec`, so new namespaces including network, no mounts set up by an engine).
 * No engine can start a container faster than the runtime it drives.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, exec, mustExec, unmountUnder } from './proc';

interface StarterSpec {
  process: { terminal?: boolean; args: string[] };
  root: { path: string; readonly?: boolean };
}

export class RuncFloor {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'berth-bench-runc-'));
  private readonly bundle = path.join(this.dir, 'bundle');
  private readonly state = path.join(this.dir, 'state');
  private seq = 0;

  async setup(rootfsTar: string): Promise<void> {
    mkdirSync(path.join(this.bundle, 'rootfs'), { recursive: true });
    await mustExec({ file: 'tar', args: ['-xf', rootfsTar, '-C', path.join(this.bundle, 'rootfs')] }, 'unpacking the busybox rootfs');
    await mustExec({ file: 'runc', args: ['spec', '--bundle', this.bundle] }, 'runc spec');
    const file = path.join(this.bundle, 'config.json');
    const spec = JSON.parse(readFileSync(file, 'utf8')) as StarterSpec;
    spec.process.terminal = false;
    spec.process.args = ['true'];
    writeFileSync(file, JSON.stringify(spec, null, 2));
  }

  /** `runc run` under a fresh id each time (runc deletes the container when it exits). */
  cli(): Command {
    return { file: 'runc', args: ['--root', this.state, 'run', '--bundle', this.bundle, `berth-bench-${process.pid}-${++this.seq}`] };
  }

  async destroy(): Promise<void> {
    const list = await exec({ file: 'runc', args: ['--root', this.state, 'list', '-q'] }).catch(() => null);
    for (const id of (list?.stdout ?? '').split('\n').filter(Boolean)) {
      await exec({ file: 'runc', args: ['--root', this.state, 'delete', '--force', id] });
    }
    unmountUnder(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
