/**
 * Docker's Dockerfile word lexer (BuildKit's frontend/dockerfile/shell): variable substitution
 * and quote removal applied to the arguments of ADD COPY ENV EXPOSE FROM LABEL STOPSIGNAL USER
 * VOLUME WORKDIR ARG (and the flags --chown/--chmod/--from). RUN, CMD, ENTRYPOINT, SHELL,
 * HEALTHCHECK and ONBUILD are not expanded: their shell does it at run time.
 *
 * Rules (as Docker's lexer, not POSIX sh):
 * - `$name`, `${name}`; `${v:-x}` / `${v-x}` (default when unset/empty, or unset only),
 *   `${v:+x}` / `${v+x}`, `${v:?msg}` / `${v?msg}`, `${v#p}` `${v##p}` `${v%p}` `${v%%p}`,
 *   `${v/p/r}` `${v//p/r}`; positional and special parameters ($1, $@, $$...) are never set.
 * - the escape char (`\` or the `# escape=` one) makes the next char literal; a trailing one
 *   is dropped. Single quotes are literal; in double quotes the escape char only escapes
 *   `"`, `$` and itself, and `$` still expands.
 */

/** Looks a variable up; undefined when unset. Keys are case-sensitive (Linux). */
export type EnvLookup = (name: string) => string | undefined;

export function envFromList(env: readonly string[]): EnvLookup {
  const m = new Map<string, string>();
  for (const e of env) {
    const i = e.indexOf('=');
    if (i < 0) m.set(e, '');
    else m.set(e.slice(0, i), e.slice(i + 1));
  }
  return (name) => m.get(name);
}

export interface LexOptions {
  /** keep quote characters in the result (used to find heredoc words) */
  rawQuotes?: boolean;
  /** keep escape characters in the result */
  rawEscapes?: boolean;
  /** leave unset variables as written (`$x`, `${x}`) */
  skipUnsetEnv?: boolean;
  /** quotes are plain characters (heredoc contents of COPY/ADD) */
  skipProcessQuotes?: boolean;
}

export interface WordResult {
  result: string;
  /** variables found set */
  matched: Set<string>;
  /** variables referenced but unset */
  unmatched: Set<string>;
}

const EOF = '';

class Scanner {
  private i = 0;
  constructor(private readonly chars: string[]) {}
  peek(): string { return this.i < this.chars.length ? this.chars[this.i] : EOF; }
  next(): string { return this.i < this.chars.length ? this.chars[this.i++] : EOF; }
}

const isSpace = (ch: string): boolean => /^\s$/u.test(ch);

class Words {
  buf = '';
  words: string[] = [];
  inWord = false;
  addChar(ch: string): void {
    if (isSpace(ch) && this.inWord) {
      if (this.buf.length) { this.words.push(this.buf); this.buf = ''; this.inWord = false; }
    } else if (!isSpace(ch)) {
      this.addRawChar(ch);
    }
  }
  addRawChar(ch: string): void { this.buf += ch; this.inWord = true; }
  addString(s: string): void { for (const ch of s) this.addChar(ch); }
  addRawString(s: string): void { this.buf += s; this.inWord = true; }
  get(): string[] {
    if (this.buf.length) { this.words.push(this.buf); this.buf = ''; this.inWord = false; }
    return this.words;
  }
}

function isSpecialParam(ch: string): boolean {
  return '@*#?-$!0'.includes(ch) && ch.length === 1;
}

/** Shell glob (`*`, `?`, `\x`) to a RegExp, for `#`, `%` and `/` substitutions. */
function patternToRegex(pattern: string, greedy: boolean, anchored: 'start' | 'end' | 'none'): RegExp {
  let out = '';
  const star = greedy ? '.*' : '.*?';
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === '*') { out += star; continue; }
    if (ch === '?') { out += '.'; continue; }
    if (ch === '\\') {
      const n = chars[i + 1];
      if (n === '}' || n === '/') continue;
      if (n !== '*' && n !== '?' && n !== '\\') throw new Error(`invalid escape '\\${n ?? ''}'`);
      out += '\\' + n;
      i++;
      continue;
    }
    out += /[[\]{}.+()|^$]/.test(ch) ? '\\' + ch : ch;
  }
  if (anchored === 'start') return new RegExp('^(?:' + out + ')', 'su');
  if (anchored === 'end') return new RegExp('(?:' + out + ')$', 'su');
  return new RegExp(out, 'gsu');
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = patternToRegex(pattern, greedy, 'start');
  const m = re.exec(value);
  return m ? value.slice(m[0].length) : value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  // the shortest/longest suffix matching the pattern: try every start offset
  const re = patternToRegex(pattern, true, 'none');
  const chars = Array.from(value);
  const whole = new RegExp('^(?:' + re.source + ')$', 'su');
  const offsets = chars.map((_, i) => i).concat([chars.length]);
  if (!greedy) offsets.reverse();
  for (const s of offsets) {
    if (whole.test(chars.slice(s).join(''))) return chars.slice(0, s).join('');
  }
  return value;
}

