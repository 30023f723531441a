import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * One fs.watch on the exits directory, shared by every subscriber. conmon writes
 * exits/<id> with g_file_set_contents (a temp "<id>.XXXXXX" renamed into place), so names
 * with a dot are skipped; a file is reported once per (inode, mtime), and only when it
 * holds a whole exit code, so an event that arrives early is ignored and the next one counts.
 */
export class ExitWatcher {
  private watcher: fs.FSWatcher | null = null;
  private readonly subscribers = new Set<(id: string) => void>();
  private readonly reported = new Map<string, string>();

  constructor(private readonly exitsDir: string) {}

  subscribe(onExit: (id: string) => void): () => void {
    this.ensureWatching();
    this.subscribers.add(onExit);
    return () => {
      this.subscribers.delete(onExit);
      if (this.subscribers.size === 0) this.stop();
    };
  }

  /**
   * Resolves true when exits/<id> exists (now or later), false after timeoutMs or once
   * cancel() is called (the caller no longer expects an exit).
   */
  waitFor(id: string, timeoutMs: number): { exited: Promise<boolean>; cancel: () => void } {
    let finish: (v: boolean) => void = () => undefined;
    const exited = new Promise<boolean>((resolve) => {
      let done = false;
      finish = (v: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unsubscribe();
        resolve(v);
      };
      const unsubscribe = this.subscribe((exited) => { if (exited === id) finish(true); });
      const timer = setTimeout(() => finish(false), timeoutMs);
      // subscribed first, so an exit between this check and the watch cannot be missed
      fs.readFile(path.join(this.exitsDir, id), 'utf8', (err, text) => {
        if (!err && /^-?\d+$/.test(text.trim())) finish(true);
      });
    });
    return { exited, cancel: () => finish(false) };
  }

  private ensureWatching(): void {
    if (this.watcher) return;
    fs.mkdirSync(this.exitsDir, { recursive: true });
    this.watcher = fs.watch(this.exitsDir, (_event, name) => {
      if (name) this.check(name.toString());
    });
    this.watcher.on('error', () => this.stop());
  }

  private stop(): void {
    this.watcher?.close();
    this.watcher = null;
  }

  private check(name: string): void {
    if (name.includes('.') || name.includes('/')) return;
    const file = path.join(this.exitsDir, name);
    fs.stat(file, { bigint: true }, (err, st) => {
      if (err) {
        this.reported.delete(name);
        return;
      }
      const key = `${st.ino}:${st.mtimeNs}`;
      if (this.reported.get(name) === key) return;
      fs.readFile(file, 'utf8', (rerr, text) => {
        if (rerr || !/^-?\d+$/.test(text.trim())) return;
        if (this.reported.get(name) === key) return;
        this.reported.set(name, key);
        for (const s of [...this.subscribers]) s(name);
      });
    });
  }
}
