/**
 * Wiring a hijacked attach/exec connection to this terminal: raw mode, resize, stdin with
 * the detach-key escape (checked client-side on a TTY, as docker does), stdcopy or raw output.
 */
import type { HijackedConnection } from '../../../client';
import { copyRaw, demultiplex } from '../../../client';

/** "ctrl-p,ctrl-q" → bytes [0x10, 0x11]; letters and ctrl-@..ctrl-_ as docker accepts them. */
export function parseDetachKeys(spec: string): number[] {
  return spec.split(',').map((k) => {
    const key = k.trim();
    if (key.length === 1) return key.charCodeAt(0);
    const m = /^ctrl-([a-z@[\\\]^_])$/i.exec(key);
    if (!m) throw new Error(`Unknown character: '${key}'`);
    const ch = m[1].toLowerCase();
    return ch >= 'a' && ch <= 'z' ? ch.charCodeAt(0) - 96 : ch.charCodeAt(0) - 64;
  });
}

export interface PumpOptions { tty: boolean; stdin: boolean; detachKeys?: string }

export type PumpResult = 'eof' | 'detached';

/** Put stdin in raw mode while attached; returns the restore function. */
export function rawMode(): () => void {
  const s = process.stdin;
  if (!s.isTTY) return () => undefined;
  s.setRawMode(true);
  return () => { try { s.setRawMode(false); } catch { /* closed */ } };
}

export function termSize(): [number, number] | undefined {
  const o = process.stdout;
  return o.isTTY && o.rows && o.columns ? [o.rows, o.columns] : undefined;
}

/** Send the size now and on every SIGWINCH; returns the unsubscribe function. */
export function followResize(resize: (h: number, w: number) => Promise<void>): () => void {
  const send = () => { const s = termSize(); if (s) resize(s[0], s[1]).catch(() => undefined); };
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}

export function pump(conn: HijackedConnection, o: PumpOptions): Promise<PumpResult> {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (r: PumpResult) => { if (!done) { done = true; cleanup(); resolve(r); } };
    const keys = o.tty && process.stdin.isTTY ? parseDetachKeys(o.detachKeys || 'ctrl-p,ctrl-q') : [];
    let matched = 0;
    const onData = (chunk: Buffer) => {
      if (!keys.length) { conn.stream.write(chunk); return; }
      const outBytes: number[] = [];
      for (const b of chunk) {
        if (b === keys[matched]) {
          matched++;
          if (matched === keys.length) { conn.close(); finish('detached'); return; }
          continue;
        }
        if (matched) { outBytes.push(...keys.slice(0, matched)); matched = 0; }
        if (b === keys[0]) { matched = 1; continue; }
        outBytes.push(b);
      }
      if (outBytes.length) conn.stream.write(Buffer.from(outBytes));
    };
    const onEnd = () => { if (!o.tty) conn.closeWrite(); };
    const cleanup = () => {
      process.stdin.off('data', onData);
      process.stdin.off('end', onEnd);
      process.stdin.pause();
    };
    if (o.stdin) {
      process.stdin.on('data', onData);
      process.stdin.on('end', onEnd);
      process.stdin.resume();
    }
    const copy = o.tty ? copyRaw(conn.stream, process.stdout) : demultiplex(conn.stream, process.stdout, process.stderr);
    copy.then(() => finish('eof'), (e: unknown) => {
      if (done) return;
      if ((e as NodeJS.ErrnoException).code === 'ECONNRESET') finish('eof');
      else { done = true; cleanup(); reject(e); }
    });
  });
}
