import { DockerfileParseError } from './errors';
import { ShellLex } from './expand';
import { parseLineArgs, splitCommand } from './line-parsers';

/**
 * Dockerfile text → one node per instruction, as BuildKit's frontend/dockerfile/parser does:
 * parser directives at the top (`# syntax=`, `# escape=`, `# check=`), comments, line
 * continuations with the escape token (comment and empty lines inside a continuation are
 * skipped), heredocs for RUN/COPY/ADD (also as ONBUILD triggers). Instruction semantics
 * (flags, argument counts) are checked afterwards by instructions.ts.
 */

export interface Heredoc {
  /** the delimiter word, quotes removed */
  name: string;
  /** `3<<EOF` → 3; 0 when not given */
  fileDescriptor: number;
  /** unquoted delimiter: variables in the content are expanded */
  expand: boolean;
  /** `<<-`: leading tabs are removed from the content (see heredocContent) */
  chomp: boolean;
  /** the lines between the instruction and the delimiter, each with its newline */
  content: string;
}

export interface Node {
  /** the instruction word, upper-cased (`RUN`) */
  name: string;
  /** builder flags as written (`--from=build`) */
  flags: string[];
  /** arguments: JSON elements, words, or the whole rest of the line, per instruction */
  args: string[];
  /** ENV and LABEL pairs, raw (quotes and variables still in) */
  kvs?: [string, string][];
  /** the arguments were a JSON array (exec form) */
  json: boolean;
  /** the logical line, continuations joined */
  original: string;
  startLine: number;
  endLine: number;
  heredocs: Heredoc[];
  /** comment lines just above */
  comments: string[];
  /** ONBUILD: the trigger instruction */
  next?: Node;
}

export interface ParseResult {
  nodes: Node[];
  escapeToken: string;
  /** directives found at the top, lower-cased names (`syntax`, `escape`, `check`) */
  directives: Record<string, string>;
  warnings: string[];
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const VALID_DIRECTIVES = new Set(['syntax', 'escape', 'check']);
const HEREDOC_INSTRUCTIONS = new Set(['ADD', 'COPY', 'RUN']);
const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/s;

class Directives {
  escapeToken = '\\';
  continuation = Directives.continuationFor('\\');
  done = false;
  readonly seen: Record<string, string> = {};

