/**
 * Bash's lexical layer for one input (which may span several lines: heredocs, continuations):
 * words with their quoting kept apart (so expansion can happen later, at run time, as bash does:
 * `false; echo $?` prints 1), operators, redirections and here-document bodies.
 *
 *  - quotes: '…' (literal), "…" (`\"`, `\\`, `\$`, `` \` `` and `\<newline>` escapes; `$VAR`,
 *    `${VAR}`, `$?`, `$(…)`, `$((…))` expand), backslash escapes outside quotes, `\<newline>`
 *    continuation;
 *  - `#` starts a comment at the start of a word;
 *  - operators `|` `||` `&&` `;` `&` `(` `)` and newline; redirections `>` `>>` `<` `<<` `<<-`
 *    `<<<` `>&` `<&` `&>` `&>>`, with an optional fd number right before (`2>`, `2>&1`);
 *  - here-documents: `<<EOF` (the body expands like "…"), `<<'EOF'` / `<<"EOF"` / `<<\EOF`
 *    (literal), `<<-EOF` (leading tabs stripped); bodies are read after the line that holds the
 *    operator, several in order.
 *
 * An input that ends inside a quote, a `$(`, a heredoc or after a `\` reports why, so a terminal
 * shows bash's `> ` continuation prompt (see `needsMoreInput` in parser.ts, which also knows about
 * a trailing `|` or an open `for … do`), and a script run says what bash says at EOF.
 *
 * Left out: `${VAR:-x}`-style parameter operators (the name is taken, the operator ignored),
 * brace expansion, process substitution, `[[ ]]`.
 */

/** One piece of a word. `q`: quoted, so no field splitting or globbing applies to it. */
export type WordPart =
  | { k: 'lit'; text: string; q: boolean }
  | { k: 'var'; name: string; q: boolean }
  | { k: 'cmd'; script: string; q: boolean }
  /** `$((…))`: integer arithmetic. */
  | { k: 'arith'; expr: string; q: boolean }
  /** A leading unquoted `~` (followed by `/` or the end of the word). */
  | { k: 'tilde' };

export type Word = WordPart[];

export type RedirOp = '>' | '>>' | '<' | '>&' | '<&' | '&>' | '&>>' | '<<<' | '<<' | '<<-';

export type Token =
  | { t: 'word'; word: Word; raw: string }
  | { t: 'op'; op: '|' | '||' | '&&' | ';' | '&' | '\n' | '(' | ')' | ';;' }
  | {
      t: 'redir';
      op: RedirOp;
      /** The fd written before the operator (`2>`), if any. */
      fd?: number;
      /** Here-documents: the body, filled once the lines after the operator are read. */
      heredoc?: { delimiter: string; quoted: boolean; body: Word };
    };

/** Why an input cannot be run yet (bash would show `> ` and read another line). */
export type Incomplete =
  'single-quote' | 'double-quote' | 'backtick' | 'subst' | 'heredoc' | 'escape';

export interface LexResult {
  tokens: Token[];
  incomplete?: Incomplete;
  /** Here-documents whose delimiter never came (bash warns, then uses what it read). */
  unterminatedHeredocs: string[];
}

/** What bash prints when the input ends in this state (a script, or Ctrl-D at `> `). */
export function incompleteMessage(why: Incomplete): string {
  switch (why) {
    case 'single-quote':
      return "unexpected EOF while looking for matching `''";
    case 'double-quote':
      return 'unexpected EOF while looking for matching `"\'';
    case 'backtick':
      return "unexpected EOF while looking for matching ``'";
    case 'subst':
      return "unexpected EOF while looking for matching `)'";
    default:
      return 'syntax error: unexpected end of file';
  }
}

const isBlank = (c: string | undefined): boolean => c === ' ' || c === '\t';
const isMeta = (c: string | undefined): boolean =>
  c === undefined || c === ' ' || c === '\t' || c === '\n' || '|&;()<>'.includes(c);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

