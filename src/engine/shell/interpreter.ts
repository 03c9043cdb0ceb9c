/**
 * Runs parsed shell input: lists (`;`, `&&`, `||`), pipelines (each command's stdout becomes the
 * next one's stdin), redirections (`> f`, `>> f`, `2>&1`, `2>/dev/null`, `< f`, here-documents,
 * here-strings), variable assignments, `for`/`if`/`while`, `( … )` groups and command
 * substitution. The same interpreter serves the nodes' bash and the containers' sh: what differs
 * (the commands that exist, the file system, the wording of errors) comes from its host.
 *
 * Commands run one after another, each to completion, so a pipeline is a chain of strings. A
 * tool learns whether its stdout is the terminal (`ls` prints columns there, one name per line
 * into a pipe) and whether it has a stdin at all (undefined: the terminal; `kubectl apply -f -`
 * without a pipe reads nothing).
 *
 * Left out: background jobs (`&` separates like `;`), functions, `set -e`, traps.
 * A loop stops after 10,000 iterations, where a user would have pressed Ctrl-C.
 */
import type { DialectMessages } from './dialect';
import type { ExpandEnv } from './expand';
import { expandWord, expandWords } from './expand';
import type { VirtualFs } from './fs';
import { resolvePath } from './fs';
import type { Word } from './lexer';
import type { Command, List, Pipeline, Redirect } from './parser';
import { parseAtEof } from './parser';
import type { CommandResult } from './types';

export interface ToolIO {
  /** What was piped or redirected in; undefined when stdin is the terminal. */
  stdin: string | undefined;
  /** stdout is the terminal (not a pipe or a file). */
  tty: boolean;
}

export type Tool = (argv: string[], io: ToolIO) => CommandResult;

export interface InterpreterHost {
  readonly messages: DialectMessages;
  readonly fs: VirtualFs;
  /** Shell variables (the environment included). */
  readonly vars: Map<string, string>;
  /**
   * The names of the exported variables, in the order they were exported: what a command sees
   * in its environment (`env`). `export` adds to it, `unset` removes from it.
   */
  readonly exported: string[];
  cwd(): string;
  /** The command `name` (a builtin or a binary on PATH), or undefined: not found. */
  lookup(name: string): Tool | undefined;
  /** `$0` and `$$`. */
  shellName: string;
  pid: number;
  /** Names matching a glob, for pathname expansion (sorted), or [] when nothing matches. */
  glob?(pattern: RegExp, typed: string): string[];
}

export interface RunResult extends CommandResult {
  /** `exit` ran: the shell ends (with exitCode). */
  exited: boolean;
}

interface Sink {
  kind: 'term' | 'err' | 'pipe' | 'file' | 'null';
  buf: string[];
  path?: string;
}

interface Ctx {
  term: Sink;
  err: Sink;
  tty: boolean;
  exit: number | undefined;
  iterations: number;
  /** Inside a pipeline member or `$(…)`: `exit` ends only that subshell. */
  subshell: boolean;
}

const MAX_ITERATIONS = 10_000;

export class Interpreter {
  /** `$?`. */
  status = 0;
  private ctx: Ctx | undefined;
  /** `alias k=kubectl`. */
  private readonly aliases = new Map<string, string>();

  constructor(private readonly host: InterpreterHost) {}

  /** Parse and run an input as a script does (incomplete input is an error). */
  runText(input: string, io: { stdin?: string; tty: boolean }): RunResult {
    const parsed = parseAtEof(input);
    if (!parsed.ok) {
      // At end of input an open quote gives two lines in bash (the quote, then the EOF).
      const lines = parsed.message.split('\n');
      const shown = this.host.messages.dialect === 'bash' ? lines : lines.slice(0, 1);
      const msg = shown.map((l) => this.host.messages.syntax(l) + '\n').join('');
      this.status = 2;
      return { stdout: '', stderr: msg, exitCode: 2, exited: false };
    }
    const r = this.run(parsed.list, io);
    if (parsed.warnings.length > 0) {
      const w = parsed.warnings.map((l) => this.host.messages.prefix() + l + '\n').join('');
      return { ...r, stderr: w + r.stderr };
    }
    return r;
  }

