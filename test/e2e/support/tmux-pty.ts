/**
 * A real terminal for interactive tests: a tmux server of our own (its socket in the test's
 * temporary dir, so no other tmux is touched) running bash in a 120x40 pane. Tests type into
 * it, send control keys (C-p C-q) and read the screen, as a user would.
 */
import * as path from 'node:path';
import { eventually, run } from '../../harness';
import type { TestDaemon } from '../../harness';

/** The prompt of the outer bash, distinct from busybox sh's "/ # ". */
export const HOST_PROMPT = 'host$ ';

export class TmuxPty {
  private readonly socket: string;
  private readonly session: string;
  private started = false;

  constructor(private readonly d: TestDaemon, name: string) {
    this.socket = path.join(d.dir, `tmux-${name}.sock`);
    this.session = name;
  }

  private tmux(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return run('tmux', ['-S', this.socket, ...args], { envBase: this.d.env, timeoutMs: 15000 });
  }

  async start(): Promise<void> {
    const env = this.d.env;
    const vars = ['BERTH_HOST', 'DOCKER_HOST', 'DOCKER_CONFIG', 'PATH'].map((k) => `${k}=${shellQuote(env[k] ?? '')}`).join(' ');
    const shell = `exec env -i HOME=/root TERM=xterm ${vars} PS1=${shellQuote(HOST_PROMPT)} bash --norc --noprofile`;
    const r = await this.tmux(['new-session', '-d', '-s', this.session, '-x', '120', '-y', '40', shell]);
    if (r.code !== 0) throw new Error(`tmux new-session failed: ${r.stderr}`);
    this.started = true;
    // keep plenty of scrollback so earlier output stays readable
    await this.tmux(['set-option', '-t', this.session, 'history-limit', '10000']);
    await this.waitFor(new RegExp(escapeRegExp(HOST_PROMPT.trimEnd())));
  }

  /** Types a line and presses Enter. */
  async type(line: string): Promise<void> {
    const r = await this.tmux(['send-keys', '-t', this.session, '-l', line]);
    if (r.code !== 0) throw new Error(`tmux send-keys failed: ${r.stderr}`);
    await this.tmux(['send-keys', '-t', this.session, 'Enter']);
  }

  /** Sends tmux key names, e.g. keys('C-p', 'C-q'). */
  async keys(...keys: string[]): Promise<void> {
    const r = await this.tmux(['send-keys', '-t', this.session, ...keys]);
    if (r.code !== 0) throw new Error(`tmux send-keys failed: ${r.stderr}`);
  }

  /** The whole pane, scrollback included, wrapped lines joined. */
  async screen(): Promise<string> {
    const r = await this.tmux(['capture-pane', '-p', '-J', '-S', '-10000', '-t', this.session]);
    if (r.code !== 0) throw new Error(`tmux capture-pane failed: ${r.stderr}`);
    return r.stdout;
  }

  /** Waits until the screen matches; the error shows the screen. */
  async waitFor(re: RegExp, timeoutMs = 20000): Promise<RegExpMatchArray> {
    try {
      return await eventually(async () => (await this.screen()).match(re), timeoutMs, 200);
    } catch {
      throw new Error(`screen never matched ${re} within ${timeoutMs} ms; screen:\n${await this.screen().catch((e) => String(e))}`);
    }
  }

  /** Counts the matches of a global regexp on the screen. */
  async count(re: RegExp): Promise<number> {
    return ((await this.screen()).match(re) ?? []).length;
  }

  /** How many outer-bash prompts the screen shows so far (not always at a line start: after a detach it follows the container's prompt). */
  async hostPrompts(): Promise<number> {
    return this.count(new RegExp(escapeRegExp(HOST_PROMPT.trimEnd()), 'g'));
  }

  /**
   * Runs `action` (e.g. typing `exit` into a container shell) and waits until the outer bash
   * prompts again: only then may the next line be typed, as a running client reads (and sends
   * on) whatever is typed ahead.
   */
  async untilHostPrompt(action: () => Promise<void>, timeoutMs = 20000): Promise<void> {
    const before = await this.hostPrompts();
    await action();
    try {
      await eventually(async () => (await this.hostPrompts()) > before, timeoutMs, 200);
    } catch {
      throw new Error(`the outer shell did not prompt again within ${timeoutMs} ms; screen:\n${await this.screen()}`);
    }
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.tmux(['kill-server']).catch(() => undefined);
  }
}

export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