class Lexer {
  private i = 0;
  private readonly tokens: Token[] = [];
  private readonly pending: Array<{ tok: Extract<Token, { t: 'redir' }>; strip: boolean }> = [];
  private readonly unterminated: string[] = [];
  incomplete: Incomplete | undefined;

  constructor(private readonly src: string) {}

  run(): LexResult {
    while (this.i < this.src.length && !this.incomplete) this.next();
    if (!this.incomplete && this.pending.length > 0) {
      // The input ended on the operator's own line: no body at all yet.
      this.incomplete = 'heredoc';
      for (const p of this.pending.splice(0)) {
        p.tok.heredoc = { ...(p.tok.heredoc as NonNullable<typeof p.tok.heredoc>), body: [] };
        this.unterminated.push(p.tok.heredoc.delimiter);
      }
    }
    const out: LexResult = { tokens: this.tokens, unterminatedHeredocs: this.unterminated };
    if (this.incomplete) out.incomplete = this.incomplete;
    return out;
  }

  private peek(k = 0): string | undefined {
    return this.src[this.i + k];
  }

  private next(): void {
    const c = this.peek();
    if (isBlank(c)) {
      this.i++;
      return;
    }
    if (c === '\\' && this.peek(1) === '\n') {
      this.i += 2;
      return;
    }
    if (c === '\\' && this.i + 1 >= this.src.length) {
      this.incomplete = 'escape';
      this.i++;
      return;
    }
    if (c === '#') {
      while (this.i < this.src.length && this.peek() !== '\n') this.i++;
      return;
    }
    if (c === '\n') {
      this.i++;
      this.tokens.push({ t: 'op', op: '\n' });
      this.readHeredocBodies();
      return;
    }
    if (this.operator()) return;
    this.word();
  }

  /** Operators and redirections; true when one was read. */
  private operator(): boolean {
    const s = this.src;
    const at = (x: string): boolean => s.startsWith(x, this.i);
    // An fd number glued to a redirection: `2>`, `2>>`, `2>&1`, `0<`.
    const fdMatch = /^(\d+)(?=[<>])/.exec(s.slice(this.i, this.i + 4));
    let fd: number | undefined;
    let j = this.i;
    if (fdMatch) {
      fd = Number(fdMatch[1]);
      j += (fdMatch[1] ?? '').length;
    }
    const rest = s.slice(j, j + 3);
    const redir = (['<<<', '<<-', '&>>', '>>', '<<', '>&', '<&', '&>', '>', '<'] as const).find(
      (o) => rest.startsWith(o),
    );
    if (redir && (fd === undefined || !redir.startsWith('&'))) {
      this.i = j + redir.length;
      const tok: Extract<Token, { t: 'redir' }> = { t: 'redir', op: redir };
      if (fd !== undefined) tok.fd = fd;
      this.tokens.push(tok);
      if (redir === '<<' || redir === '<<-') this.heredocDelimiter(tok, redir === '<<-');
      return true;
    }
    if (fd !== undefined) return false;
    for (const op of ['||', '&&', ';;', '|', ';', '&', '(', ')'] as const) {
      if (at(op)) {
        this.i += op.length;
        this.tokens.push({ t: 'op', op });
        return true;
      }
    }
    return false;
  }

  /** Read the delimiter word after `<<`: its quoting decides whether the body expands. */
  private heredocDelimiter(tok: Extract<Token, { t: 'redir' }>, strip: boolean): void {
    while (isBlank(this.peek())) this.i++;
    let delim = '';
    let quoted = false;
    while (this.i < this.src.length && !isMeta(this.peek())) {
      const c = this.peek() as string;
      if (c === "'" || c === '"') {
        quoted = true;
        const end = this.src.indexOf(c, this.i + 1);
        if (end < 0) {
          this.incomplete = c === "'" ? 'single-quote' : 'double-quote';
          return;
        }
        delim += this.src.slice(this.i + 1, end);
        this.i = end + 1;
      } else if (c === '\\') {
        quoted = true;
        delim += this.peek(1) ?? '';
        this.i += 2;
      } else {
        delim += c;
        this.i++;
      }
    }
    tok.heredoc = { delimiter: delim, quoted, body: [] };
    this.pending.push({ tok, strip });
  }

