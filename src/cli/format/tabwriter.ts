// Go's text/tabwriter as docker's CLI forks it (cli/command/formatter/tabwriter), for the
// options docker uses (padchar ' ', flags 0): cells are tab-terminated, the last cell of a
// line is not part of a column, a column block is a run of consecutive lines that all have a
// cell in that column, and widths are terminal columns (go-runewidth: CJK counts 2).

export interface TabWriterOptions {
  minWidth: number; // minimal cell width including padding
  padding: number; // added to the widest cell of a column
  padChar?: string; // ' ' (tab padding is not supported)
}

/** docker's tabwriter.NewWriter(out, 10, 1, 3, ' ', 0). */
export const DOCKER_TABLE: TabWriterOptions = { minWidth: 10, padding: 3 };

const WIDE: Array<[number, number]> = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff],
  [0xa000, 0xa4cf], [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60],
  [0xffe0, 0xffe6], [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

/** Display width of a string in terminal columns, like go-runewidth's StringWidth. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || /\p{M}|[\u200b-\u200f\ufe00-\ufe0f]/u.test(ch)) continue;
    w += WIDE.some(([a, b]) => cp >= a && cp <= b) ? 2 : 1;
  }
  return w;
}

const width = displayWidth;

/** Aligns the tab-separated cells of `text` like a Go tabwriter that is written `text` then flushed. */
export function tabwrite(text: string, opts: TabWriterOptions = DOCKER_TABLE): string {
  const pad = opts.padChar ?? ' ';
  const lines = text.split('\n').map((l) => l.split('\t'));
  const out: string[] = [];
  const widths: number[] = [];

  const writeLines = (line0: number, line1: number): void => {
    for (let i = line0; i < line1; i++) {
      const cells = lines[i];
      let s = '';
      cells.forEach((c, j) => {
        s += c;
        if (j < widths.length && j < cells.length - 1) s += pad.repeat(Math.max(widths[j] - width(c), 0));
      });
      out.push(s);
    }
  };

  const format = (line0: number, line1: number): void => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t].length - 1) continue;
      // This line has a cell in `column`: print the lines before it, then size the block.
      writeLines(line0, t);
      line0 = t;
      let w = opts.minWidth;
      for (; t < line1; t++) {
        const cells = lines[t];
        if (column >= cells.length - 1) break;
        w = Math.max(w, width(cells[column]) + opts.padding);
      }
      widths.push(w);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n');
}
