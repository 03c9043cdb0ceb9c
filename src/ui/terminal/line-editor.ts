/**
 * The terminal's line editor: what readline does for bash, as a pure state machine.
 *
 *  - `parseKeys(data)` splits what xterm's `onData` delivers (typed keys, escape sequences, a
 *    pasted block) into editor keys;
 *  - `edit(state, key, history)` applies one editing key (insert, delete, cursor moves, kill and
 *    yank, history ↑/↓) and returns the next state; keys with effects outside the line (Enter,
 *    Tab, Ctrl+C, Ctrl+L, Ctrl+D on an empty line) are the session's business;
 *  - `renderFull` / `renderChange` turn states into the escape sequences that draw them after a
 *    prompt, also when the line wraps over several rows.
 *
 * Simplified: one column per character (no wide CJK glyphs or emoji), no reverse search (Ctrl+R),
 * no undo; a history entry spanning several lines (a here-document) is skipped by ↑/↓.
 */

export interface LineState {
  readonly buffer: string;
  /** Index into `buffer` (0 … buffer.length). */
  readonly cursor: number;
  /** The history entry shown while browsing with ↑/↓; null while editing a new line. */
  readonly historyIndex: number | null;
  /** The line being typed before ↑ was first pressed: ↓ past the newest entry brings it back. */
  readonly draft: string;
  /** The last text Ctrl+K/U/W removed, for Ctrl+Y. */
  readonly killed: string;
}

export const EMPTY_LINE: LineState = {
  buffer: '',
  cursor: 0,
  historyIndex: null,
  draft: '',
  killed: '',
};

/** A fresh line that keeps the kill ring (readline keeps it across lines). */
export const freshLine = (prev: LineState): LineState => ({ ...EMPTY_LINE, killed: prev.killed });

export type EditorKey =
  | { type: 'insert'; text: string }
  | {
      type:
        | 'enter'
        | 'tab'
        | 'backspace'
        | 'delete'
        | 'left'
        | 'right'
        | 'word-left'
        | 'word-right'
        | 'home'
        | 'end'
        | 'up'
        | 'down'
        | 'kill-to-end'
        | 'kill-to-start'
        | 'kill-word-back'
        | 'kill-word-forward'
        | 'yank'
        | 'interrupt'
        | 'clear-screen'
        | 'eof';
    };

type KeyType = Exclude<EditorKey, { type: 'insert' }>['type'];
const key = (type: KeyType): EditorKey => ({ type });

/** Control characters (as xterm sends them) → keys. Others are ignored. */
const CONTROL: Record<string, KeyType> = {
  '\r': 'enter',
  '\n': 'enter',
  '\t': 'tab',
  '\x7f': 'backspace',
  '\b': 'backspace', // Ctrl+H
  '\x01': 'home', // Ctrl+A
  '\x05': 'end', // Ctrl+E
  '\x02': 'left', // Ctrl+B
  '\x06': 'right', // Ctrl+F
  '\x0b': 'kill-to-end', // Ctrl+K
  '\x15': 'kill-to-start', // Ctrl+U
  '\x17': 'kill-word-back', // Ctrl+W
  '\x19': 'yank', // Ctrl+Y
  '\x10': 'up', // Ctrl+P
  '\x0e': 'down', // Ctrl+N
  '\x03': 'interrupt', // Ctrl+C
  '\x0c': 'clear-screen', // Ctrl+L
  '\x04': 'eof', // Ctrl+D
};

/** Escape sequences (normal and application cursor mode, with modifiers) → keys. */
const ESCAPES: Record<string, KeyType> = {
  '\x1b[A': 'up',
  '\x1bOA': 'up',
  '\x1b[B': 'down',
  '\x1bOB': 'down',
  '\x1b[C': 'right',
  '\x1bOC': 'right',
  '\x1b[D': 'left',
  '\x1bOD': 'left',
  '\x1b[H': 'home',
  '\x1bOH': 'home',
  '\x1b[1~': 'home',
  '\x1b[7~': 'home',
  '\x1b[F': 'end',
  '\x1bOF': 'end',
  '\x1b[4~': 'end',
  '\x1b[8~': 'end',
  '\x1b[3~': 'delete',
  '\x1b[1;5C': 'word-right', // Ctrl+→
  '\x1b[1;5D': 'word-left', // Ctrl+←
  '\x1b[1;3C': 'word-right', // Alt+→
  '\x1b[1;3D': 'word-left', // Alt+←
  '\x1bf': 'word-right', // Alt+F
  '\x1bb': 'word-left', // Alt+B
  '\x1bd': 'kill-word-forward', // Alt+D
  '\x1b\x7f': 'kill-word-back', // Alt+Backspace
};

