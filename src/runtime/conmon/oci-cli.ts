import { execFile } from 'node:child_process';
import { SystemError } from '../../util/errors';

/**
 * A failure reported by runc/crun. The message is the runtime's own words (e.g. `runc create
 * failed: unable to start container process: exec: "foo": executable file not found in
 * $PATH`), which the engine wraps in Docker's wording ("OCI runtime create failed: ...:
 * unknown") and matches for its 126/127 mapping; op names the runtime command.
 */
export class OciRuntimeError extends SystemError {
  constructor(readonly op: string, readonly runtimeMessage: string) {
    super(runtimeMessage);
  }

  /** Docker's wording: "OCI runtime <op> failed: <runtime's words>: unknown". */
  get dockerMessage(): string {
    return `OCI runtime ${this.op} failed: ${this.runtimeMessage}: unknown`;
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
