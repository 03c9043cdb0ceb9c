/**
 * A small model of xterm's screen, for tests: it understands exactly the output the terminal
 * session writes (text, CR, LF, BS, cursor up/down/column, erase line/display, home) with xterm's
 * "pending wrap" at the right margin, so tests can check what a learner would see.
 */
export class ScreenModel {
  rows: string[] = [''];
  x = 0;
  y = 0;
  /** The cursor waits past the last column: the next character goes to the next row. */
  private pendingWrap = false;

  constructor(public cols: number) {}

  write(data: string): void {
    for (let i = 0; i < data.length; i++) {
      const c = data[i] as string;
      if (c === '\x1b') {
        // eslint-disable-next-line no-control-regex
        const m = /^\x1b\[([0-9;?]*)([A-Za-z])/.exec(data.slice(i));
        if (!m) continue;
        this.csi(m[1] ?? '', m[2] ?? '');
        i += m[0].length - 1;
      } else if (c === '\r') {
        this.x = 0;
        this.pendingWrap = false;
      } else if (c === '\n') {
        this.y++;
        this.pendingWrap = false;
      } else if (c === '\b') {
        this.pendingWrap = false;
        if (this.x > 0) this.x--;
      } else if (c === '\x07') {
        // bell
      } else {
        this.put(c);
      }
    }
  }

  private row(y: number): string {
    while (this.rows.length <= y) this.rows.push('');
    return this.rows[y] as string;
  }

  private put(c: string): void {
    if (this.pendingWrap) {
      this.x = 0;
      this.y++;
      this.pendingWrap = false;
    }
    const r = this.row(this.y).padEnd(this.x);
    this.rows[this.y] = r.slice(0, this.x) + c + r.slice(this.x + 1);
    if (this.x === this.cols - 1) this.pendingWrap = true;
    else this.x++;
  }

  private csi(params: string, final: string): void {
    const n = Math.max(1, Number.parseInt(params || '1', 10) || 1);
    this.pendingWrap = false;
    switch (final) {
      case 'A':
        this.y = Math.max(0, this.y - n);
        break;
      case 'B':
        this.y += n;
        break;
      case 'G':
        this.x = Math.min(this.cols - 1, n - 1);
        break;
      case 'H':
        this.x = 0;
        this.y = 0;
        break;
      case 'K':
        this.rows[this.y] = this.row(this.y).slice(0, this.x);
        break;
      case 'J':
        if (params === '2' || params === '3') {
          this.rows = this.rows.map(() => '');
        } else {
          this.rows[this.y] = this.row(this.y).slice(0, this.x);
          this.rows.length = this.y + 1;
        }
        break;
      default:
        break;
    }
  }

  /** The screen as text, trailing blanks and empty rows trimmed. */
  text(): string {
    return this.rows
      .map((r) => r.trimEnd())
      .join('\n')
      .replace(/\n+$/, '');
  }

  /** The rows from the last one holding `marker` on (the end of a transcript). */
  tail(marker: string): string {
    const t = this.text().split('\n');
    let i = t.length - 1;
    while (i > 0 && !(t[i] as string).includes(marker)) i--;
    return t.slice(i).join('\n');
  }
}
