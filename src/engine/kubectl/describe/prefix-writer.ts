/**
 * The writer every describer prints through: text at an indentation level of two spaces per
 * level, with tabs separating the columns a tabwriter aligns.
 *
 * Models kubectl pkg/describe/describe.go PrefixWriter / prefixWriter / tabbedString and
 * cli-runtime printers.WriteEscaped. Two sinks:
 *  - `tabbedString(fn)`: through a tabwriter (padding 2), as `kubectl describe` prints;
 *  - `rawPrefixWriter()`: straight into a string, tabs and all, as `kubectl rollout history
 *    --revision=N` prints a pod template (rollout_history.go printTemplate writes through a plain
 *    PrefixWriter, which is why its output shows raw tab stops).
 */
import { TabWriter } from './tabwriter';

export const LEVEL_0 = 0;
export const LEVEL_1 = 1;
export const LEVEL_2 = 2;
export const LEVEL_3 = 3;
export const LEVEL_4 = 4;

export interface PrefixWriter {
  /** Write `text` (already formatted) after two spaces per level. */
  write(level: number, text: string): void;
  /** fmt.Sprintln: the text and a newline, with no indentation. */
  writeLine(text?: string): void;
  /** Format what was written so far, if the sink aligns columns (DescribeEvents does this). */
  flush(): void;
}

/**
 * printers.EscapeTerminal: ESC and CR would let an object's fields drive the user's terminal, so
 * kubectl prints them as `^[` and `\r`.
 */
export function escapeTerminal(s: string): string {
  if (!s.includes('\x1b') && !s.includes('\r')) return s;
  return s.replaceAll('\x1b', '^[').replaceAll('\r', '\\r');
}

const INDENTS = ['', '  ', '    ', '      ', '        '];

function indent(level: number): string {
  return INDENTS[level] ?? '  '.repeat(level);
}

interface Sink {
  write(text: string): void;
  flush?(): void;
}

class SinkPrefixWriter implements PrefixWriter {
  constructor(private readonly sink: Sink) {}
  write(level: number, text: string): void {
    this.sink.write(escapeTerminal(indent(level) + text));
  }
  writeLine(text = ''): void {
    this.sink.write(escapeTerminal(text + '\n'));
  }
  flush(): void {
    this.sink.flush?.();
  }
}

/** A PrefixWriter into a plain string (no alignment): `w.toString()` returns what was written. */
export function rawPrefixWriter(): PrefixWriter & { toString(): string } {
  const parts: string[] = [];
  const w = new SinkPrefixWriter({ write: (t) => parts.push(t) });
  return Object.assign(w, { toString: () => parts.join('') });
}

/** Describe through a tabwriter and return the aligned text (describe.go tabbedString). */
export function tabbedString(fn: (w: PrefixWriter) => void): string {
  const tw = new TabWriter();
  fn(new SinkPrefixWriter(tw));
  return tw.toString();
}
