// Go's strconv.Unquote for "..." , `...` and '...' literals in templates.

const SIMPLE: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/** Unquotes a Go string/raw/char literal; null when the syntax is invalid. */
export function unquoteGo(q: string): string | null {
  if (q.length < 2) return null;
  const quote = q[0];
  if (q[q.length - 1] !== quote) return null;
  const body = q.slice(1, -1);
  if (quote === '`') return body.includes('`') ? null : body.replace(/\r/g, '');
  if (quote !== '"' && quote !== "'") return null;
  let out = '';
  // Escapes \x and octal produce bytes; collect them and decode as UTF-8 like Go strings.
  let bytes: number[] = [];
  const flush = (): void => { if (bytes.length) { out += Buffer.from(bytes).toString('utf8'); bytes = []; } };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === quote || c === '\n') return null;
    if (c !== '\\') { flush(); out += c; continue; }
    const e = body[++i];
    if (e === undefined) return null;
    if (e in SIMPLE) {
      if ((e === "'" && quote === '"') || (e === '"' && quote === "'")) return null;
      flush(); out += SIMPLE[e]; continue;
    }
    if (e === 'x') {
      const h = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) return null;
      bytes.push(parseInt(h, 16)); i += 2; continue;
    }
    if (/[0-7]/.test(e)) {
      const o = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(o) || parseInt(o, 8) > 255) return null;
      bytes.push(parseInt(o, 8)); i += 2; continue;
    }
    if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const h = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) return null;
      const cp = parseInt(h, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return null;
      flush(); out += String.fromCodePoint(cp); i += n; continue;
    }
    return null;
  }
  flush();
  return out;
}
