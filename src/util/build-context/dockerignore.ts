/**
 * `.dockerignore` as Docker reads and applies it (moby/patternmatcher and its ignorefile):
 * filepath.Match patterns (`*`, `?`, `[a-z]`, `\` escapes) plus `**` for any number of
 * directories, `!` exceptions, the last matching pattern wins, a pattern that matches a
 * directory matches everything below it. Patterns are cleaned (`./a/../b` → `b`) and a
 * leading `/` is dropped: everything is relative to the context root.
 */

/** Go's path.Clean: "" → ".", no trailing slash, "." and ".." resolved lexically. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = out.join('/');
  return rooted ? '/' + s : s === '' ? '.' : s;
}

/** The patterns of a .dockerignore file (BOM, comments and blank lines dropped, paths cleaned). */
export function readDockerignore(text: string): string[] {
  const out: string[] = [];
  const lines = text.split('\n');
  if (lines.length && lines[0].startsWith('\ufeff')) lines[0] = lines[0].slice(1);
  for (const raw of lines) {
    // comments are recognised before trimming: " # x" is a pattern
    if (raw.startsWith('#')) continue;
    let p = raw.trim();
    if (p === '') continue;
    const invert = p[0] === '!';
    if (invert) p = p.slice(1).trim();
    if (p.length > 0) {
      p = cleanPath(p);
      if (p.length > 1 && p[0] === '/') p = p.slice(1);
    }
    out.push(invert ? '!' + p : p);
  }
  return out;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

export class Pattern {
  readonly dirs: string[];
  private type: MatchType = 'exact';
  private re: RegExp | null = null;

  constructor(readonly cleaned: string, readonly exclusion: boolean) {
    this.dirs = cleaned.split('/');
    this.compile();
  }

  private compile(): void {
    let reStr = '^';
    let type: MatchType = 'exact';
    const chars = Array.from(this.cleaned);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === '*') {
        if (chars[i + 1] === '*') {
          const first = i === 0;
          i++;
          if (chars[i + 1] === '/') i++;
          if (i + 1 >= chars.length) {
            if (type === 'exact') type = 'prefix';
            else { reStr += '.*'; type = 'regexp'; }
          } else {
            reStr += '(.*/)?';
            type = 'regexp';
          }
          if (first) type = 'suffix';
        } else {
          reStr += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        reStr += '[^/]';
        type = 'regexp';
      } else if ('.+()|{}$'.includes(ch)) {
        reStr += '\\' + ch;
      } else if (ch === '\\') {
        if (i + 1 < chars.length) {
          const n = chars[++i];
          reStr += /[A-Za-z0-9]/.test(n) ? n : '\\' + n;
          type = 'regexp';
        } else {
          reStr += '\\\\';
        }
      } else if (ch === '[' || ch === ']') {
        reStr += ch;
        type = 'regexp';
      } else {
        reStr += ch;
      }
    }
    this.type = type;
    if (type === 'regexp') {
      // Go's classes negate with ^ only; `[!x]` is literal in Go too
      try {
        this.re = new RegExp(reStr + '$', 's');
      } catch {
        throw new Error('syntax error in pattern');
      }
    }
  }

  match(path: string): boolean {
    switch (this.type) {
      case 'exact': return path === this.cleaned;
      case 'prefix': return path.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        if (path.endsWith(suffix)) return true;
        return suffix[0] === '/' && path === suffix.slice(1);
      }
      default: return (this.re as RegExp).test(path);
    }
  }
}

/** Per-pattern results of a directory, handed down to its children. */
export type MatchInfo = boolean[];

export class PatternMatcher {
  readonly patterns: Pattern[] = [];
  readonly exclusions: boolean;

  constructor(patterns: readonly string[]) {
    let exclusions = false;
    for (let p of patterns) {
      p = p.trim();
      if (p === '') continue;
      p = cleanPath(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) throw new Error('illegal exclusion pattern: "!"');
        exclusion = true;
        exclusions = true;
        p = p.slice(1);
      }
      this.patterns.push(new Pattern(p, exclusion));
    }
    this.exclusions = exclusions;
  }

  /** Whether `file` (relative, slash-separated) is excluded; parents' matches count. */
  matches(file: string): boolean {
    file = cleanPath(file);
    if (file === '.') return false;
    const slash = file.lastIndexOf('/');
    const parentDirs = slash < 0 ? null : file.slice(0, slash).split('/');
    let matched = false;
    for (const p of this.patterns) {
      if (p.exclusion !== matched) continue;
      let m = p.match(file);
      if (!m && parentDirs) {
        for (let i = 0; i < parentDirs.length && !m; i++) m = p.match(parentDirs.slice(0, i + 1).join('/'));
      }
      if (m) matched = !p.exclusion;
    }
    return matched;
  }

  /** As matches, reusing the parent directory's per-pattern results during a walk. */
  matchesUsingParentResults(file: string, parent: MatchInfo | null): { matched: boolean; info: MatchInfo } {
    let matched = false;
    const info: MatchInfo = new Array(this.patterns.length).fill(false);
    this.patterns.forEach((p, i) => {
      let m = parent ? parent[i] : false;
      if (!m) {
        if (p.exclusion !== matched) return;
        m = p.match(file);
      }
      info[i] = m;
      if (m) matched = !p.exclusion;
    });
    return { matched, info };
  }
}

/**
 * The docker CLI always sends .dockerignore and the Dockerfile, whatever the patterns say
 * (cli/command/image/build TrimBuildFilesFromExcludes).
 */
export function keepBuildFiles(excludes: readonly string[], dockerfile: string, dockerfileFromStdin = false): string[] {
  const out = [...excludes];
  if (new PatternMatcher(out).matches('.dockerignore')) out.push('!.dockerignore');
  const df = dockerfile.replace(/\\/g, '/');
  if (!dockerfileFromStdin && new PatternMatcher(out).matches(df)) out.push('!' + df);
  return out;
}
