import { execFile } from 'node:child_process';
import { SystemError } from '../../util/errors';

/**
 * A failure reported by runc/crun. The message follows Docker's shape
 * ("OCI runtime create failed: <runtime's words>: unknown") because the engine and users match
 * on it; runtimeMessage keeps the runtime's own words (e.g. `exec: "foo": executable file not
 * found in $PATH`) for the engine's 126/127 mapping.
 */
export class OciRuntimeError extends SystemError {
  constructor(readonly op: string, readonly runtimeMessage: string) {
    super(`OCI runtime ${op} failed: ${runtimeMessage}: unknown`);
  }

  /** The runtime has no container by that id. */
  get notFound(): boolean {
    return /container does not exist|does not exist|not found in state|No such file or directory/.test(this.runtimeMessage)
      && !/executable file not found/.test(this.runtimeMessage);
  }
}

/**
 * The runtime's error text from its stderr or log file: runc with --log-format=json writes
 * {"level":"error","msg":...} lines; crun and others plain text.
 */
export function runtimeErrorMessage(text: string): string {
  const errors: string[] = [];
  const plain: string[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    if (t.startsWith('{')) {
      try {
        const rec = JSON.parse(t) as { level?: string; msg?: string };
        if (rec.msg && (rec.level === 'error' || rec.level === 'fatal')) errors.push(rec.msg);
        continue;
      } catch { /* not JSON: keep as text */ }
    }
    const m = /level=(?:error|fatal) msg="((?:[^"\\]|\\.)*)"/.exec(t);
    if (m) errors.push(m[1].replace(/\\(.)/g, '$1'));
    else plain.push(t);
  }
  if (errors.length) return errors[errors.length - 1];
  return plain.join('\n') || 'unknown error';
}

/** Runs `<binary> --root <root> --log-format=json <args...>`; resolves with stdout. */
export function runOci(binary: string, root: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, ['--root', root, '--log-format=json', ...args], { maxBuffer: 64 << 20, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new OciRuntimeError(args[0], runtimeErrorMessage(stderr || err.message)));
        else resolve(stdout);
      });
  });
}
