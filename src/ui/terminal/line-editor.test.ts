import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EditorKey, LineState } from './line-editor';
import {
  columnate,
  edit,
  EMPTY_LINE,
  parseKeys,
  positionOf,
  renderChange,
  renderFull,
  wordLeft,
  wordRight,
} from './line-editor';
import { ScreenModel } from './screen-model';

/** A line from a picture: `|` marks the cursor. */
function line(picture: string, more: Partial<LineState> = {}): LineState {
  const cursor = picture.indexOf('|');
  return { ...EMPTY_LINE, buffer: picture.replace('|', ''), cursor, ...more };
}
const picture = (s: LineState): string =>
  s.buffer.slice(0, s.cursor) + '|' + s.buffer.slice(s.cursor);
const k = (type: Exclude<EditorKey, { type: 'insert' }>['type']): EditorKey => ({ type });

describe('parseKeys', () => {
  it.each<[string, string, EditorKey[]]>([
    ['a typed letter', 'a', [{ type: 'insert', text: 'a' }]],
    ['Enter', '\r', [k('enter')]],
    ['Backspace', '\x7f', [k('backspace')]],
    ['Tab', '\t', [k('tab')]],
    ['arrows', '\x1b[A\x1b[B\x1b[C\x1b[D', [k('up'), k('down'), k('right'), k('left')]],
    ['application-mode arrows', '\x1bOA\x1bOD', [k('up'), k('left')]],
    ['Home/End', '\x1b[H\x1b[F\x1b[1~\x1b[4~', [k('home'), k('end'), k('home'), k('end')]],
    ['Delete', '\x1b[3~', [k('delete')]],
    ['Ctrl+arrows', '\x1b[1;5D\x1b[1;5C', [k('word-left'), k('word-right')]],
    ['Alt+B/F/D', '\x1bb\x1bf\x1bd', [k('word-left'), k('word-right'), k('kill-word-forward')]],
    [
      'Ctrl+A/E/K/U/W/Y',
      '\x01\x05\x0b\x15\x17\x19',
      [k('home'), k('end'), k('kill-to-end'), k('kill-to-start'), k('kill-word-back'), k('yank')],
    ],
    ['Ctrl+C/L/D', '\x03\x0c\x04', [k('interrupt'), k('clear-screen'), k('eof')]],
    ['an unknown escape', '\x1b[15~', []],
    ['Escape alone', '\x1b', []],
    [
      'a pasted block: lines become Enters, tabs stay text',
      'cat <<EOF\r\tx: 1\r\nEOF\r',
      [
        { type: 'insert', text: 'cat <<EOF' },
        k('enter'),
        { type: 'insert', text: '\tx: 1' },
        k('enter'),
        { type: 'insert', text: 'EOF' },
        k('enter'),
      ],
    ],
    ['a pasted word', 'kubectl', [{ type: 'insert', text: 'kubectl' }]],
  ])('%s', (_name, data, keys) => {
    expect(parseKeys(data)).toEqual(keys);
  });
});

describe('edit', () => {
  it.each<[string, string, EditorKey, string]>([
    ['insert in the middle', 'ab|cd', { type: 'insert', text: 'XY' }, 'abXY|cd'],
    ['insert drops line breaks', 'a|', { type: 'insert', text: 'b\nc' }, 'abc|'],
    ['backspace', 'ab|c', k('backspace'), 'a|c'],
    ['backspace at the start', '|abc', k('backspace'), '|abc'],
    ['delete', 'a|bc', k('delete'), 'a|c'],
    ['delete at the end', 'abc|', k('delete'), 'abc|'],
    ['Ctrl+D deletes under the cursor', 'a|bc', k('eof'), 'a|c'],
    ['left', 'ab|', k('left'), 'a|b'],
    ['left at the start', '|ab', k('left'), '|ab'],
    ['right', '|ab', k('right'), 'a|b'],
    ['right at the end', 'ab|', k('right'), 'ab|'],
    ['home', 'kubectl get| pods', k('home'), '|kubectl get pods'],
    ['end', 'kub|ectl get pods', k('end'), 'kubectl get pods|'],
    ['word left', 'kubectl get pods|', k('word-left'), 'kubectl get |pods'],
    ['word left over dashes', 'get --all-namespaces|', k('word-left'), 'get --all-|namespaces'],
    ['word right', '|kubectl get', k('word-right'), 'kubectl| get'],
    ['Ctrl+K', 'kubectl |get pods', k('kill-to-end'), 'kubectl |'],
    ['Ctrl+U', 'kubectl |get pods', k('kill-to-start'), '|get pods'],
    ['Ctrl+W', 'kubectl get po|ds', k('kill-word-back'), 'kubectl get |ds'],
    ['Ctrl+W over blanks', 'kubectl get   |', k('kill-word-back'), 'kubectl |'],
    ['Ctrl+W takes -f x.yml as words', 'apply -f x.yml|', k('kill-word-back'), 'apply -f |'],
    ['Alt+D', 'kubectl |get pods', k('kill-word-forward'), 'kubectl | pods'],
  ])('%s', (_name, before, key, after) => {
    expect(picture(edit(line(before), key))).toBe(after);
  });

  it('Ctrl+K then Ctrl+Y puts the text back (the kill ring)', () => {
    let s = line('kubectl |get pods');
    s = edit(s, k('kill-to-end'));
    expect(s.killed).toBe('get pods');
    s = edit(s, k('home'));
    s = edit(s, k('yank'));
    expect(picture(s)).toBe('get pods|kubectl ');
  });

  it('keys with effects outside the line change nothing', () => {
    const s = line('ab|c');
    for (const t of ['enter', 'tab', 'interrupt', 'clear-screen'] as const) {
      expect(edit(s, k(t))).toBe(s);
    }
    expect(edit(EMPTY_LINE, k('eof'))).toBe(EMPTY_LINE);
  });

  describe('history', () => {
    const history = ['kubectl get nodes', 'cat <<EOF\nx\nEOF', 'ls', 'kubectl get pods'];

    it('↑ walks back from the newest entry, skipping multi-line ones; ↓ returns to the draft', () => {
      let s = line('kub|');
      const seen: string[] = [];
      for (let i = 0; i < 4; i++) {
        s = edit(s, k('up'), history);
        seen.push(picture(s));
      }
      expect(seen).toEqual([
        'kubectl get pods|',
        'ls|',
        'kubectl get nodes|',
        'kubectl get nodes|',
      ]);
      const back: string[] = [];
      for (let i = 0; i < 4; i++) {
        s = edit(s, k('down'), history);
        back.push(picture(s));
      }
      expect(back).toEqual(['ls|', 'kubectl get pods|', 'kub|', 'kub|']);
      expect(s.historyIndex).toBe(null);
    });

    it('↑ with no history and ↓ on a new line do nothing', () => {
      const s = line('x|');
      expect(edit(s, k('up'), [])).toBe(s);
      expect(edit(s, k('down'), history)).toBe(s);
    });
  });
});

