/**
 * Bash's grammar over the lexer's tokens, for the subset a learner types:
 *
 *   list      := and_or ((';' | '&' | '\n') and_or)*
 *   and_or    := pipeline (('&&' | '||') '\n'* pipeline)*
 *   pipeline  := ['!'] command ('|' '\n'* command)*
 *   command   := simple | for | if | while | '(' list ')'
 *   simple    := (NAME=word)* word* with redirections anywhere
 *
 * `for NAME [in WORDS]; do LIST; done`, `if LIST; then LIST; [elif …] [else LIST;] fi` and
 * `while/until LIST; do LIST; done` are supported because lessons loop over pods and requests.
 * Syntax errors carry bash's words (`syntax error near unexpected token `|'`); an input that
 * stops where bash would keep reading (`kubectl get pods |`, `for i in 1 2; do`) is reported as
 * incomplete instead, so a terminal can show its `> ` prompt.
 */
import type { Incomplete, RedirOp, Token, Word } from './lexer';
import { incompleteMessage, isPlainWord, lex, literalOf } from './lexer';

export interface Redirect {
  op: RedirOp;
  /** The fd it applies to (default 1 for output, 0 for input). */
  fd: number;
  /** The file, fd number (`>&`), here-string word, or here-document body. */
  target: Word;
}

export interface Assignment {
  name: string;
  value: Word;
}

export type Command =
  | { type: 'simple'; assigns: Assignment[]; words: Word[]; redirects: Redirect[] }
  | { type: 'for'; name: string; items: Word[] | undefined; body: List; redirects: Redirect[] }
  | {
      type: 'if';
      branches: Array<{ cond: List; body: List }>;
      otherwise?: List;
      redirects: Redirect[];
    }
  | { type: 'while'; until: boolean; cond: List; body: List; redirects: Redirect[] }
  | { type: 'group'; body: List; redirects: Redirect[] };

export interface Pipeline {
  commands: Command[];
  bang: boolean;
}

export interface AndOr {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; pipeline: Pipeline }>;
}

export type List = AndOr[];

export type ParseResult =
  | { ok: true; list: List; warnings: string[] }
  | {
      ok: false;
      incomplete: true;
      message: string;
      why: Incomplete | 'syntax';
      /** Here-documents without their delimiter: what bash runs at end of input, with warnings. */
      atEof?: { list: List; warnings: string[] };
    }
  | { ok: false; incomplete: false; message: string };

class SyntaxError_ extends Error {
  constructor(
    message: string,
    readonly atEnd: boolean,
  ) {
    super(message);
  }
}

const RESERVED_END = new Set(['then', 'do', 'done', 'fi', 'elif', 'else', 'esac', '}']);

