/**
 * Go's text/tabwriter, as `kubectl describe` configures it: `tabwriter.NewWriter(buf, 0, 8, 2, ' ',
 * 0)` (minwidth 0, tabwidth 8, padding 2, pad with spaces, no flags).
 *
 * Models go/src/text/tabwriter/tabwriter.go (Write, terminateCell, Flush, format, writeLines):
 *  - text is cut into cells by tabs; a cell is the text *before* a tab, so the last cell of a line
 *    (the text between the last tab and the newline) is never aligned and never padded;
 *  - a column block is a run of consecutive lines that all have a cell in that column; the block's
 *    width is its widest cell plus the padding, and every cell of the block is padded to it with
 *    spaces (trailing spaces included: `    Container ID:   ` for a container that has none);
 *  - a line without any tab ends every block (tabwriter even flushes there), so `Containers:` in
 *    a pod description starts a fresh alignment below it;
 *  - cell widths count runes (utf8.RuneCount), not bytes or display columns.
 *
 * Left out: the flags kubectl does not use (AlignRight, DiscardEmptyColumns, TabIndent, Debug,
 * FilterHTML, StripEscape), escaped text (0xff) and the `\v` / `\f` separators.
 */

interface Cell {
  text: string;
  /** Runes in the text. */
  width: number;
}

export interface TabWriterOptions {
  minwidth: number;
  padding: number;
  padchar: string;
}

/** kubectl describe's settings (describe.go tabbedString). */
export const DESCRIBE_TABWRITER: TabWriterOptions = { minwidth: 0, padding: 2, padchar: ' ' };

function runeCount(s: string): number {
  // Fast path: UTF-16 length equals the rune count unless the text has surrogate pairs.
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

export class TabWriter {
  private out: string[] = [];
  /** Completed lines of the current section, each a list of cells; the last is being built. */
  private lines: Cell[][] = [[]];
  /** The text of the cell being built. */
  private cell = '';
  private widths: number[] = [];

  constructor(private readonly opts: TabWriterOptions = DESCRIBE_TABWRITER) {}

  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch !== 9 && ch !== 10) continue; // '\t', '\n'
      this.cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell();
      if (ch === 10) {
        this.lines.push([]);
        // A line of one cell cannot influence the formatting of the lines after it (its only
        // cell is a last cell): tabwriter flushes everything buffered so far.
        if (ncells === 1) this.flushSection();
      }
    }
    this.cell += text.slice(start);
  }

  /** Format what is buffered (Flush); alignment starts afresh after it. */
  flush(): void {
    if (this.cell.length > 0) this.terminateCell();
    this.flushSection();
  }

  /** Flush and return everything written. */
  toString(): string {
    this.flush();
    return this.out.join('');
  }

  private terminateCell(): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: runeCount(this.cell) });
    this.cell = '';
    return line.length;
  }

  private flushSection(): void {
    this.format(0, this.lines.length);
    this.lines = [[]];
  }

  // Models tabwriter.go format: find the column blocks left to right, recursively.
  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let i = line0; i < line1; i++) {
      let line = this.lines[i]!;
      if (column >= line.length - 1) continue;
      // A cell in this column: the block starts here. Print the lines before it.
      this.writeLines(line0, i);
      line0 = i;
      let width = this.opts.minwidth;
      for (; i < line1; i++) {
        line = this.lines[i]!;
        if (column >= line.length - 1) break;
        const w = line[column]!.width + this.opts.padding;
        if (w > width) width = w;
      }
      this.widths.push(width);
      this.format(line0, i);
      this.widths.pop();
      line0 = i;
      i--; // the loop's i++ must look at the line that ended the block
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    const { padchar } = this.opts;
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      for (let j = 0; j < line.length; j++) {
        const c = line[j]!;
        if (c.text.length > 0) this.out.push(c.text);
        if (j < this.widths.length) this.out.push(padchar.repeat(this.widths[j]! - c.width));
      }
      // The last buffered line has no newline yet (the text after the final '\n').
      if (i + 1 < this.lines.length) this.out.push('\n');
    }
  }
}

/** Run `fn` against a fresh tabwriter and return the formatted text (describe.go tabbedString). */
export function tabbed(fn: (w: TabWriter) => void, opts?: TabWriterOptions): string {
  const w = new TabWriter(opts);
  fn(w);
  return w.toString();
}
