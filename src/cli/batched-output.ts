/**
 * Text written during one turn of the event loop goes out as one write: a build answered
 * from cache sends ~60 messages at once, and a write per message cost a cold CLI ~3 ms.
 * flush() before anything else is written to the same stream (the caller's finally).
 */
export class BatchedOutput {
  private parts: string[] = [];
  private scheduled = false;

  constructor(private readonly out: NodeJS.WritableStream) {}

  write(s: string | Uint8Array): boolean {
    this.parts.push(typeof s === 'string' ? s : Buffer.from(s).toString());
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return true;
  }

  flush(): void {
    this.scheduled = false;
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.out.write(text);
  }
}