  static continuationFor(esc: string): RegExp {
    const e = esc.replace(/[\\^$.*+?()[\]{}|`]/g, '\\$&');
    return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  }

  /** true when the line was a directive */
  parseLine(line: string): boolean {
    if (this.done) return false;
    if (!line.startsWith('#')) { this.done = true; return false; }
    const m = DIRECTIVE.exec(line.slice(1).replace(/^\s+/, ''));
    const key = m ? m[1].toLowerCase() : '';
    if (!m || !VALID_DIRECTIVES.has(key)) { this.done = true; return false; }
    if (key in this.seen) throw new Error(`only one ${key} parser directive can be used`);
    this.seen[key] = m[2];
    if (key === 'escape') {
      if (m[2] !== '`' && m[2] !== '\\') throw new Error(`invalid escape token '${m[2]}' does not match \` or \\`);
      this.escapeToken = m[2];
      this.continuation = Directives.continuationFor(m[2]);
    }
    return true;
  }
}

const isComment = (line: string): boolean => /^\s*#/.test(line);
const trimNewline = (s: string): string => s.replace(/[\r\n]+$/, '');

function heredocFromWord(word: string): Omit<Heredoc, 'content'> | null {
  const m = HEREDOC_WORD.exec(word);
  if (!m || m[3] === '') return null;
  const plain = new ShellLex('\\', { skipUnsetEnv: true }).processWords(m[3], () => undefined);
  if (plain.length !== 1) return null;
  const raw = new ShellLex('\\', { skipUnsetEnv: true, rawQuotes: true }).processWords(m[3], () => undefined);
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return {
    name: plain[0],
    fileDescriptor: m[1] ? Number(m[1]) : 0,
    chomp: m[2] === '-',
    // a quoted delimiter (`<<"EOF"`, `<<'EOF'`) turns expansion off
    expand: quotes(plain[0]) === quotes(raw[0]),
  };
}

/** The heredocs a logical line opens, in order (`RUN cat <<A <<-"B"`). */
export function heredocsFromLine(line: string): Omit<Heredoc, 'content'>[] {
  let words: string[];
  try {
    words = new ShellLex('\\', { rawQuotes: true, rawEscapes: true, skipUnsetEnv: true }).processWords(line, () => undefined);
  } catch {
    words = [];
  }
  const out: Omit<Heredoc, 'content'>[] = [];
  for (const w of words) {
    const h = heredocFromWord(w);
    if (h) out.push(h);
  }
  return out;
}

/** The content a heredoc stands for: leading tabs removed for `<<-`. */
export function heredocContent(h: Heredoc): string {
  return h.chomp ? h.content.replace(/^\t+/gm, '') : h.content;
}

function canContainHeredoc(node: Node): boolean {
  const n = node.name === 'ONBUILD' && node.next ? node.next : node;
  return HEREDOC_INSTRUCTIONS.has(n.name) && !n.json;
}

/** Builds the node of one logical line (also used for ONBUILD triggers). */
export function nodeFromLine(line: string, escapeToken: string, comments: string[] = []): Node {
  const { cmd, flags, rest } = splitCommand(line, escapeToken);
  const name = cmd.toUpperCase();
  const node: Node = {
    name, flags, args: [], json: false, original: line, startLine: 0, endLine: 0, heredocs: [], comments,
  };
  if (name === 'ONBUILD') {
    if (rest !== '') node.next = nodeFromLine(rest, escapeToken);
    return node;
  }
  const parsed = parseLineArgs(name, rest, escapeToken);
  node.args = parsed.args;
  node.json = parsed.json;
  if (parsed.kvs) node.kvs = parsed.kvs;
  return node;
}

function located(e: unknown, line: number): DockerfileParseError {
  if (e instanceof DockerfileParseError) return e;
  return new DockerfileParseError(line, e instanceof Error ? e.message : String(e));
}

/** Parses a Dockerfile's text. Errors are DockerfileParseError naming the line. */
export function parseDockerfile(text: string): ParseResult {
  const d = new Directives();
  const lines = text === '' ? [] : text.split(/(?<=\n)/);
  if (lines.length && lines[0].charCodeAt(0) === 0xfeff) lines[0] = lines[0].slice(1);
  const nodes: Node[] = [];
  const warnings: string[] = [];
  let comments: string[] = [];
  let i = 0;
  let currentLine = 0;

  const processLine = (raw: string, stripLeft: boolean): string => {
    let token = trimNewline(raw);
    if (stripLeft) token = token.replace(/^\s+/, '');
    let directive: boolean;
    try {
      directive = d.parseLine(token);
    } catch (e) {
      throw located(e, currentLine + 1);
    }
    if (directive && comments.length) comments = comments.slice(0, -1);
    return isComment(token) ? '' : token;
  };
  const trimContinuation = (line: string): [string, boolean] => {
    if (d.continuation.test(line)) return [line.replace(d.continuation, '$1'), false];
    return [line, true];
  };

  while (i < lines.length) {
    const raw = lines[i++];
    if (isComment(raw)) {
      const c = raw.replace(/^\s*#/, '').trim();
      if (c === '') comments = []; else comments.push(c);
    }
    let first = processLine(raw, true);
    currentLine++;
    const startLine = currentLine;
    let endOfLine: boolean;
    [first, endOfLine] = trimContinuation(first);
    if (endOfLine && first.length === 0) continue;
    let buf = first;
    let emptyContinuation = false;
    while (!endOfLine && i < lines.length) {
      const next = lines[i++];
      const processed = processLine(next, false);
      currentLine++;
      if (isComment(next)) continue;
      if (processed.replace(/^\s+/, '') === '') { emptyContinuation = true; continue; }
      let part: string;
      [part, endOfLine] = trimContinuation(processed);
      buf += part;
    }
    if (emptyContinuation) warnings.push(`Empty continuation line found in: ${buf}`);

    let node: Node;
    try {
      node = nodeFromLine(buf, d.escapeToken, comments);
    } catch (e) {
      throw located(e, startLine);
    }
    if (canContainHeredoc(node) && buf.includes('<<')) {
      for (const h of heredocsFromLine(buf)) {
        let content = '';
        let terminated = false;
        while (i < lines.length) {
          const l = lines[i++];
          currentLine++;
          let candidate = trimNewline(l);
          if (h.chomp) candidate = candidate.replace(/^\t+/, '');
          if (candidate === h.name) { terminated = true; break; }
          content += l;
        }
        if (!terminated) throw new DockerfileParseError(startLine, 'unterminated heredoc');
        node.heredocs.push({ ...h, content });
      }
      if (node.name === 'ONBUILD' && node.next) node.next.heredocs = node.heredocs;
    }
    node.startLine = startLine;
    node.endLine = currentLine;
    if (node.next) { node.next.startLine = startLine; node.next.endLine = currentLine; }
    nodes.push(node);
    comments = [];
  }
  if (nodes.length === 0) throw new DockerfileParseError(currentLine, 'file with no instructions');
  return { nodes, escapeToken: d.escapeToken, directives: { ...d.seen }, warnings };
}
