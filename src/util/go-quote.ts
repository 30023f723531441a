/** Go's strconv.Quote, for the texts Docker prints with %q (templates, builder history, errors). */

/** strconv.Quote: Go double-quoted string with Go's escapes. */
export function goQuote(s: string): string {
  const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (named[ch]) out += named[ch];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if ((cp >= 0x80 && cp < 0xa0) || cp === 0xad || (cp >= 0xd800 && cp < 0xe000)) out += cp >= 0xd800 ? '\\ufffd' : '\\u' + cp.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}