  run(list: List, io: { stdin?: string; tty: boolean }): RunResult {
    const ctx: Ctx = {
      term: { kind: 'term', buf: [] },
      err: { kind: 'err', buf: [] },
      tty: io.tty,
      exit: undefined,
      iterations: 0,
      subshell: false,
    };
    const saved = this.ctx;
    this.ctx = ctx;
    try {
      this.runList(list, io.stdin);
    } finally {
      this.ctx = saved;
    }
    return {
      stdout: ctx.term.buf.join(''),
      stderr: ctx.err.buf.join(''),
      exitCode: ctx.exit ?? this.status,
      exited: ctx.exit !== undefined,
    };
  }

  private get c(): Ctx {
    return this.ctx as Ctx;
  }

  private runList(list: List, stdin: string | undefined, out?: Sink): void {
    for (const ao of list) {
      if (this.c.exit !== undefined) return;
      let ok = this.runPipeline(ao.first, stdin, out);
      for (const { op, pipeline } of ao.rest) {
        if (this.c.exit !== undefined) return;
        if ((op === '&&' && ok) || (op === '||' && !ok))
          ok = this.runPipeline(pipeline, stdin, out);
      }
    }
  }

  /** Run a pipeline; true when its status is 0. */
  private runPipeline(p: Pipeline, stdin: string | undefined, out?: Sink): boolean {
    const target = out ?? this.c.term;
    if (p.commands.length === 1) {
      this.status = this.runCommand(p.commands[0] as Command, stdin, target);
    } else {
      let input = stdin;
      p.commands.forEach((cmd, i) => {
        const last = i === p.commands.length - 1;
        const sink: Sink = last ? target : { kind: 'pipe', buf: [] };
        // Each member runs in a subshell: its `exit` ends only itself.
        const saved = this.c.exit;
        const savedSub = this.c.subshell;
        this.c.subshell = true;
        const status = this.runCommand(cmd, input, sink);
        this.c.exit = saved;
        this.c.subshell = savedSub;
        if (last) this.status = status;
        input = sink.buf.join('');
      });
    }
    if (p.bang) this.status = this.status === 0 ? 1 : 0;
    return this.status === 0;
  }

  private expandEnv(): ExpandEnv {
    const env: ExpandEnv = {
      lookup: (name) => this.lookupVar(name),
      home: this.host.vars.get('HOME') ?? '/root',
      substitute: (script) => this.substitute(script),
    };
    if (this.host.glob) {
      const glob = this.host.glob.bind(this.host);
      env.glob = glob;
    }
    return env;
  }