class ShellWord {
  private readonly sc: Scanner;
  private rawEscapes: boolean;
  matched = new Set<string>();
  unmatched = new Set<string>();

  constructor(private readonly word: string, private readonly env: EnvLookup, private readonly escape: string, private readonly opts: LexOptions) {
    this.sc = new Scanner(Array.from(word));
    this.rawEscapes = !!opts.rawEscapes;
  }

  process(): { word: string; words: string[] } {
    // nothing to expand, unquote or unescape (most words): the word as is, split on spaces
    // as Words does; the scanner costs ~50 us a word in a daemon's cold code
    if (!/[$'"<]/.test(this.word) && !this.word.includes(this.escape)) {
      return { word: this.word, words: this.word.split(/\s+/u).filter((w) => w !== '') };
    }
    return this.processStopOn(EOF, this.rawEscapes);
  }

  private processStopOn(stop: string, rawEscapes: boolean): { word: string; words: string[] } {
    let result = '';
    const words = new Words();
    const saved = this.rawEscapes;
    this.rawEscapes = rawEscapes;
    try {
      while (this.sc.peek() !== EOF) {
        let ch = this.sc.peek();
        if (stop !== EOF && ch === stop) {
          this.sc.next();
          return { word: result, words: words.get() };
        }
        const quote = (ch === "'" || ch === '"') && !this.opts.skipProcessQuotes;
        if (ch === '$' || ch === '<' || quote) {
          const tmp = ch === '$' ? this.processDollar() : ch === '<' ? this.processPossibleHeredoc()
            : ch === "'" ? this.processSingleQuote() : this.processDoubleQuote();
          result += tmp;
          if (ch === '$') words.addString(tmp); else words.addRawString(tmp);
          continue;
        }
        ch = this.sc.next();
        if (ch === this.escape) {
          if (this.rawEscapes) { words.addRawChar(ch); result += ch; }
          ch = this.sc.next();
          if (ch === EOF) break;
          words.addRawChar(ch);
        } else {
          words.addChar(ch);
        }
        result += ch;
      }
      if (stop !== EOF) throw new Error(`unexpected end of statement while looking for matching ${stop}`);
      return { word: result, words: words.get() };
    } finally {
      this.rawEscapes = saved;
    }
  }

  private processSingleQuote(): string {
    let result = '';
    const q = this.sc.next();
    if (this.opts.rawQuotes) result += q;
    for (;;) {
      const ch = this.sc.next();
      if (ch === EOF) throw new Error('unexpected end of statement while looking for matching single-quote');
      if (ch === "'") {
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      result += ch;
    }
  }

  private processDoubleQuote(): string {
    let result = '';
    const q = this.sc.next();
    if (this.opts.rawQuotes) result += q;
    for (;;) {
      const p = this.sc.peek();
      if (p === EOF) throw new Error('unexpected end of statement while looking for matching double-quote');
      if (p === '"') {
        const ch = this.sc.next();
        if (this.opts.rawQuotes) result += ch;
        return result;
      }
      if (p === '$') { result += this.processDollar(); continue; }
      let ch = this.sc.next();
      if (ch === this.escape) {
        if (this.rawEscapes) result += ch;
        const n = this.sc.peek();
        if (n === EOF) continue;
        if (n === '"' || n === '$' || n === this.escape) ch = this.sc.next();
      }
      result += ch;
    }
  }

  private getEnv(name: string): string | undefined {
    const v = this.env(name);
    if (v !== undefined) this.matched.add(name); else this.unmatched.add(name);
    return v;
  }

  private processName(): string {
    let name = '';
    while (this.sc.peek() !== EOF) {
      const ch = this.sc.peek();
      if (name.length === 0 && /^\p{Nd}$/u.test(ch)) {
        while (this.sc.peek() !== EOF && /^\p{Nd}$/u.test(this.sc.peek())) name += this.sc.next();
        return name;
      }
      if (name.length === 0 && isSpecialParam(ch)) return this.sc.next();
      if (!/^[\p{L}\p{Nd}_]$/u.test(ch)) break;
      name += this.sc.next();
    }
    return name;
  }

  private processDollar(): string {
    this.sc.next();
    if (this.sc.peek() !== '{') {
      const name = this.processName();
      if (name === '') return '$';
      const v = this.getEnv(name);
      if (v === undefined && this.opts.skipUnsetEnv) return '$' + name;
      return v ?? '';
    }
    this.sc.next();
    const p = this.sc.peek();
    if (p === EOF) throw new Error("syntax error: missing '}'");
    if (p === '{' || p === '}' || p === ':') throw new Error('syntax error: bad substitution');
    const name = this.processName();
    // Go prints "unsupported modifier (\ufffd)" here; the cause is the missing brace
    if (this.sc.peek() === EOF) throw new Error("syntax error: missing '}'");
    let ch = this.sc.next();
    let chs = ch;
    let nullIsUnset = false;
    switch (ch) {
      case '}': {
        const v = this.getEnv(name);
        if (v === undefined && this.opts.skipUnsetEnv) return `\${${name}}`;
        return v ?? '';
      }
      case ':':
      case '+': case '-': case '?': case '#': case '%': {
        if (ch === ':') {
          nullIsUnset = true;
          ch = this.sc.next();
          chs += ch;
        }
        const raw = ch === '#' || ch === '%';
        if (nullIsUnset && raw) throw new Error(`unsupported modifier (${chs}) in substitution`);
        if (!'+-?#%'.includes(ch) || ch === EOF) throw new Error(`unsupported modifier (${chs}) in substitution`);
        let word: string;
        try {
          word = this.processStopOn('}', raw).word;
        } catch (e) {
          if (this.sc.peek() === EOF) throw new Error("syntax error: missing '}'");
          throw e;
        }
        const v = this.getEnv(name);
        if (this.opts.skipUnsetEnv && v === undefined) return `\${${name}${chs}${word}}`;
        const empty = v === undefined || (nullIsUnset && v === '');
        switch (ch) {
          case '-': return empty ? word : (v as string);
          case '+': return empty ? '' : word;
          case '?':
            if (v === undefined) throw new Error(`${name}: ${word || 'is not allowed to be unset'}`);
            if (nullIsUnset && v === '') throw new Error(`${name}: ${word || 'is not allowed to be empty'}`);
            return v;
          default: {
            let greedy = false;
            if (word.startsWith(ch)) { greedy = true; word = word.slice(1); }
            return ch === '%' ? trimSuffix(word, v ?? '', greedy) : trimPrefix(word, v ?? '', greedy);
          }
        }
      }
      case '/': {
        const all = this.sc.peek() === '/';
        if (all) this.sc.next();
        let pattern: string;
        let replacement: string;
        try {
          pattern = this.processStopOn('/', true).word;
        } catch (e) {
          if (this.sc.peek() === EOF) throw new Error("syntax error: missing '/' in ${}");
          throw e;
        }
        try {
          replacement = this.processStopOn('}', true).word;
        } catch (e) {
          if (this.sc.peek() === EOF) throw new Error("syntax error: missing '}'");
          throw e;
        }
        const v = this.getEnv(name);
        if (this.opts.skipUnsetEnv && v === undefined) return `\${${name}/${pattern}/${replacement}}`;
        const re = patternToRegex(pattern, true, 'none');
        const value = v ?? '';
        if (all) return value.replace(re, () => replacement);
        const m = new RegExp(re.source, 'su').exec(value);
        return m ? value.slice(0, m.index) + replacement + value.slice(m.index + m[0].length) : value;
      }
      default:
        throw new Error(`unsupported modifier (${chs}) in substitution`);
    }
  }

  private processPossibleHeredoc(): string {
    this.sc.next();
    if (this.sc.peek() !== '<') return '<';
    this.sc.next();
    let space = '';
    while (this.sc.peek() === ' ' || this.sc.peek() === '\t') space += this.sc.next();
    return '<<' + space;
  }
}

/** Docker's shell lexer, for one escape token. */
export class ShellLex {
  constructor(readonly escapeToken: string = '\\', readonly options: LexOptions = {}) {}

  /** One word: substitution and quote removal (ENV values, WORKDIR, COPY sources...). */
  processWord(word: string, env: EnvLookup): WordResult {
    const sw = new ShellWord(word, env, this.escapeToken, this.options);
    try {
      const r = sw.process();
      return { result: r.word, matched: sw.matched, unmatched: sw.unmatched };
    } catch (e) {
      throw new Error(`failed to process ${goQuoteLite(word)}: ${(e as Error).message}`);
    }
  }

  /** Split into words after substitution, as EXPOSE and heredoc detection do. */
  processWords(word: string, env: EnvLookup): string[] {
    const sw = new ShellWord(word, env, this.escapeToken, this.options);
    try {
      return sw.process().words;
    } catch (e) {
      throw new Error(`failed to process ${goQuoteLite(word)}: ${(e as Error).message}`);
    }
  }
}

function goQuoteLite(s: string): string {
  return JSON.stringify(s);
}

/** Expand one word with the default escape token. */
export function expandWord(word: string, env: EnvLookup, escapeToken = '\\'): string {
  return new ShellLex(escapeToken).processWord(word, env).result;
}
