// Lexer for Go's text/template syntax, following the token rules of Go's
// text/template/parse/lex.go so that templates users wrote for docker lex the same way.

export type ItemType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier'
  | 'string' | 'rawString' | 'charConstant' | 'number' | 'bool' | 'nil' | 'dot' | 'pipe'
  | 'declare' | 'assign' | 'leftParen' | 'rightParen' | 'char' | 'keyword' | 'comment'
  | 'eof' | 'error';

export interface Item {
  type: ItemType;
  pos: number; // byte offset (UTF-16 index here) into the input
  val: string;
  line: number; // 1-based line of the token's start
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'define', 'template', 'block', 'break', 'continue']);
const LEFT = '{{';
const RIGHT = '}}';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALNUM = /^[\p{L}\p{Nd}]$/u;
const isAlnum = (c: string): boolean => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || (c > '\x7f' && ALNUM.test(c));

/** Splits a template into items; a lexing error becomes a final 'error' item. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let line = 1;
  let startLine = 1;
  let parenDepth = 0;

  const emit = (type: ItemType, val = input.slice(start, pos)): void => {
    items.push({ type, pos: start, val, line: startLine });
    start = pos;
    startLine = line;
  };
  const advance = (n: number): void => {
    for (let i = 0; i < n && pos < input.length; i++) {
      if (input[pos] === '\n') line++;
      pos++;
    }
  };
  const ignore = (): void => { start = pos; startLine = line; };
  const fail = (msg: string): Item[] => {
    items.push({ type: 'error', pos: start, val: msg, line: startLine });
    return items;
  };
  // "{{- " : trim marker must be followed by a space character.
  const leftTrimAt = (p: number): boolean => input[p] === '-' && isSpace(input[p + 1] ?? '');
  // " -}}" : trim marker preceded by a space.
  const atRightDelim = (): { found: boolean; trim: boolean } => {
    if (input.startsWith(RIGHT, pos)) return { found: true, trim: false };
    if (isSpace(input[pos] ?? '') && input.startsWith('-' + RIGHT, pos + 1)) return { found: true, trim: true };
    return { found: false, trim: false };
  };

  for (;;) {
    // Text state.
    const d = input.indexOf(LEFT, pos);
    if (d < 0) {
      advance(input.length - pos);
      if (pos > start) emit('text');
      items.push({ type: 'eof', pos, val: '', line });
      return items;
    }
    const trimLeft = leftTrimAt(d + LEFT.length);
    let textEnd = d;
    if (trimLeft) while (textEnd > start && isSpace(input[textEnd - 1])) textEnd--;
    advance(d - pos);
    if (textEnd > start) items.push({ type: 'text', pos: start, val: input.slice(start, textEnd), line: startLine });
    ignore();
    // Left delimiter.
    advance(LEFT.length + (trimLeft ? 2 : 0));
    const afterMarker = pos;
    if (input.startsWith('/*', afterMarker)) {
      // Comment: must end with "*/" right before the closing delimiter.
      const end = input.indexOf('*/', afterMarker + 2);
      if (end < 0) return fail('unclosed comment');
      advance(end + 2 - pos);
      const r = atRightDelim();
      if (!r.found) return fail('comment ends before closing delimiter');
      advance(r.trim ? 1 + 1 + RIGHT.length : RIGHT.length);
      if (r.trim) while (pos < input.length && isSpace(input[pos])) advance(1);
      ignore();
      continue;
    }
    items.push({ type: 'leftDelim', pos: start, val: LEFT, line: startLine });
    ignore();
    parenDepth = 0;
    // Inside-action state.
    for (;;) {
      const r = atRightDelim();
      if (r.found && parenDepth === 0) {
        if (r.trim) { advance(1); ignore(); }
        advance(r.trim ? 1 + RIGHT.length : RIGHT.length);
        items.push({ type: 'rightDelim', pos: start, val: RIGHT, line: startLine });
        if (r.trim) while (pos < input.length && isSpace(input[pos])) advance(1);
        ignore();
        break;
      }
      if (pos >= input.length) return fail('unclosed action');
      const c = input[pos];
      if (isSpace(c)) {
        while (pos < input.length && isSpace(input[pos]) && !atRightDelim().trim) advance(1);
        // A space that starts " -}}" belongs to the delimiter.
        if (pos > start) emit('space');
        continue;
      }
      if (r.found && parenDepth > 0) return fail('unclosed left paren');
      if (c === '=') { advance(1); emit('assign'); continue; }
      if (c === ':') {
        if (input[pos + 1] !== '=') return fail('expected :=');
        advance(2); emit('declare'); continue;
      }
      if (c === '|') { advance(1); emit('pipe'); continue; }
      if (c === '"') {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === '\\' && pos + 1 < input.length && input[pos + 1] !== '\n') { advance(2); continue; }
          if (ch === undefined || ch === '\n') return fail('unterminated quoted string');
          advance(1);
          if (ch === '"') break;
        }
        emit('string'); continue;
      }
      if (c === '`') {
        const end = input.indexOf('`', pos + 1);
        if (end < 0) return fail('unterminated raw quoted string');
        advance(end + 1 - pos); emit('rawString'); continue;
      }
      if (c === "'") {
        advance(1);
        for (;;) {
          const ch = input[pos];
          if (ch === '\\' && pos + 1 < input.length && input[pos + 1] !== '\n') { advance(2); continue; }
          if (ch === undefined || ch === '\n') return fail('unterminated character constant');
          advance(1);
          if (ch === "'") break;
        }
        emit('charConstant'); continue;
      }
      if (c === '$') {
        advance(1);
        while (pos < input.length && isAlnum(input[pos])) advance(1);
        const err = checkTerminator(); if (err) return fail(err);
        emit('variable'); continue;
      }
      if (c === '.') {
        if (/[0-9]/.test(input[pos + 1] ?? '')) { const e = lexNumber(); if (e) return fail(e); continue; }
        advance(1);
        if (!isAlnum(input[pos] ?? '')) { emit('dot'); continue; }
        while (pos < input.length && isAlnum(input[pos])) advance(1);
        const err = checkTerminator(); if (err) return fail(err);
        emit('field'); continue;
      }
      if (c === '+' || c === '-' || /[0-9]/.test(c)) { const e = lexNumber(); if (e) return fail(e); continue; }
      if (isAlnum(c)) {
        while (pos < input.length && isAlnum(input[pos])) advance(1);
        const err = checkTerminator(); if (err) return fail(err);
        const word = input.slice(start, pos);
        if (KEYWORDS.has(word)) emit('keyword');
        else if (word === 'true' || word === 'false') emit('bool');
        else if (word === 'nil') emit('nil');
        else emit('identifier');
        continue;
      }
      if (c === '(') { advance(1); emit('leftParen'); parenDepth++; continue; }
      if (c === ')') {
        advance(1); parenDepth--;
        if (parenDepth < 0) return fail(`unexpected right paren`);
        emit('rightParen'); continue;
      }
      if (c === ',') { advance(1); emit('char'); continue; }
      return fail(`unrecognized character in action: ${describeRune(input.codePointAt(pos) ?? 0)}`);
    }
  }

  // Words must end at something that can follow an operand (Go's atTerminator).
  function checkTerminator(): string | null {
    const c = input[pos];
    if (c === undefined || isSpace(c) || '.,|:()'.includes(c) || input.startsWith(RIGHT, pos)) return null;
    return `bad character ${describeRune(input.codePointAt(pos) ?? 0)}`;
  }

  function lexNumber(): string | null {
    if (input[pos] === '+' || input[pos] === '-') advance(1);
    let digits = '0123456789_';
    if (input[pos] === '0' && /[xXoObB]/.test(input[pos + 1] ?? '')) {
      const p = input[pos + 1].toLowerCase();
      digits = p === 'x' ? '0123456789abcdefABCDEF_' : p === 'o' ? '01234567_' : '01_';
      advance(2);
    }
    while (pos < input.length && digits.includes(input[pos])) advance(1);
    if (input[pos] === '.') { advance(1); while (pos < input.length && digits.includes(input[pos])) advance(1); }
    const exp = digits.length > 16 ? 'pP' : 'eEpP';
    if (exp.includes(input[pos] ?? '\0')) {
      advance(1);
      if (input[pos] === '+' || input[pos] === '-') advance(1);
      while (pos < input.length && /[0-9_]/.test(input[pos])) advance(1);
    }
    if (input[pos] === 'i') advance(1);
    if (isAlnum(input[pos] ?? '')) {
      advance(1);
      return `bad number syntax: "${input.slice(start, pos)}"`;
    }
    emit('number');
    return null;
  }
}

/** Formats a rune like Go's %#U: U+002D '-'. */
export function describeRune(cp: number): string {
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${String.fromCodePoint(cp)}'`;
}
