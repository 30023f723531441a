import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { InvalidParameterError } from '../../util/errors';

/** Docker's detach key syntax: "ctrl-p,ctrl-q", "a,b", "ctrl-@", "ctrl-[". */
export function parseDetachKeys(spec: string): Buffer {
  const out: number[] = [];
  for (const raw of spec.split(',')) {
    const k = raw.trim();
    if (k.length === 1) {
      out.push(k.charCodeAt(0));
      continue;
    }
    const m = /^ctrl-(.)$/i.exec(k);
    if (!m) throw new InvalidParameterError(`Invalid detach keys (${spec}) provided`);
    const c = m[1].toLowerCase();
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96);
    else if (c === '@') out.push(0);
    else if ('[\\]^_'.includes(c)) out.push(c.charCodeAt(0) - 64);
    else throw new InvalidParameterError(`Invalid detach keys (${spec}) provided`);
  }
  return Buffer.from(out);
}

/**
 * Passes stdin through until the detach sequence is typed; then emits 'detach' and stops.
 * Bytes that begin the sequence are held back until it is known whether it completes.
 */
export class DetachFilter extends Transform {
  private held = 0;
  private detached = false;

  constructor(private readonly keys: Buffer) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.detached || this.keys.length === 0) {
      if (!this.detached) this.push(chunk);
      done();
      return;
    }
    let start = 0;
    for (let i = 0; i < chunk.length; i++) {
      if (chunk[i] === this.keys[this.held]) {
        if (this.held === 0 && i > start) this.push(chunk.subarray(start, i));
        if (this.held === 0) start = i;
        this.held++;
        if (this.held === this.keys.length) {
          this.detached = true;
          this.emit('detach');
          done();
          return;
        }
        start = i + 1;
        continue;
      }
      if (this.held > 0) {
        this.push(this.keys.subarray(0, this.held));
        this.held = 0;
        start = i;
        if (chunk[i] === this.keys[0]) {
          i--;
          continue;
        }
      }
    }
    if (this.held === 0 && start < chunk.length) this.push(chunk.subarray(start));
    done();
  }
}