/** One escape sequence at `i`: CSI (ESC [ params final), SS3 (ESC O x) or Alt+key (ESC x). */
function escapeAt(data: string, i: number): string {
  const next = data[i + 1];
  if (next === '[') {
    let j = i + 2;
    while (j < data.length && /[0-9;?]/.test(data[j] as string)) j++;
    return data.slice(i, Math.min(j + 1, data.length));
  }
  if (next === 'O') return data.slice(i, i + 3);
  if (next === undefined) return '\x1b';
  return data.slice(i, i + 2);
}

/**
 * Split one `onData` chunk into keys. A chunk of several characters that is no escape sequence
 * is a paste (xterm delivers each typed key on its own): its tabs are inserted as text instead of completing (bash without bracketed paste would
 * complete; a pasted manifest is better served this way), and every line break is an Enter, so
 * each pasted line runs in turn or feeds a here-document.
 */
export function parseKeys(data: string): EditorKey[] {
  const paste = data.length > 1 && !data.startsWith('\x1b');
  // A pasted CRLF is one line break.
  const text = paste ? data.replace(/\r\n/g, '\r') : data;
  const keys: EditorKey[] = [];
  let run = '';
  const flush = (): void => {
    if (run) keys.push({ type: 'insert', text: run });
    run = '';
  };
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c === '\x1b') {
      flush();
      const seq = escapeAt(text, i);
      const k = ESCAPES[seq];
      if (k) keys.push(key(k));
      i += seq.length;
      continue;
    }
    if (paste && c === '\t') {
      run += c;
    } else if (c < ' ' || c === '\x7f') {
      flush();
      const k = CONTROL[c];
      if (k) keys.push(key(k));
    } else {
      run += c;
    }
    i++;
  }
  flush();
  return keys;
}

