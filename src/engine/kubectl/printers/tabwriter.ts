/**
 * Column alignment as kubectl does it: Go's text/tabwriter (cli-runtime printers.GetNewTabWriter:
 * minwidth 6, tabwidth 4, padding 3, pad character ' '). Cells are separated by tabs; every cell
 * but the last of a line belongs to a column, whose width is the widest cell plus 3 (at least 6).
 * The last cell of a line is written as is, so lines carry no trailing padding unless their last
 * cell is empty.
 *
 * Models text/tabwriter Writer.format for the tables kubectl prints, where every line of one
 * flush has the same number of cells (one column block per column). Widths are counted in code
 * points, as tabwriter counts runes.
 */

const MIN_WIDTH = 6;
const PADDING = 3;

function width(s: string): number {
  // Fast path for ASCII, which is nearly everything kubectl prints.
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return [...s].length;
  return s.length;
}

/** Align rows of cells into lines, each ending with a newline. */
export function tabulate(rows: readonly (readonly string[])[]): string {
  if (rows.length === 0) return '';
  const widths: number[] = [];
  for (const row of rows) {
    // Only tab-terminated cells (all but the last) size a column.
    for (let c = 0; c < row.length - 1; c++) {
      const w = width(row[c]!) + PADDING;
      if (w > (widths[c] ?? MIN_WIDTH)) widths[c] = w;
      else if (widths[c] === undefined) widths[c] = MIN_WIDTH;
    }
  }
  const out: string[] = [];
  for (const row of rows) {
    let line = '';
    for (let c = 0; c < row.length; c++) {
      const cell = row[c]!;
      line += cell;
      if (c < row.length - 1) line += ' '.repeat(widths[c]! - width(cell));
    }
    out.push(line);
  }
  return out.join('\n') + '\n';
}