  /** After a newline: the bodies of the here-documents opened on the line just ended. */
  private readHeredocBodies(): void {
    for (const p of this.pending.splice(0)) {
      const h = p.tok.heredoc as NonNullable<typeof p.tok.heredoc>;
      const lines: string[] = [];
      let found = false;
      while (this.i < this.src.length) {
        const nl = this.src.indexOf('\n', this.i);
        const end = nl < 0 ? this.src.length : nl;
        let line = this.src.slice(this.i, end);
        this.i = nl < 0 ? this.src.length : nl + 1;
        if (p.strip) line = line.replace(/^\t+/, '');
        if (line === h.delimiter) {
          found = true;
          break;
        }
        lines.push(line);
      }
      const text = lines.map((l) => l + '\n').join('');
      h.body = h.quoted ? [{ k: 'lit', text, q: true }] : heredocParts(text);
      if (!found) {
        this.incomplete = 'heredoc';
        this.unterminated.push(h.delimiter);
      }
    }
  }

  /** One word: runs of unquoted text, quoted strings and expansions until a metacharacter. */
  private word(): void {
    const parts: Word = [];
    const start = this.i;
    const lit = (text: string, q: boolean): void => {
      const last = parts[parts.length - 1];
      if (last && last.k === 'lit' && last.q === q) last.text += text;
      else parts.push({ k: 'lit', text, q });
    };
    if (this.peek() === '~' && (this.peek(1) === '/' || isMeta(this.peek(1)))) {
      parts.push({ k: 'tilde' });
      this.i++;
    }
    while (this.i < this.src.length && !this.incomplete) {
      const c = this.peek() as string;
      if (isMeta(c)) break;
      if (c === '\\') {
        const n = this.peek(1);
        if (n === undefined) {
          this.incomplete = 'escape';
          this.i++;
          break;
        }
        this.i += 2;
        if (n !== '\n') lit(n, true);
        continue;
      }
      if (c === "'") {
        const end = this.src.indexOf("'", this.i + 1);
        if (end < 0) {
          this.incomplete = 'single-quote';
          this.i = this.src.length;
          break;
        }
        lit(this.src.slice(this.i + 1, end), true);
        this.i = end + 1;
        continue;
      }
      if (c === '"') {
        this.i++;
        this.doubleQuoted(parts, lit);
        continue;
      }
      if (c === '$' || c === '`') {
        if (this.expansion(parts, false)) continue;
      }
      lit(c, false);
      this.i++;
    }
    this.tokens.push({ t: 'word', word: parts, raw: this.src.slice(start, this.i) });
  }

  private doubleQuoted(parts: Word, lit: (text: string, q: boolean) => void): void {
    let closed = false;
    let any = false;
    while (this.i < this.src.length && !this.incomplete) {
      const c = this.peek() as string;
      if (c === '"') {
        this.i++;
        closed = true;
        break;
      }
      if (c === '\\') {
        const n = this.peek(1);
        if (n !== undefined && '"\\$`\n'.includes(n)) {
          if (n !== '\n') lit(n, true);
          this.i += 2;
          any = true;
          continue;
        }
      }
      if ((c === '$' || c === '`') && this.expansion(parts, true)) {
        any = true;
        continue;
      }
      lit(c, true);
      any = true;
      this.i++;
    }
    if (!closed && !this.incomplete) this.incomplete = 'double-quote';
    // `""` is an empty argument, not nothing.
    if (!any) lit('', true);
  }

  /** An expansion at the cursor into `parts`; false when `$` is just a dollar sign. */
  private expansion(parts: Word, q: boolean): boolean {
    const r = readExpansion(this.src, this.i, q);
    if (!r) return false;
    if ('incomplete' in r) {
      this.incomplete = r.incomplete;
      this.i = this.src.length;
      return true;
    }
    parts.push(r.part);
    this.i = r.next;
    return true;
  }
}