  private lookupVar(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.status);
      case '$':
        return String(this.host.pid);
      case '0':
        return this.host.shellName;
      case '#':
        return '0';
      default:
        return /^\d$/.test(name) ? '' : this.host.vars.get(name);
    }
  }

  /** `$(…)`: run the script in a subshell and return what it printed. */
  private substitute(script: string): string {
    const parsed = parseAtEof(script);
    if (!parsed.ok) {
      this.c.err.buf.push(this.host.messages.prefix() + parsed.message + '\n');
      return '';
    }
    const sink: Sink = { kind: 'pipe', buf: [] };
    const saved = this.c.exit;
    const savedSub = this.c.subshell;
    this.c.subshell = true;
    this.runList(parsed.list, undefined, sink);
    this.c.exit = saved;
    this.c.subshell = savedSub;
    return sink.buf.join('');
  }

  /**
   * Apply a command's redirections: its stdin, stdout and stderr sinks, and the files to write
   * afterwards. Undefined when one fails (the message is already on stderr; status 1).
   */
  private redirect(
    redirects: readonly Redirect[],
    stdin: string | undefined,
    out: Sink,
  ): { stdin: string | undefined; fds: Sink[]; files: Sink[] } | undefined {
    const fds: Sink[] = [{ kind: 'null', buf: [] }, out, this.c.err];
    const files: Sink[] = [];
    const env = this.expandEnv();
    const m = this.host.messages;
    const fileSink = (path: string, append: boolean): Sink | undefined => {
      if (path === '/dev/null') return { kind: 'null', buf: [] };
      if (path === '/dev/stdout') return fds[1];
      if (path === '/dev/stderr') return fds[2];
      if (path === '/dev/tty') return this.c.term;
      const abs = resolvePath(this.host.cwd(), path);
      const existing = this.host.fs.read(abs);
      const err = this.host.fs.write(abs, append ? (existing ?? '') : '');
      if (err) {
        this.c.err.buf.push(m.cannotCreate(path, err) + '\n');
        return undefined;
      }
      const sink: Sink = { kind: 'file', buf: [], path: abs };
      files.push(sink);
      return sink;
    };
    for (const r of redirects) {
      switch (r.op) {
        case '>':
        case '>>': {
          const s = fileSink(expandWord(r.target, env), r.op === '>>');
          if (!s) return undefined;
          fds[r.fd] = s;
          break;
        }
        case '&>':
        case '&>>': {
          const s = fileSink(expandWord(r.target, env), r.op === '&>>');
          if (!s) return undefined;
          fds[1] = s;
          fds[2] = s;
          break;
        }
        case '>&':
        case '<&': {
          const t = expandWord(r.target, env);
          if (t === '-') fds[r.fd] = { kind: 'null', buf: [] };
          else if (/^\d+$/.test(t)) {
            const src = fds[Number(t)];
            if (!src) {
              this.c.err.buf.push(`${m.prefix()}${t}: Bad file descriptor\n`);
              return undefined;
            }
            fds[r.fd] = src;
          } else if (r.op === '>&') {
            const s = fileSink(t, false);
            if (!s) return undefined;
            fds[1] = s;
            fds[2] = s;
          }
          break;
        }
        case '<': {
          const path = expandWord(r.target, env);
          const abs = resolvePath(this.host.cwd(), path);
          const text = this.host.fs.read(abs);
          if (text === undefined) {
            this.c.err.buf.push(
              (this.host.fs.isDir(abs)
                ? `${m.prefix()}${path}: Is a directory`
                : m.cannotOpen(path)) + '\n',
            );
            return undefined;
          }
          stdin = text;
          break;
        }
        case '<<':
        case '<<-':
          stdin = expandWord(r.target, env);
          break;
        case '<<<':
          stdin = expandWord(r.target, env) + '\n';
          break;
      }
    }
    return { stdin, fds, files };
  }

  /** Write what went to redirected files. */
  private flush(files: readonly Sink[]): void {
    for (const f of files) {
      if (f.buf.length === 0 || !f.path) continue;
      const text = f.buf.join('');
      f.buf.length = 0;
      this.host.fs.write(f.path, (this.host.fs.read(f.path) ?? '') + text);
    }
  }

  private runCommand(cmd: Command, stdin: string | undefined, out: Sink): number {
    const io = this.redirect(cmd.redirects, stdin, out);
    if (!io) return 1;
    const [, o, e] = io.fds as [Sink, Sink, Sink];
    let status: number;
    try {
      status = this.runCommandBody(cmd, io.stdin, o, e);
    } finally {
      this.flush(io.files);
    }
    return status;
  }

  private runCommandBody(cmd: Command, stdin: string | undefined, out: Sink, err: Sink): number {
    switch (cmd.type) {
      case 'simple':
        return this.runSimple(cmd, stdin, out, err);
      case 'group': {
        this.withErr(err, () => this.runList(cmd.body, stdin, out));
        return this.status;
      }
      case 'for': {
        const items = cmd.items ? expandWords(cmd.items, this.expandEnv()) : [];
        this.status = 0;
        this.withErr(err, () => {
          for (const item of items) {
            if (this.c.exit !== undefined || !this.tick()) break;
            this.host.vars.set(cmd.name, item);
            this.runList(cmd.body, stdin, out);
          }
        });
        return this.status;
      }
      case 'if': {
        let status = 0;
        this.withErr(err, () => {
          for (const b of cmd.branches) {
            this.runList(b.cond, stdin, out);
            if (this.c.exit !== undefined) return;
            if (this.status === 0) {
              this.runList(b.body, stdin, out);
              status = this.status;
              return;
            }
          }
          if (cmd.otherwise) {
            this.runList(cmd.otherwise, stdin, out);
            status = this.status;
          } else status = 0;
        });
        return status;
      }
      case 'while': {
        let status = 0;
        this.withErr(err, () => {
          for (;;) {
            if (this.c.exit !== undefined || !this.tick()) return;
            this.runList(cmd.cond, stdin, out);
            const holds = cmd.until ? this.status !== 0 : this.status === 0;
            if (!holds || this.c.exit !== undefined) return;
            this.runList(cmd.body, stdin, out);
            status = this.status;
          }
        });
        return status;
      }
    }
  }

  /** Count a loop iteration; false once the cap is reached (as if interrupted). */
  private tick(): boolean {
    this.c.iterations++;
    if (this.c.iterations > MAX_ITERATIONS) {
      if (this.c.iterations === MAX_ITERATIONS + 1) this.c.err.buf.push('^C\n');
      this.status = 130;
      return false;
    }
    return true;
  }

  /** Run `fn` with stderr going to `err` (a compound command's `2>` redirection). */
  private withErr(err: Sink, fn: () => void): void {
    const saved = this.c.err;
    this.c.err = err;
    try {
      fn();
    } finally {
      this.c.err = saved;
    }
  }

  private runSimple(
    cmd: Extract<Command, { type: 'simple' }>,
    stdin: string | undefined,
    out: Sink,
    err: Sink,
  ): number {
    const env = this.expandEnv();
    const assigned = cmd.assigns.map((a) => [a.name, expandWord(a.value, env)] as const);
    const savedErr = this.c.err;
    this.c.err = err;
    let argv: string[];
    try {
      argv = expandWords(this.expandAlias(cmd.words), env);
    } finally {
      this.c.err = savedErr;
    }
    if (argv.length === 0) {
      for (const [k, v] of assigned) this.host.vars.set(k, v);
      // A command of only assignments has the status of its last command substitution.
      return cmd.words.length === 0 && !hasSubstitution(cmd.assigns.map((a) => a.value))
        ? 0
        : this.status;
    }
    const name = argv[0] as string;
    if (name === 'alias') return this.alias(argv, err, out);
    const builtin = this.builtin(name, argv, err);
    if (builtin !== undefined) return builtin;
    const tool = this.host.lookup(name);
    if (!tool) {
      err.buf.push(this.host.messages.notFound(name) + '\n');
      return 127;
    }
    // `FOO=bar cmd`: the assignments are in cmd's environment only.
    const restore = this.exportTemporarily(assigned);
    try {
      const r = tool(argv, { stdin, tty: out.kind === 'term' && this.c.tty });
      if (r.stdout) out.buf.push(r.stdout);
      if (r.stderr) err.buf.push(r.stderr);
      return r.exitCode;
    } finally {
      restore();
    }
  }

  /**
   * Alias substitution of a command's first word, when it is a plain unquoted word naming an
   * alias. Simplified: bash substitutes text before parsing; here an alias must be a simple
   * command (`alias k=kubectl`, `alias kgp='kubectl get pods'`), and a word is substituted once.
   */
  private expandAlias(words: Word[], seen = new Set<string>()): Word[] {
    const first = words[0];
    const part = first?.length === 1 ? first[0] : undefined;
    if (!part || part.k !== 'lit' || part.q) return words;
    const value = this.aliases.get(part.text);
    if (value === undefined || seen.has(part.text)) return words;
    const parsed = parseAtEof(value);
    if (!parsed.ok || parsed.list.length !== 1) return words;
    const [ao] = parsed.list as [List[number]];
    const [only] = ao.first.commands;
    if (ao.rest.length > 0 || ao.first.commands.length !== 1 || only?.type !== 'simple')
      return words;
    if (only.assigns.length > 0 || only.redirects.length > 0) return words;
    seen.add(part.text);
    return [...this.expandAlias(only.words, seen), ...words.slice(1)];
  }

  /** `alias`, `alias k=kubectl`, `alias k`. */
  private alias(argv: string[], err: Sink, out: Sink): number {
    const show = (n: string, v: string): string => `alias ${n}='${v.replaceAll("'", "'\\''")}'\n`;
    if (argv.length === 1) {
      for (const n of [...this.aliases.keys()].sort()) out.buf.push(show(n, this.aliases.get(n)!));
      return 0;
    }
    let status = 0;
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      if (eq > 0) this.aliases.set(a.slice(0, eq), a.slice(eq + 1));
      else if (this.aliases.has(a)) out.buf.push(show(a, this.aliases.get(a)!));
      else {
        err.buf.push(`${this.host.messages.prefix()}alias: ${a}: not found\n`);
        status = 1;
      }
    }
    return status;
  }

  /** Set and export `assigned` for one command; the returned function puts things back. */
  private exportTemporarily(assigned: ReadonlyArray<readonly [string, string]>): () => void {
    if (assigned.length === 0) return () => {};
    const { vars, exported } = this.host;
    const before = assigned.map(([k]) => [k, vars.get(k), exported.includes(k)] as const);
    for (const [k, v] of assigned) {
      vars.set(k, v);
      if (!exported.includes(k)) exported.push(k);
    }
    return () => {
      for (const [k, v, wasExported] of before.reverse()) {
        if (v === undefined) vars.delete(k);
        else vars.set(k, v);
        if (!wasExported) exported.splice(exported.indexOf(k), 1);
      }
    };
  }

  private exportVar(name: string): void {
    if (!this.host.exported.includes(name)) this.host.exported.push(name);
  }

  /** Builtins that change the shell itself; undefined when `name` is not one. */
  private builtin(name: string, argv: string[], err: Sink): number | undefined {
    const m = this.host.messages;
    switch (name) {
      case 'exit': {
        const arg = argv[1];
        let code = this.status;
        if (arg !== undefined) {
          if (!/^[+-]?\d+$/.test(arg)) {
            err.buf.push(`${m.prefix()}exit: ${arg}: numeric argument required\n`);
            code = 2;
          } else code = ((Number(arg) % 256) + 256) % 256;
        }
        if (!this.c.subshell) this.c.exit = code;
        return code;
      }
      case 'export':
      case 'readonly':
      case 'local': {
        for (const a of argv.slice(1)) {
          if (a.startsWith('-')) continue;
          const eq = a.indexOf('=');
          const key = eq > 0 ? a.slice(0, eq) : a;
          if (eq > 0) this.host.vars.set(key, a.slice(eq + 1));
          if (name === 'export') this.exportVar(key);
        }
        return 0;
      }
      case 'unalias': {
        let status = 0;
        for (const a of argv.slice(1)) {
          if (a === '-a') this.aliases.clear();
          else if (!this.aliases.delete(a)) {
            err.buf.push(`${m.prefix()}unalias: ${a}: not found\n`);
            status = 1;
          }
        }
        return status;
      }
      case 'unset':
        for (const a of argv.slice(1)) {
          if (a.startsWith('-')) continue;
          this.host.vars.delete(a);
          const i = this.host.exported.indexOf(a);
          if (i >= 0) this.host.exported.splice(i, 1);
        }
        return 0;
      case ':':
      case 'true':
        return 0;
      case 'false':
        return 1;
      case 'test':
      case '[': {
        let args = argv.slice(1);
        if (name === '[') {
          if (args[args.length - 1] !== ']') {
            err.buf.push(`${m.prefix()}[: missing \`]'\n`);
            return 2;
          }
          args = args.slice(0, -1);
        }
        return this.test(args) ? 0 : 1;
      }
      default:
        return undefined;
    }
  }

  private test(a: string[]): boolean {
    if (a.length === 0) return false;
    if (a[0] === '!') return !this.test(a.slice(1));
    if (a.length === 1) return a[0] !== '';
    if (a.length === 2) {
      const [op, v = ''] = a;
      const abs = resolvePath(this.host.cwd(), v);
      switch (op) {
        case '-n':
          return v !== '';
        case '-z':
          return v === '';
        case '-e':
          return this.host.fs.read(abs) !== undefined || this.host.fs.isDir(abs);
        case '-f':
        case '-r':
          return this.host.fs.read(abs) !== undefined;
        case '-s':
          return (this.host.fs.read(abs) ?? '') !== '';
        case '-d':
          return this.host.fs.isDir(abs);
        default:
          return false;
      }
    }
    const [x = '', op, y = ''] = a;
    const nx = Number(x);
    const ny = Number(y);
    switch (op) {
      case '=':
      case '==':
        return x === y;
      case '!=':
        return x !== y;
      case '-eq':
        return nx === ny;
      case '-ne':
        return nx !== ny;
      case '-lt':
        return nx < ny;
      case '-le':
        return nx <= ny;
      case '-gt':
        return nx > ny;
      case '-ge':
        return nx >= ny;
      default:
        return false;
    }
  }
}

function hasSubstitution(words: readonly Word[]): boolean {
  return words.some((w) => w.some((p) => p.k === 'cmd'));
}
