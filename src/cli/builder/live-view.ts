/**
 * The build's live view on a terminal: one line per step ("[3/11] RUN make  1.2s"), the
 * running step's last lines of output under it, redrawn in place; at the end it collapses
 * to a compact summary (each step with its result ID, cached or timed) and docker's
 * "Successfully built/tagged" lines. Reads the classic builder's text stream.
 */
import type { BuildStreamMessage } from '../../client';
import { takeControlMessage, type BuildView } from './classic-output';

interface Step {
  label: string;
  start: number;
  end?: number;
  cached: boolean;
  result?: string;
  output: string[];
}

const TAIL = 6;
const FAIL_TAIL = 20;

export interface LiveViewOptions {
  /** terminal width; lines are cut to it so that redraws stay in place */
  columns?: number;
  now?: () => number;
  /** redraw period (ms); 0 draws only on messages (tests) */
  tickMs?: number;
}

function fmtTime(ms: number): string { return `${(ms / 1000).toFixed(1)}s`; }

export class LiveView implements BuildView {
  imageId = '';
  private readonly steps: Step[] = [];
  private readonly preamble: string[] = [];
  private readonly trailer: string[] = [];
  private partial = '';
  private drawn = 0;
  private readonly started: number;
  private readonly timer?: NodeJS.Timeout;
  private readonly now: () => number;
  private readonly columns: number;
  private context = '';
  private lastDraw = 0;
  /** with a redraw timer, messages redraw at most this often (a chatty RUN must not flood the terminal) */
  private readonly minGap: number;

  constructor(private readonly out: { write(s: string): unknown }, opts: LiveViewOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.columns = Math.max(20, opts.columns ?? 80);
    this.started = this.now();
    const tick = opts.tickMs ?? 100;
    this.minGap = tick > 0 ? 40 : 0;
    if (tick > 0) this.timer = setInterval(() => this.draw(), tick);
  }

  /** the "Sending build context" progress text ("...\r"), shown in the header */
  contextProgress(text: string): void {
    this.context = text.replace(/[\r\n]+/g, '').replace(/^Sending build context to Docker daemon\s+/, '');
    this.draw();
  }

  write(m: BuildStreamMessage): void {
    if (takeControlMessage(this, m)) return;
    if (m.stream !== undefined) this.text(m.stream);
    else if (m.status) this.line(`${m.id ? `${m.id}: ` : ''}${m.status}${m.progress ? ` ${m.progress}` : ''}`, true);
    if (this.now() - this.lastDraw >= this.minGap) this.draw();
  }

  private text(s: string): void {
    // the builder's own lines start messages of their own: RUN output cut short of a newline ends there
    if (this.partial && /^(Step \d+\/\d+ : | ---> |Removing intermediate container |Successfully )/.test(s)) {
      this.line(this.partial, false);
      this.partial = '';
    }
    const parts = (this.partial + s).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) this.line(p, false);
  }

  private current(): Step | undefined { return this.steps[this.steps.length - 1]; }

  private line(raw: string, transient: boolean): void {
    // a line redrawn with \r (a download's progress) shows its last state
    const line = raw.slice(raw.lastIndexOf('\r', raw.length - 2) + 1).replace(/\r$/, '');
    const step = /^Step (\d+\/\d+) : (.*)$/.exec(line);
    const cur = this.current();
    if (step) {
      if (cur && cur.end === undefined) cur.end = this.now();
      this.steps.push({ label: `[${step[1]}] ${step[2]}`, start: this.now(), cached: false, output: [] });
      return;
    }
    if (/^Successfully (built|tagged) /.test(line)) {
      if (cur && cur.end === undefined) cur.end = this.now();
      this.trailer.push(line);
      return;
    }
    if (!cur) { this.preamble.push(line); return; }
    if (line === ' ---> Using cache') { cur.cached = true; return; }
    if (/^ ---> Running in [0-9a-f]+$/.test(line) || /^Removing intermediate container /.test(line)) return;
    const result = /^ ---> ([0-9a-f]{12})$/.exec(line);
    if (result) { cur.result = result[1]; cur.end = this.now(); return; }
    if (transient && cur.output.length && cur.output[cur.output.length - 1].startsWith(line.split(':')[0] + ':')) cur.output.pop();
    cur.output.push(line);
  }

  /** one screen line: no control characters (they would break a redraw's line count), cut to `width` */
  private cut(s: string, width = this.columns - 1): string {
    const clean = s.replace(/\t/g, '    ').replace(/\x1b\[[0-9;?]*[A-Za-z]|[\x00-\x08\x0b-\x1f\x7f]/g, '');
    return clean.length > width ? clean.slice(0, width - 1) + '…' : clean;
  }

  /** `left` cut and padded so that `right` ends at the terminal's last column but one */
  private row(left: string, right: string): string {
    const width = this.columns - 1 - right.length;
    return this.cut(left, width).padEnd(width) + right;
  }

  private stepLine(s: Step, running: boolean): string {
    const took = s.cached ? 'CACHED' : fmtTime((s.end ?? this.now()) - s.start);
    return this.row(`${running ? ' -> ' : ' => '}${s.label}`, ` ${took}`);
  }

  private frame(): string[] {
    const done = this.steps.filter((s) => s.end !== undefined).length;
    const total = /\[\d+\/(\d+)\]/.exec(this.steps[0]?.label ?? '')?.[1] ?? '?';
    const lines = [this.cut(`Building ${fmtTime(this.now() - this.started)} (${done}/${total})${this.context ? `  context ${this.context}` : ''}`)];
    for (const p of this.preamble.slice(-TAIL)) lines.push(this.cut(`    ${p}`));
    this.steps.forEach((s, i) => {
      const running = i === this.steps.length - 1 && s.end === undefined;
      lines.push(this.stepLine(s, running));
      if (running) for (const o of s.output.slice(-TAIL)) lines.push(this.cut(`    ${o}`));
    });
    return lines;
  }

  private erase(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}F\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    const lines = this.frame();
    this.erase();
    this.out.write(lines.join('\n') + '\n');
    this.drawn = lines.length;
    this.lastDraw = this.now();
  }

  /** Replaces the live frame with the summary; on failure, the failing step's last output. */
  finish(ok: boolean): void {
    if (this.timer) clearInterval(this.timer);
    if (this.partial) { this.line(this.partial, false); this.partial = ''; }
    this.erase();
    const out: string[] = [];
    for (const s of this.steps) {
      if (s.end === undefined && ok) s.end = this.now();
      const took = s.cached ? 'CACHED' : fmtTime((s.end ?? this.now()) - s.start);
      out.push(this.row(` => ${s.label}`, `${s.result ? ` ---> ${s.result}` : ''} ${took}`));
    }
    const last = this.current();
    if (!ok && last) for (const o of last.output.slice(-FAIL_TAIL)) out.push(`    ${o}`);
    out.push(...this.trailer);
    this.out.write(out.length ? out.join('\n') + '\n' : '');
  }
}
