/**
 * The per-instruction argument splitters of BuildKit's parser (line_parsers.go,
 * split_command.go): what counts as a word, a flag, a JSON array, a key=value pair.
 * Quotes and variables are left in; expand.ts removes them for the instructions that expand.
 */

const WS = /[\t\v\f\r ]+/;
const isSpace = (ch: string): boolean => /^\s$/u.test(ch);

export interface SplitLine {
  cmd: string;
  flags: string[];
  rest: string;
}

/** `COPY --from=a --chown=1 src dst` → cmd, flags, rest. */
export function splitCommand(line: string, escapeToken: string): SplitLine {
  const trimmed = line.trim();
  const m = WS.exec(trimmed);
  if (!m) return { cmd: trimmed, flags: [], rest: '' };
  const cmd = trimmed.slice(0, m.index);
  const { rest, flags } = extractBuilderFlags(trimmed.slice(m.index + m[0].length), escapeToken);
  return { cmd, flags, rest: rest.trim() };
}

/** Leading `--flag[=value]` words; a bare `--` ends them. Quotes are removed in flag words. */
export function extractBuilderFlags(line: string, escapeToken: string): { rest: string; flags: string[] } {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let buf = '';
  let quote = '';
  let blankOK = false;
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = pos < line.length ? line[pos] : '';
    if (phase === 'spaces') {
      if (pos === line.length) break;
      if (isSpace(ch)) continue;
      if (ch !== '-' || pos + 1 === line.length || line[pos + 1] !== '-') return { rest: line.slice(pos), flags: words };
      phase = 'word';
    }
    if (pos === line.length) {
      if (buf !== '--' && (blankOK || buf.length > 0)) words.push(buf);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (buf === '--') return { rest: line.slice(pos), flags: words };
        if (blankOK || buf.length > 0) words.push(buf);
        buf = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; blankOK = true; phase = 'quote'; continue; }
      let c = ch;
      if (c === escapeToken) {
        if (pos + 1 === line.length) continue;
        c = line[++pos];
      }
      buf += c;
      continue;
    }
    // in quote
    if (ch === quote) { phase = 'word'; continue; }
    let c = ch;
    if (c === escapeToken) {
      if (pos + 1 === line.length) { phase = 'word'; continue; }
      c = line[++pos];
    }
    buf += c;
  }
  return { rest: '', flags: words };
}

/** Words as ENV/LABEL/ARG see them: split on unquoted blanks, quotes and escapes kept. */
export function parseWords(rest: string, escapeToken: string): string[] {
  const words: string[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = '';
  let blankOK = false;
  let buf = '';
  const chars = Array.from(rest);
  for (let pos = 0; pos <= chars.length; pos++) {
    let ch = pos < chars.length ? chars[pos] : '';
    if (phase === 'spaces') {
      if (pos === chars.length) break;
      if (isSpace(ch)) continue;
      phase = 'word';
    }
    if (pos === chars.length) {
      if (blankOK || buf.length > 0) words.push(buf);
      break;
    }
    if (phase === 'word') {
      if (isSpace(ch)) {
        phase = 'spaces';
        if (blankOK || buf.length > 0) words.push(buf);
        buf = '';
        blankOK = false;
        continue;
      }
      if (ch === "'" || ch === '"') { quote = ch; blankOK = true; phase = 'quote'; }
      if (ch === escapeToken) {
        if (pos + 1 === chars.length) continue;
        buf += ch;
        ch = chars[++pos];
      }
      buf += ch;
      continue;
    }
    if (ch === quote) phase = 'word';
    if (ch === escapeToken && quote !== "'") {
      if (pos + 1 === chars.length) { phase = 'word'; continue; }
      buf += ch;
      ch = chars[++pos];
    }
    buf += ch;
  }
  return words;
}

class NotStringArray extends Error {
  constructor() { super('when using JSON array syntax, arrays must be comprised of strings only'); }
}

/** A JSON array of strings, or null when the text is not a JSON array. */
function parseJSON(rest: string): string[] | null {
  const t = rest.replace(/^\s+/, '');
  if (!t.startsWith('[')) return null;
  let v: unknown;
  try {
    v = JSON.parse(t);
  } catch {
    return null;
  }
  if (!Array.isArray(v)) return null;
  if (!v.every((s) => typeof s === 'string')) throw new NotStringArray();
  return v as string[];
}

const splitWS = (rest: string): string[] => (rest === '' ? [] : rest.split(WS));

function nameVal(rest: string, key: string, escapeToken: string): [string, string][] {
  const words = parseWords(rest, escapeToken);
  if (words.length === 0) return [];
  if (!words[0].includes('=')) {
    // legacy `ENV key value with spaces`: the value is the rest of the line
    const m = WS.exec(rest);
    if (!m) throw new Error(`${key} must have two arguments`);
    return [[rest.slice(0, m.index), rest.slice(m.index + m[0].length)]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i < 0) throw new Error(`Syntax error - can't find = in ${goQuote(w)}. Must be of the form: name=value`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

export interface LineArgs {
  args: string[];
  json: boolean;
  kvs?: [string, string][];
}

/** The arguments of one instruction's rest of line, by instruction name. */
export function parseLineArgs(name: string, rest: string, escapeToken: string): LineArgs {
  switch (name) {
    case 'ADD': case 'COPY': case 'VOLUME': {
      const j = parseJSON(rest);
      return j ? { args: j, json: true } : { args: splitWS(rest), json: false };
    }
    case 'CMD': case 'ENTRYPOINT': case 'RUN': case 'SHELL': {
      if (rest === '') return { args: [], json: false };
      const j = parseJSON(rest);
      return j ? { args: j, json: true } : { args: [rest], json: false };
    }
    case 'ARG':
      return { args: parseWords(rest, escapeToken), json: false };
    case 'ENV': case 'LABEL': {
      const kvs = nameVal(rest, name, escapeToken);
      return { args: kvs.flat(), json: false, kvs };
    }
    case 'EXPOSE': case 'FROM':
      return { args: splitWS(rest), json: false };
    case 'HEALTHCHECK': {
      const m = /\s/.exec(rest);
      if (rest === '') return { args: [], json: false };
      const typ = m ? rest.slice(0, m.index) : rest;
      const cmdText = m ? rest.slice(m.index).replace(/^\s+/, '') : '';
      if (cmdText === '') return { args: [typ], json: false };
      const j = parseJSON(cmdText);
      return j ? { args: [typ, ...j], json: true } : { args: [typ, cmdText], json: false };
    }
    case 'MAINTAINER': case 'STOPSIGNAL': case 'USER': case 'WORKDIR':
      return { args: rest === '' ? [] : [rest], json: false };
    default:
      return { args: [], json: false };
  }
}