const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Start of the word before `i` (readline's backward-word: alphanumerics). */
export function wordLeft(s: string, i: number): number {
  let j = i;
  while (j > 0 && !isWordChar(s[j - 1])) j--;
  while (j > 0 && isWordChar(s[j - 1])) j--;
  return j;
}

/** End of the word after `i` (readline's forward-word). */
export function wordRight(s: string, i: number): number {
  let j = i;
  while (j < s.length && !isWordChar(s[j])) j++;
  while (j < s.length && isWordChar(s[j])) j++;
  return j;
}

/** Start of the whitespace-delimited word before `i` (Ctrl+W: unix-word-rubout). */
function ruboutStart(s: string, i: number): number {
  let j = i;
  while (j > 0 && /\s/.test(s[j - 1] as string)) j--;
  while (j > 0 && !/\s/.test(s[j - 1] as string)) j--;
  return j;
}

/** The history ↑/↓ walks: single-line entries only. */
const recallable = (history: readonly string[]): string[] =>
  history.filter((h) => !h.includes('\n'));

const setLine = (s: LineState, buffer: string, cursor = buffer.length): LineState => ({
  ...s,
  buffer,
  cursor,
});

/**
 * Apply one editing key. Keys the editor does not handle by itself (enter, tab, interrupt,
 * clear-screen, eof on an empty line) leave the state as it is.
 */
export function edit(s: LineState, k: EditorKey, history: readonly string[] = []): LineState {
  const { buffer: b, cursor: c } = s;
  switch (k.type) {
    case 'insert': {
      const text = k.text.replace(/[\r\n]/g, '');
      return setLine(s, b.slice(0, c) + text + b.slice(c), c + text.length);
    }
    case 'backspace':
      return c === 0 ? s : setLine(s, b.slice(0, c - 1) + b.slice(c), c - 1);
    case 'delete':
      return c === b.length ? s : setLine(s, b.slice(0, c) + b.slice(c + 1), c);
    case 'eof':
      // Ctrl+D deletes the character under the cursor; on an empty line it is end-of-file.
      return b === '' ? s : edit(s, key('delete'));
    case 'left':
      return { ...s, cursor: Math.max(0, c - 1) };
    case 'right':
      return { ...s, cursor: Math.min(b.length, c + 1) };
    case 'word-left':
      return { ...s, cursor: wordLeft(b, c) };
    case 'word-right':
      return { ...s, cursor: wordRight(b, c) };
    case 'home':
      return { ...s, cursor: 0 };
    case 'end':
      return { ...s, cursor: b.length };
    case 'kill-to-end':
      return c === b.length ? s : { ...setLine(s, b.slice(0, c), c), killed: b.slice(c) };
    case 'kill-to-start':
      return c === 0 ? s : { ...setLine(s, b.slice(c), 0), killed: b.slice(0, c) };
    case 'kill-word-back': {
      const from = ruboutStart(b, c);
      if (from === c) return s;
      return { ...setLine(s, b.slice(0, from) + b.slice(c), from), killed: b.slice(from, c) };
    }
    case 'kill-word-forward': {
      const to = wordRight(b, c);
      if (to === c) return s;
      return { ...setLine(s, b.slice(0, c) + b.slice(to), c), killed: b.slice(c, to) };
    }
    case 'yank':
      return s.killed ? edit(s, { type: 'insert', text: s.killed }) : s;
    case 'up': {
      const h = recallable(history);
      if (h.length === 0) return s;
      if (s.historyIndex === null) {
        return { ...setLine(s, h[h.length - 1] as string), historyIndex: h.length - 1, draft: b };
      }
      if (s.historyIndex <= 0) return s;
      const i = Math.min(s.historyIndex, h.length) - 1;
      return { ...setLine(s, h[i] as string), historyIndex: i };
    }
    case 'down': {
      if (s.historyIndex === null) return s;
      const h = recallable(history);
      const i = s.historyIndex + 1;
      if (i >= h.length) return { ...setLine(s, s.draft), historyIndex: null, draft: '' };
      return { ...setLine(s, h[i] as string), historyIndex: i };
    }
    default:
      return s;
  }
}

// ------------------------------------------------------------------ rendering

/**
 * Where character `i` of the line sits when the line follows a prompt `promptWidth` columns wide
 * that starts in column 0: rows below the prompt's row, and column.
 */
export function positionOf(
  promptWidth: number,
  i: number,
  cols: number,
): { row: number; col: number } {
  const o = promptWidth + i;
  return { row: Math.floor(o / cols), col: o % cols };
}

/** Move the cursor from character `from` of the line to character `to`. */
export function moveCursor(promptWidth: number, from: number, to: number, cols: number): string {
  const a = positionOf(promptWidth, from, cols);
  const b = positionOf(promptWidth, to, cols);
  let s = '';
  if (b.row < a.row) s += `\x1b[${a.row - b.row}A`;
  else if (b.row > a.row) s += `\x1b[${b.row - a.row}B`;
  if (b.col !== a.col) s += `\x1b[${b.col + 1}G`;
  return s;
}

/**
 * After text that ends exactly at the right margin, the terminal's cursor waits in the last column
 * ("pending wrap") instead of moving to the next row. Print a space (which wraps), step back over
 * it and erase it, so that the cursor really is where the arithmetic above says: the way readline
 * does it.
 */
function settleWrap(promptWidth: number, end: number, cols: number): string {
  const o = promptWidth + end;
  return o > 0 && o % cols === 0 ? ' \b\x1b[K' : '';
}

/** Draw a prompt and a line from column 0, leaving the cursor at the line's cursor. */
export function renderFull(prompt: string, s: LineState, cols: number): string {
  const w = prompt.length;
  return (
    prompt +
    s.buffer +
    settleWrap(w, s.buffer.length, cols) +
    moveCursor(w, s.buffer.length, s.cursor, cols)
  );
}

/** Redraw what changed from `prev` (what is on screen) to `next`, from the first difference on. */
export function renderChange(
  promptWidth: number,
  prev: LineState,
  next: LineState,
  cols: number,
): string {
  const a = prev.buffer;
  const b = next.buffer;
  if (a === b) return moveCursor(promptWidth, prev.cursor, next.cursor, cols);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  let out = moveCursor(promptWidth, prev.cursor, common, cols);
  out += b.slice(common);
  out += settleWrap(promptWidth, b.length, cols);
  if (b.length < a.length) out += '\x1b[J';
  out += moveCursor(promptWidth, b.length, next.cursor, cols);
  return out;
}

/** Move from the cursor to the end of the line, ready for the line break Enter prints. */
export function toLineEnd(promptWidth: number, s: LineState, cols: number): string {
  return moveCursor(promptWidth, s.cursor, s.buffer.length, cols);
}

/** Whether the end of the line falls exactly on a row boundary (the cursor is already below). */
export function endsAtMargin(promptWidth: number, s: LineState, cols: number): boolean {
  const o = promptWidth + s.buffer.length;
  return o > 0 && o % cols === 0;
}

/** Bash's listing of completions: sorted down the columns, as wide as the terminal allows. */
export function columnate(items: readonly string[], cols: number): string {
  if (items.length === 0) return '';
  const width = Math.max(...items.map((i) => i.length)) + 2;
  const perRow = Math.max(1, Math.floor((cols + 2) / width));
  const rows = Math.ceil(items.length / perRow);
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item === undefined) continue;
      const last = (c + 1) * rows + r >= items.length;
      line += last ? item : item.padEnd(width);
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}