function tokenText(t: Token | undefined): string {
  if (!t) return 'newline';
  if (t.t === 'op') return t.op === '\n' ? 'newline' : t.op;
  if (t.t === 'redir') return t.op;
  return t.raw;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t?.t === 'op' && t.op === op;
  }

  /** The reserved word at the cursor (only in command position, only unquoted). */
  private reserved(): string | undefined {
    const t = this.peek();
    if (t?.t !== 'word' || !isPlainWord(t.word)) return undefined;
    return literalOf(t.word);
  }

  private fail(): never {
    const t = this.peek();
    if (!t) throw new SyntaxError_('syntax error: unexpected end of file', true);
    throw new SyntaxError_(`syntax error near unexpected token \`${tokenText(t)}'`, false);
  }

  private skipNewlines(): void {
    while (this.isOp('\n')) this.i++;
  }

  parseProgram(): List {
    const list = this.parseList([]);
    if (this.i < this.toks.length) this.fail();
    return list;
  }

  /** A list up to (not including) one of the reserved words in `stop`, or `)`. */
  private parseList(stop: readonly string[]): List {
    const list: List = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (!t) break;
      const r = this.reserved();
      if (r !== undefined && stop.includes(r)) break;
      if (t.t === 'op' && t.op === ')') break;
      list.push(this.parseAndOr());
      const sep = this.peek();
      if (sep?.t === 'op' && (sep.op === ';' || sep.op === '&' || sep.op === '\n')) {
        this.i++;
        continue;
      }
      break;
    }
    return list;
  }

  private parseAndOr(): AndOr {
    const first = this.parsePipeline();
    const rest: AndOr['rest'] = [];
    for (;;) {
      const t = this.peek();
      if (t?.t === 'op' && (t.op === '&&' || t.op === '||')) {
        this.i++;
        this.skipNewlines();
        rest.push({ op: t.op, pipeline: this.parsePipeline() });
        continue;
      }
      return { first, rest };
    }
  }

  private parsePipeline(): Pipeline {
    let bang = false;
    if (this.reserved() === '!') {
      bang = true;
      this.i++;
    }
    const commands = [this.parseCommand()];
    while (this.isOp('|')) {
      this.i++;
      this.skipNewlines();
      commands.push(this.parseCommand());
    }
    return { commands, bang };
  }

  private parseCommand(): Command {
    const t = this.peek();
    if (!t) this.fail();
    const r = this.reserved();
    if (r === 'for') return this.withRedirects(this.parseFor());
    if (r === 'if') return this.withRedirects(this.parseIf());
    if (r === 'while' || r === 'until') return this.withRedirects(this.parseWhile(r === 'until'));
    if (r !== undefined && RESERVED_END.has(r)) this.fail();
    if (t.t === 'op' && t.op === '(') {
      this.i++;
      const body = this.parseList([]);
      if (!this.isOp(')')) this.fail();
      this.i++;
      return this.withRedirects({ type: 'group', body, redirects: [] });
    }
    return this.parseSimple();
  }

  private withRedirects<C extends Command>(c: C): C {
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'redir') return c;
      c.redirects.push(this.parseRedirect());
    }
  }

  private expectReserved(word: string): void {
    if (this.reserved() !== word) this.fail();
    this.i++;
  }

  private parseFor(): Command {
    this.i++; // for
    const nameTok = this.peek();
    const name = nameTok?.t === 'word' ? literalOf(nameTok.word) : undefined;
    if (!name || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) this.fail();
    this.i++;
    let items: Word[] | undefined;
    this.skipNewlines();
    if (this.reserved() === 'in') {
      this.i++;
      items = [];
      for (;;) {
        const t = this.peek();
        if (t?.t !== 'word') break;
        items.push(t.word);
        this.i++;
      }
    }
    if (this.isOp(';')) this.i++;
    this.skipNewlines();
    this.expectReserved('do');
    const body = this.parseList(['done']);
    this.expectReserved('done');
    return { type: 'for', name, items, body, redirects: [] };
  }

  private parseIf(): Command {
    this.i++; // if
    const branches: Array<{ cond: List; body: List }> = [];
    let otherwise: List | undefined;
    for (;;) {
      const cond = this.parseList(['then']);
      this.expectReserved('then');
      const body = this.parseList(['elif', 'else', 'fi']);
      branches.push({ cond, body });
      const r = this.reserved();
      if (r === 'elif') {
        this.i++;
        continue;
      }
      if (r === 'else') {
        this.i++;
        otherwise = this.parseList(['fi']);
      }
      this.expectReserved('fi');
      break;
    }
    return otherwise
      ? { type: 'if', branches, otherwise, redirects: [] }
      : { type: 'if', branches, redirects: [] };
  }

  private parseWhile(until: boolean): Command {
    this.i++;
    const cond = this.parseList(['do']);
    this.expectReserved('do');
    const body = this.parseList(['done']);
    this.expectReserved('done');
    return { type: 'while', until, cond, body, redirects: [] };
  }

  private parseRedirect(): Redirect {
    const t = this.peek() as Extract<Token, { t: 'redir' }>;
    this.i++;
    const fd = t.fd ?? (t.op.startsWith('<') ? 0 : 1);
    if (t.heredoc) return { op: t.op, fd, target: t.heredoc.body };
    const target = this.peek();
    // A redirection without its word is an error even at the end of the line (no `> ` prompt).
    if (!target) throw new SyntaxError_("syntax error near unexpected token `newline'", false);
    if (target.t !== 'word') this.fail();
    this.i++;
    return { op: t.op, fd, target: target.word };
  }

  private parseSimple(): Command {
    const assigns: Assignment[] = [];
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const t = this.peek();
      if (!t || t.t === 'op') break;
      if (t.t === 'redir') {
        redirects.push(this.parseRedirect());
        continue;
      }
      if (words.length === 0) {
        const a = assignmentOf(t.word);
        if (a) {
          assigns.push(a);
          this.i++;
          continue;
        }
      }
      words.push(t.word);
      this.i++;
    }
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) this.fail();
    return { type: 'simple', assigns, words, redirects };
  }
}

/** `NAME=value` at the start of a simple command (the name part unquoted). */
function assignmentOf(word: Word): Assignment | undefined {
  const first = word[0];
  if (!first || first.k !== 'lit' || first.q) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text);
  if (!m) return undefined;
  const name = m[1] as string;
  const restText = first.text.slice(name.length + 1);
  const value: Word = restText
    ? [{ k: 'lit', text: restText, q: false }, ...word.slice(1)]
    : word.slice(1);
  return { name, value };
}

/** Parse one input. */
export function parse(input: string): ParseResult {
  const lexed = lex(input);
  if (lexed.incomplete && lexed.incomplete !== 'heredoc') {
    return {
      ok: false,
      incomplete: true,
      why: lexed.incomplete,
      message: incompleteMessage(lexed.incomplete),
    };
  }
  try {
    const list = new Parser(lexed.tokens).parseProgram();
    if (lexed.incomplete === 'heredoc') {
      const line = input.split('\n').length;
      const warnings = lexed.unterminatedHeredocs.map(
        (d) => `warning: here-document at line ${line} delimited by end-of-file (wanted \`${d}')`,
      );
      return {
        ok: false,
        incomplete: true,
        why: 'heredoc',
        message: warnings.join('\n'),
        atEof: { list, warnings },
      };
    }
    return { ok: true, list, warnings: [] };
  } catch (e) {
    if (e instanceof SyntaxError_) {
      if (e.atEnd) return { ok: false, incomplete: true, why: 'syntax', message: e.message };
      return { ok: false, incomplete: false, message: e.message };
    }
    throw e;
  }
}

/**
 * Parse an input the way a script (or Ctrl-D at the `> ` prompt) ends it: an unterminated
 * here-document runs with a warning, anything else incomplete is an error.
 */
export function parseAtEof(
  input: string,
): { ok: true; list: List; warnings: string[] } | { ok: false; message: string } {
  const r = parse(input);
  if (r.ok) return r;
  if (r.incomplete && r.atEof) return { ok: true, ...r.atEof };
  if (r.incomplete && r.why !== 'syntax') {
    return { ok: false, message: `${r.message}\nsyntax error: unexpected end of file` };
  }
  return { ok: false, message: r.message };
}

/**
 * Whether bash would show its `> ` continuation prompt after this input rather than run it:
 * an open quote, `$(`, here-document, trailing `\`, `|`, `&&`, `||`, or an unfinished
 * `for`/`if`/`while`.
 */
export function needsMoreInput(input: string): boolean {
  const r = parse(input);
  return !r.ok && r.incomplete;
}
