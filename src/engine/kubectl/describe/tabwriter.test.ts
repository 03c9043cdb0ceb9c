import { describe, expect, it } from 'vitest';
import { TabWriter, tabbed } from './tabwriter';

// Expected outputs worked out from Go's text/tabwriter with kubectl describe's settings
// (minwidth 0, padding 2, padchar ' ').
const CASES: Array<{ name: string; input: string; want: string }> = [
  { name: 'one column block', input: 'a\tb\naaa\tb\n', want: 'a    b\naaa  b\n' },
  {
    name: 'a line without a tab ends the block',
    input: 'a\tx\nbreak\nlong-cell\ty\n',
    want: 'a  x\nbreak\nlong-cell  y\n',
  },
  {
    name: 'an empty last cell still pads the cell before it (trailing spaces)',
    input: 'Container ID:\t\nImage:\tnginx\n',
    want: 'Container ID:  \nImage:         nginx\n',
  },
  {
    name: 'an empty leading cell aligns continuation lines',
    input: 'Labels:\ta=b\n\tc=d\n',
    want: 'Labels:  a=b\n         c=d\n',
  },
  {
    name: 'several columns',
    input: '  Type\tReason\tAge\n  ----\t------\t---\n  Normal\tScheduled\t16s\n',
    want: '  Type    Reason     Age\n  ----    ------     ---\n  Normal  Scheduled  16s\n',
  },
  {
    name: 'a column block covers only the consecutive lines that have the column',
    input: 'a\tbbbb\tc\nd\te\nf\tg\th\n',
    want: 'a  bbbb  c\nd  e\nf  g  h\n',
  },
  {
    name: 'an empty middle cell is padding only',
    input: 'ns\tname\t\tcpu\nkube-system\tx\t\t1\n',
    want: 'ns           name    cpu\nkube-system  x       1\n',
  },
  { name: 'widths count runes', input: 'é\tx\nab\ty\n', want: 'é   x\nab  y\n' },
  { name: 'text without a final newline', input: 'a\tb', want: 'a  b' },
  { name: 'blank lines pass through', input: 'a\tb\n\nc\td\n', want: 'a  b\n\nc  d\n' },
];

describe('TabWriter (Go text/tabwriter, describe settings)', () => {
  it.each(CASES)('$name', ({ input, want }) => {
    expect(tabbed((w) => w.write(input))).toBe(want);
  });

  it('gives the same result however the text is split into writes', () => {
    for (const { input, want } of CASES) {
      const w = new TabWriter();
      for (const ch of input) w.write(ch);
      expect(w.toString()).toBe(want);
    }
  });

  it('starts a fresh alignment after flush', () => {
    const w = new TabWriter();
    w.write('a\tb\n');
    w.flush();
    w.write('ccc\td\n');
    expect(w.toString()).toBe('a  b\nccc  d\n');
  });
});