/**
 * `$NAME`, `${NAME}`, `$?`, `$(…)`, `` `…` `` starting at `i`: the part and the index after it,
 * why the input is incomplete, or undefined when the `$` is an ordinary character.
 */
function readExpansion(
  s: string,
  i: number,
  q: boolean,
): { part: WordPart; next: number } | { incomplete: Incomplete } | undefined {
  const c = s[i];
  if (c === '`') {
    const end = s.indexOf('`', i + 1);
    if (end < 0) return { incomplete: 'backtick' };
    return { part: { k: 'cmd', script: s.slice(i + 1, end), q }, next: end + 1 };
  }
  const n = s[i + 1];
  if (n === '(') {
    const end = matchingParen(s, i + 1);
    if (end < 0) return { incomplete: 'subst' };
    if (s[i + 2] === '(' && s[end - 1] === ')' && matchingParen(s, i + 2) === end - 1) {
      return { part: { k: 'arith', expr: s.slice(i + 3, end - 1), q }, next: end + 1 };
    }
    return { part: { k: 'cmd', script: s.slice(i + 2, end), q }, next: end + 1 };
  }
  if (n === '{') {
    const end = s.indexOf('}', i + 2);
    if (end < 0) return { incomplete: 'subst' };
    const inner = s.slice(i + 2, end);
    const name = /^[A-Za-z_][A-Za-z0-9_]*|^[?$#0-9]/.exec(inner)?.[0] ?? inner;
    return { part: { k: 'var', name, q }, next: end + 1 };
  }
  if (n !== undefined && '?$#0123456789'.includes(n)) {
    return { part: { k: 'var', name: n, q }, next: i + 2 };
  }
  if (n !== undefined && NAME_START.test(n)) {
    let j = i + 1;
    while (j < s.length && NAME_CHAR.test(s[j] as string)) j++;
    return { part: { k: 'var', name: s.slice(i + 1, j), q }, next: j };
  }
  return undefined;
}

/** The index of the `)` closing the `(` at `open`, skipping quotes and nested parens; -1 if none. */
function matchingParen(s: string, open: number): number {
  let depth = 0;
  for (let j = open; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === "'") {
      const end = s.indexOf("'", j + 1);
      if (end < 0) return -1;
      j = end;
    } else if (c === '"') {
      j++;
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\') j++;
        j++;
      }
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return j;
  }
  return -1;
}

/** An unquoted heredoc body: expands like "…", but `"` is an ordinary character. */
function heredocParts(text: string): Word {
  const parts: Word = [];
  const lit = (t: string): void => {
    const last = parts[parts.length - 1];
    if (last && last.k === 'lit') last.text += t;
    else parts.push({ k: 'lit', text: t, q: true });
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && '$`\\\n'.includes(text[i + 1] as string)) {
      if (text[i + 1] !== '\n') lit(text[i + 1] as string);
      i += 2;
      continue;
    }
    if (c === '$' || c === '`') {
      const r = readExpansion(text, i, true);
      if (r && 'part' in r) {
        parts.push(r.part);
        i = r.next;
        continue;
      }
    }
    lit(c);
    i++;
  }
  if (parts.length === 0) lit('');
  return parts;
}

/** Tokenize one input. */
export function lex(input: string): LexResult {
  return new Lexer(input).run();
}

/** The literal text of a word if it has no expansions (for reserved words and assignments). */
export function literalOf(word: Word): string | undefined {
  let s = '';
  for (const p of word) {
    if (p.k !== 'lit') return undefined;
    s += p.text;
  }
  return s;
}

/** Whether the word was written without any quoting or escapes (reserved words must be). */
export function isPlainWord(word: Word): boolean {
  return word.every((p) => p.k === 'lit' && !p.q);
}