describe('wordLeft / wordRight', () => {
  it.each<[string, number, number, number]>([
    ['kubectl get pods', 16, 12, 16],
    ['kubectl get pods', 8, 0, 11],
    ['a--b', 2, 0, 4],
  ])('%s at %i', (s, i, left, right) => {
    expect(wordLeft(s, i)).toBe(left);
    expect(wordRight(s, i)).toBe(right);
  });
});

describe('positionOf', () => {
  it.each<[number, number, number, { row: number; col: number }]>([
    [20, 0, 80, { row: 0, col: 20 }],
    [20, 59, 80, { row: 0, col: 79 }],
    [20, 60, 80, { row: 1, col: 0 }],
    [20, 145, 80, { row: 2, col: 5 }],
  ])('prompt %i, char %i, %i columns', (w, i, cols, pos) => {
    expect(positionOf(w, i, cols)).toEqual(pos);
  });
});

/** What the screen shows for prompt + line: the rows of the wrapped text. */
function expectedRows(prompt: string, buffer: string, cols: number): string {
  const all = prompt + buffer;
  const rows: string[] = [];
  for (let i = 0; i < all.length || i === 0; i += cols) rows.push(all.slice(i, i + cols));
  if (all.length > 0 && all.length % cols === 0) rows.push('');
  return rows
    .map((r) => r.trimEnd())
    .join('\n')
    .replace(/\n+$/, '');
}

describe('rendering', () => {
  it('draws a line that wraps and puts the cursor where the line says', () => {
    const screen = new ScreenModel(10);
    const s = line('kubectl get| pods');
    screen.write(renderFull('$ ', s, 10));
    expect(screen.text()).toBe('$ kubectl\nget pods');
    expect({ x: screen.x, y: screen.y }).toEqual({ x: 3, y: 1 });
  });

  it('a line ending exactly at the margin leaves the cursor on the next row', () => {
    const screen = new ScreenModel(10);
    screen.write(renderFull('$ ', line('12345678|'), 10));
    expect(screen.text()).toBe('$ 12345678');
    expect({ x: screen.x, y: screen.y }).toEqual({ x: 0, y: 1 });
  });

  it('typing at the end writes just the character', () => {
    expect(renderChange(2, line('ab|'), line('abc|'), 80)).toBe('c');
  });

  const keyArb: fc.Arbitrary<EditorKey> = fc.oneof(
    fc.record({
      type: fc.constant('insert' as const),
      text: fc.stringMatching(/^[a-z -]{1,12}$/),
    }),
    fc.constantFrom<EditorKey>(
      k('backspace'),
      k('delete'),
      k('left'),
      k('right'),
      k('word-left'),
      k('word-right'),
      k('home'),
      k('end'),
      k('kill-to-end'),
      k('kill-to-start'),
      k('kill-word-back'),
      k('yank'),
      k('up'),
      k('down'),
    ),
  );

  it('after any edits the screen shows prompt + line, wrapped, with the cursor in place', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 16 }),
        fc.stringMatching(/^[a-z#$ ]{0,9}$/),
        fc.array(keyArb, { maxLength: 40 }),
        (cols, prompt, keys) => {
          const history = ['kubectl get pods -o wide --all-namespaces', 'ls'];
          const screen = new ScreenModel(cols);
          let s = EMPTY_LINE;
          screen.write(renderFull(prompt, s, cols));
          for (const key of keys) {
            const next = edit(s, key, history);
            screen.write(renderChange(prompt.length, s, next, cols));
            s = next;
          }
          expect(screen.text()).toBe(expectedRows(prompt, s.buffer, cols));
          const pos = positionOf(prompt.length, s.cursor, cols);
          expect({ x: screen.x, y: screen.y }).toEqual({ x: pos.col, y: pos.row });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('columnate', () => {
  it('sorts down the columns, as bash lists completions', () => {
    const items = ['apply', 'create', 'delete', 'describe', 'exec', 'get', 'logs'];
    expect(columnate(items, 40)).toBe(
      ['apply     delete    exec      logs', 'create    describe  get'].join('\n'),
    );
  });

  it('one per row when the terminal is narrow', () => {
    expect(columnate(['deployments', 'deploy'], 12)).toBe('deployments\ndeploy');
  });

  it('nothing to list', () => {
    expect(columnate([], 80)).toBe('');
  });
});
