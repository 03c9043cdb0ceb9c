/**
 * What a container's command does over time: a tiny POSIX-shell evaluator for the commands
 * learners give busybox-like images (`sleep 3600`, `sh -c "while true; do echo hi; sleep 5; done"`,
 * the docs' liveness example `touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`).
 *
 * It does not run anything: it walks the script once with a virtual time cursor and returns a
 * timeline — when the process exits and with which code, which files appear and disappear (for
 * exec probes), which lines it logs (for `kubectl logs`), which ports a server in it listens on.
 * The same evaluator answers exec probes (`cat /tmp/healthy` at t = 35 s).
 *
 * Supported: `;` `&&` `||` `|` `&` `wait`, `while`/`until`/`for`/`if`, `$VAR`, `${VAR}`,
 * `$(hostname)`, `$(date)`, `$(seq …)`, `> file` / `>> file`, and the usual applets (sleep, echo,
 * printf, touch, rm, cat, test/[, exit, true, false, tail -f, nc -l, httpd -f, ping, wget, …).
 * Left out: arithmetic, functions, here-documents, globbing, job control beyond `& … wait`.
 * An infinite loop is evaluated once; its log lines then repeat with the loop's period.
 */
import { formatTimestamp } from '../sim/clock';

export type ShellFlavour = 'busybox' | 'gnu';

export interface FileEvent {
  atMs: number;
  path: string;
  /** undefined when the file is removed at atMs. */
  content?: string;
}

export interface LogEntry {
  atMs: number;
  text: string;
}

/** Lines an endless loop prints every periodMs, starting at fromMs (offsets inside the period). */
export interface LogRepeat {
  fromMs: number;
  periodMs: number;
  lines: LogEntry[];
}

/** A server started by the command: the image's own server, busybox httpd, or `nc -l`. */
export type StartedServer =
  | { kind: 'image'; args: string[]; atMs: number }
  | { kind: 'httpd'; port: number; docroot: string; atMs: number }
  | { kind: 'tcp'; port: number; atMs: number };

export interface CommandTimeline {
  /** When the process ends by itself; undefined = it runs until it is killed. */
  exit?: { afterMs: number; code: number };
  files: FileEvent[];
  logs: LogEntry[];
  logRepeat?: LogRepeat;
  servers: StartedServer[];
  /** PID 1 reacts to SIGTERM (a `trap … TERM` with `& wait`); otherwise only SIGKILL stops it. */
  handlesSigterm: boolean;
}

export interface CommandOptions {
  flavour: ShellFlavour;
  /** `stdin: true` in the container spec: an interactive shell waits for input forever. */
  stdin?: boolean;
  /** Variables: container env plus HOSTNAME. */
  env?: Readonly<Record<string, string>>;
  podIP?: string;
  /** The container's start time, for `date`. */
  startedAtMs?: number;
  /** Files present at the start (path → content). */
  files?: ReadonlyMap<string, string>;
  /** Binaries that start the image's own server (`nginx`, `redis-server`). */
  serverCommands?: readonly string[];
  /** Extra binaries the image answers, e.g. `redis-cli` → PONG. */
  extraCommands?: Readonly<Record<string, (args: string[]) => { code: number; output: string }>>;
  /** False for distroless images: only extraCommands exist (exec of anything else fails). */
  hasShell?: boolean;
  /** Commands not known to the evaluator: `not-found` (127) or `runs-forever` (an app of an unknown image). */
  unknownCommands?: 'not-found' | 'runs-forever';
}

// ------------------------------------------------------------------ tokens and syntax

type WordPart = { text: string; quote: 'none' | 'single' | 'double' };
type Word = WordPart[];
type Token = { kind: 'word'; word: Word } | { kind: 'op'; op: string };

// Longest first. `>&2`-style duplications are dropped; `&>` is a plain output redirection.
const OPS = ['2>&1', '1>&2', '>&2', '&>', '&&', '||', '>>', '2>', ';', '|', '&', '\n', '>', '<'];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let cur: Word | undefined;
  const push = (p: WordPart): void => {
    if (!cur) cur = [];
    const last = cur[cur.length - 1];
    if (last && last.quote === p.quote) last.text += p.text;
    else cur.push(p);
  };
  const end = (): void => {
    if (cur) out.push({ kind: 'word', word: cur });
    cur = undefined;
  };
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === ' ' || c === '\t') {
      end();
      i++;
      continue;
    }
    if (c === '#' && !cur) {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op && !(op.startsWith('2') && cur) && !(op.startsWith('1') && cur)) {
      end();
      out.push({ kind: 'op', op });
      i += op.length;
      continue;
    }
    if (c === "'") {
      const j = src.indexOf("'", i + 1);
      const stop = j < 0 ? src.length : j;
      push({ text: src.slice(i + 1, stop), quote: 'single' });
      if (!cur) cur = [];
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let text = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\' && j + 1 < src.length && '"\\$`'.includes(src[j + 1] ?? '')) {
          text += src[j + 1];
          j += 2;
        } else if (src.startsWith('$(', j)) {
          const close = matchParen(src, j + 1);
          text += src.slice(j, close + 1);
          j = close + 1;
        } else text += src[j++];
      }
      push({ text, quote: 'double' });
      if (!cur) cur = [];
      i = j + 1;
      continue;
    }
    if (c === '\\' && i + 1 < src.length) {
      if (src[i + 1] === '\n') i += 2;
      else {
        push({ text: src[i + 1] ?? '', quote: 'single' });
        i += 2;
      }
      continue;
    }
    if (src.startsWith('$(', i)) {
      const close = matchParen(src, i + 1);
      push({ text: src.slice(i, close + 1), quote: 'none' });
      i = close + 1;
      continue;
    }
    push({ text: c, quote: 'none' });
    i++;
  }
  end();
  return out;
}

function matchParen(src: string, open: number): number {
  let depth = 0;
  for (let j = open; j < src.length; j++) {
    if (src[j] === '(') depth++;
    else if (src[j] === ')' && --depth === 0) return j;
  }
  return src.length - 1;
}

interface Redirect {
  op: '>' | '>>';
  target: Word;
}
type Simple = { type: 'simple'; words: Word[]; redirects: Redirect[] };
type Cmd =
  | Simple
  | { type: 'while'; until: boolean; cond: List; body: List }
  | { type: 'for'; name: string; items: Word[]; body: List }
  | { type: 'if'; branches: Array<{ cond: List; body: List }>; otherwise?: List };
type Pipeline = Cmd[];
type AndOr = {
  first: Pipeline;
  rest: Array<{ op: '&&' | '||'; p: Pipeline }>;
  background: boolean;
};
type List = AndOr[];

const plain = (w: Word | undefined): string | undefined =>
  w && w.every((p) => p.quote === 'none') ? w.map((p) => p.text).join('') : undefined;

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  parseList(terminators: readonly string[]): List {
    const list: List = [];
    for (;;) {
      this.skipSeparators();
      const t = this.peek();
      if (!t) return list;
      if (t.kind === 'word' && terminators.includes(plain(t.word) ?? '')) return list;
      const ao = this.parseAndOr(terminators);
      if (!ao) return list;
      list.push(ao);
      const sep = this.peek();
      if (sep?.kind === 'op' && sep.op === '&') {
        ao.background = true;
        this.i++;
      }
    }
  }

  private skipSeparators(): void {
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'op' && (t.op === ';' || t.op === '\n')) this.i++;
      else return;
    }
  }

  private peek(): Token | undefined {
    return this.toks[this.i];
  }

  private parseAndOr(terminators: readonly string[]): AndOr | undefined {
    const first = this.parsePipeline(terminators);
    if (!first) return undefined;
    const ao: AndOr = { first, rest: [], background: false };
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'op' && (t.op === '&&' || t.op === '||')) {
        this.i++;
        while (this.peek()?.kind === 'op' && (this.peek() as { op: string }).op === '\n') this.i++;
        const p = this.parsePipeline(terminators);
        if (!p) return ao;
        ao.rest.push({ op: t.op, p });
      } else return ao;
    }
  }

  private parsePipeline(terminators: readonly string[]): Pipeline | undefined {
    const cmds: Cmd[] = [];
    for (;;) {
      const c = this.parseCommand(terminators);
      if (!c) break;
      cmds.push(c);
      const t = this.peek();
      if (t?.kind === 'op' && t.op === '|') this.i++;
      else break;
    }
    return cmds.length > 0 ? cmds : undefined;
  }

  private expectWord(w: string): void {
    const t = this.peek();
    if (t?.kind === 'word' && plain(t.word) === w) this.i++;
  }

  private parseCommand(terminators: readonly string[]): Cmd | undefined {
    const t = this.peek();
    if (!t || t.kind !== 'word') return undefined;
    const kw = plain(t.word);
    if (kw !== undefined && terminators.includes(kw)) return undefined;
    if (kw === 'while' || kw === 'until') {
      this.i++;
      const cond = this.parseList(['do']);
      this.expectWord('do');
      const body = this.parseList(['done']);
      this.expectWord('done');
      return { type: 'while', until: kw === 'until', cond, body };
    }
    if (kw === 'for') {
      this.i++;
      const nameTok = this.peek();
      this.i++;
      const name = nameTok?.kind === 'word' ? (plain(nameTok.word) ?? '') : '';
      const items: Word[] = [];
      if (this.peek()?.kind === 'word' && plain((this.peek() as { word: Word }).word) === 'in') {
        this.i++;
        for (;;) {
          const it = this.peek();
          if (it?.kind !== 'word') break;
          if (plain(it.word) === 'do') break;
          items.push(it.word);
          this.i++;
        }
      }
      this.skipSeparators();
      this.expectWord('do');
      const body = this.parseList(['done']);
      this.expectWord('done');
      return { type: 'for', name, items, body };
    }
    if (kw === 'if') {
      this.i++;
      const branches: Array<{ cond: List; body: List }> = [];
      let otherwise: List | undefined;
      for (;;) {
        const cond = this.parseList(['then']);
        this.expectWord('then');
        const body = this.parseList(['elif', 'else', 'fi']);
        branches.push({ cond, body });
        const next = this.peek();
        const w = next?.kind === 'word' ? plain(next.word) : undefined;
        this.i++;
        if (w === 'elif') continue;
        if (w === 'else') {
          otherwise = this.parseList(['fi']);
          this.expectWord('fi');
        }
        break;
      }
      return otherwise ? { type: 'if', branches, otherwise } : { type: 'if', branches };
    }
    const words: Word[] = [];
    const redirects: Redirect[] = [];
    for (;;) {
      const x = this.peek();
      if (!x) break;
      if (x.kind === 'op') {
        if (x.op === '>' || x.op === '>>' || x.op === '&>') {
          this.i++;
          const target = this.peek();
          if (target?.kind === 'word') {
            redirects.push({ op: x.op === '>>' ? '>>' : '>', target: target.word });
            this.i++;
          }
          continue;
        }
        if (x.op === '<' || x.op === '2>') {
          this.i += 2; // drop the redirection and its target
          continue;
        }
        if (x.op === '2>&1' || x.op === '1>&2' || x.op === '>&2') {
          this.i++;
          continue;
        }
        break;
      }
      words.push(x.word);
      this.i++;
    }
    return { type: 'simple', words, redirects };
  }
}

// ------------------------------------------------------------------ evaluation

type Flow = 'normal' | 'exit' | 'forever';

interface State {
  t: number;
  status: number;
  files: Map<string, string>;
  fileEvents: FileEvent[];
  logs: LogEntry[];
  vars: Map<string, string>;
  jobs: number[];
  servers: StartedServer[];
  trapTerm: boolean;
  usesWait: boolean;
  exitCode?: number;
}

/** busybox `date`'s default format: `Mon Jun  3 08:00:05 UTC 2024`. */
export function busyboxDate(ms: number): string {
  const iso = formatTimestamp(ms); // 2024-06-03T08:00:05Z
  const y = iso.slice(0, 4);
  const mon = Number(iso.slice(5, 7));
  const d = Number(iso.slice(8, 10));
  const days = Math.floor(ms / 86_400_000);
  const wd = WEEKDAYS[(((days + 4) % 7) + 7) % 7] ?? 'Mon';
  return `${wd} ${MONTHS[mon - 1] ?? 'Jan'} ${String(d).padStart(2, ' ')} ${iso.slice(11, 19)} UTC ${y}`;
}
export const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
export const MONTHS = [
  'Jan',
  'Feb',
  'Mar',
  'Apr',
  'May',
  'Jun',
  'Jul',
  'Aug',
  'Sep',
  'Oct',
  'Nov',
  'Dec',
];

const KNOWN_BUILTINS = new Set([
  'sh',
  'ash',
  'bash',
  'dash',
  'exec',
  'sleep',
  'exit',
  'echo',
  'printf',
  'true',
  'false',
  ':',
  'trap',
  'wait',
  'touch',
  'rm',
  'cat',
  'test',
  '[',
  '[[',
  'tail',
  'ping',
  'httpd',
  'nc',
  'netcat',
]);
const FOREVER_APPLETS = new Set(['yes', 'top', 'watch', 'crond', 'syslogd']);
const INSTANT_APPLETS = new Set([
  'cd',
  'export',
  'set',
  'unset',
  'ulimit',
  'umask',
  'mkdir',
  'chmod',
  'chown',
  'cp',
  'mv',
  'ln',
  'ls',
  'env',
  'printenv',
  'hostname',
  'whoami',
  'id',
  'uname',
  'ps',
  'df',
  'free',
  'pwd',
  'wget',
  'curl',
  'nslookup',
  'dig',
  'nc',
  'telnet',
  'traceroute',
  'ip',
  'ifconfig',
  'route',
  'netstat',
  'sync',
  'logger',
  'read',
  'shift',
  'source',
  '.',
  'apk',
  'apt-get',
  'grep',
  'sed',
  'awk',
  'head',
  'wc',
  'sort',
  'uniq',
  'tee',
  'cut',
  'tr',
  'mount',
  'basename',
  'dirname',
  'chroot',
  'kill',
  'which',
]);

/** busybox `sleep` argument: `5`, `0.5`, `2m`, `1h`, `1d`, `infinity`. undefined when invalid. */
export function parseSleep(arg: string): number | undefined {
  if (arg === 'inf' || arg === 'infinity') return Infinity;
  const m = /^(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(arg);
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] ?? ''] ?? 1;
  return Math.round(n * mult * 1000);
}

class Evaluator {
  constructor(private readonly opts: CommandOptions) {}

  /** Whether exec() understands this binary (rather than answering `not found`). */
  knows(name: string): boolean {
    if (this.opts.hasShell === false) return this.opts.extraCommands?.[name] !== undefined;
    return (
      KNOWN_BUILTINS.has(name) ||
      FOREVER_APPLETS.has(name) ||
      INSTANT_APPLETS.has(name) ||
      this.opts.extraCommands?.[name] !== undefined ||
      (this.opts.serverCommands?.includes(name) ?? false)
    );
  }

  private notFound(name: string, st: State): void {
    const msg =
      this.opts.flavour === 'busybox' ? `sh: ${name}: not found` : `sh: 1: ${name}: not found`;
    this.log(st, msg);
    st.status = 127;
  }

  private log(st: State, text: string): void {
    st.logs.push({ atMs: st.t, text });
  }

  private expand(w: Word, st: State): string {
    return w.map((p) => (p.quote === 'single' ? p.text : this.expandVars(p.text, st))).join('');
  }

  private expandVars(s: string, st: State): string {
    return s.replace(
      /\$\(([^()]*(?:\([^()]*\))?[^()]*)\)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|\?)/g,
      (_m, sub: string | undefined, braced: string | undefined, bare: string | undefined) => {
        if (sub !== undefined) return this.substitute(sub.trim(), st);
        const name = braced ?? bare ?? '';
        if (name === '?') return String(st.status);
        return st.vars.get(name) ?? '';
      },
    );
  }

  /** `$(…)`: the few command substitutions scripts use to label their output. */
  private substitute(cmd: string, st: State): string {
    const argv = cmd.split(/\s+/);
    switch (argv[0]) {
      case 'hostname':
        return argv[1] === '-i' ? (this.opts.podIP ?? '') : (st.vars.get('HOSTNAME') ?? '');
      case 'date':
        return busyboxDate((this.opts.startedAtMs ?? 0) + st.t);
      case 'seq': {
        const nums = argv.slice(1).map(Number);
        const [a, b] = nums.length >= 2 ? [nums[0] ?? 1, nums[1] ?? 1] : [1, nums[0] ?? 1];
        const out: number[] = [];
        for (let i = a; i <= b && out.length < 10_000; i++) out.push(i);
        return out.join(' ');
      }
      case 'cat':
        return (st.files.get(argv[1] ?? '') ?? '').replace(/\n$/, '');
      case 'echo':
        return argv.slice(1).join(' ');
      default:
        return '';
    }
  }

  runList(list: List, st: State): Flow {
    for (const ao of list) {
      const flow = ao.background ? this.runBackground(ao, st) : this.runAndOr(ao, st);
      if (flow !== 'normal') return flow;
    }
    return 'normal';
  }

  private runBackground(ao: AndOr, st: State): Flow {
    const start = st.t;
    const sub: State = { ...st, logs: st.logs, fileEvents: st.fileEvents };
    const flow = this.runAndOr(ao, sub);
    st.servers = sub.servers;
    st.trapTerm = sub.trapTerm;
    const repeat = (sub as State & { repeat?: LogRepeat }).repeat;
    if (repeat) (st as State & { repeat?: LogRepeat }).repeat = repeat;
    // A background job's exit does not end the shell; only its duration matters to `wait`.
    st.jobs.push(flow === 'forever' ? Infinity : sub.t);
    st.t = start;
    st.status = 0;
    return 'normal';
  }

  private runAndOr(ao: AndOr, st: State): Flow {
    let flow = this.runPipeline(ao.first, st);
    for (const { op, p } of ao.rest) {
      if (flow !== 'normal') return flow;
      if ((op === '&&' && st.status === 0) || (op === '||' && st.status !== 0))
        flow = this.runPipeline(p, st);
    }
    return flow;
  }

  private runPipeline(p: Pipeline, st: State): Flow {
    if (p.length === 1) return this.runCmd(p[0] as Cmd, st);
    // Members run concurrently: the pipeline lasts as long as its longest member.
    const start = st.t;
    let end = start;
    let flow: Flow = 'normal';
    for (const c of p) {
      st.t = start;
      const f = this.runCmd(c, st);
      if (f === 'forever') flow = 'forever';
      if (f === 'exit' && flow === 'normal') flow = 'normal'; // exit in a pipeline ends a subshell
      end = Math.max(end, st.t);
    }
    st.t = end;
    delete st.exitCode;
    return flow;
  }

  private runCmd(c: Cmd, st: State): Flow {
    switch (c.type) {
      case 'simple':
        return this.runSimple(c, st);
      case 'if': {
        for (const b of c.branches) {
          const f = this.runList(b.cond, st);
          if (f !== 'normal') return f;
          if (st.status === 0) return this.runList(b.body, st);
        }
        st.status = 0;
        return c.otherwise ? this.runList(c.otherwise, st) : 'normal';
      }
      case 'for': {
        const items = c.items.flatMap((w) => this.expand(w, st).split(/\s+/).filter(Boolean));
        for (const item of items.slice(0, 10_000)) {
          st.vars.set(c.name, item);
          const f = this.runList(c.body, st);
          if (f !== 'normal') return f;
        }
        return 'normal';
      }
      case 'while': {
        // Evaluate the condition once; a condition that holds is taken to hold forever.
        const f = this.runList(c.cond, st);
        if (f !== 'normal') return f;
        const holds = c.until ? st.status !== 0 : st.status === 0;
        if (!holds) {
          st.status = 0;
          return 'normal';
        }
        const bodyStart = st.t;
        const firstLog = st.logs.length;
        const bf = this.runList(c.body, st);
        if (bf !== 'normal') return bf;
        const period = st.t - bodyStart;
        const lines = st.logs
          .slice(firstLog)
          .map((l) => ({ atMs: l.atMs - bodyStart, text: l.text }));
        if (lines.length > 0) {
          (st as State & { repeat?: LogRepeat }).repeat = {
            fromMs: bodyStart,
            periodMs: Math.max(1, period),
            lines,
          };
          st.logs.splice(firstLog);
        }
        return 'forever';
      }
    }
  }

  private writeFile(st: State, path: string, content: string | undefined): void {
    if (content === undefined) st.files.delete(path);
    else st.files.set(path, content);
    st.fileEvents.push(
      content === undefined ? { atMs: st.t, path } : { atMs: st.t, path, content },
    );
  }

  private runSimple(c: Simple, st: State): Flow {
    const argv = c.words.map((w) => this.expand(w, st));
    if (argv.length === 0) {
      st.status = 0;
      return 'normal';
    }
    // Leading assignments: `X=1` sets a variable; `X=1 cmd` is dropped (the command runs).
    while (argv.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(argv[0] ?? '')) {
      const a = argv.shift() ?? '';
      const eq = a.indexOf('=');
      if (argv.length === 0) st.vars.set(a.slice(0, eq), a.slice(eq + 1));
    }
    if (argv.length === 0) {
      st.status = 0;
      return 'normal';
    }
    const out = c.redirects.find((r) => r.op === '>' || r.op === '>>');
    if (out) {
      const target = this.expand(out.target, st);
      const logsBefore = st.logs.length;
      const flow = this.exec(argv, st);
      const written = st.logs.splice(logsBefore).map((l) => l.text + '\n');
      if (target !== '/dev/null' && target !== '/dev/stdout' && target !== '/proc/1/fd/1') {
        const prev = out.op === '>>' ? (st.files.get(target) ?? '') : '';
        this.writeFile(st, target, prev + written.join(''));
      }
      return flow;
    }
    return this.exec(argv, st);
  }

  /** Run one command (argv already expanded). */
  exec(argv: string[], st: State): Flow {
    const name = (argv[0] ?? '').split('/').pop() ?? '';
    const args = argv.slice(1);
    const extra = this.opts.extraCommands?.[name];
    if (extra) {
      const r = extra(args);
      if (r.output) for (const line of r.output.split('\n')) this.log(st, line);
      st.status = r.code;
      return 'normal';
    }
    if (this.opts.serverCommands?.includes(name)) {
      st.servers.push({ kind: 'image', args, atMs: st.t });
      return 'forever';
    }
    switch (name) {
      case 'sh':
      case 'ash':
      case 'bash':
      case 'dash': {
        const ci = args.findIndex((a) => /^-[a-z]*c[a-z]*$/.test(a));
        if (ci < 0) {
          if (args.length > 0 && !args[0]?.startsWith('-')) {
            this.log(st, `${name}: can't open '${args[0] ?? ''}': No such file or directory`);
            st.status = name === 'bash' ? 127 : 2;
            return 'normal';
          }
          // An interactive shell reads stdin: without one it sees EOF and exits 0 at once.
          if (this.opts.stdin) return 'forever';
          st.status = 0;
          return 'normal';
        }
        const script = args[ci + 1];
        if (script === undefined) {
          this.log(st, `${name}: -c requires an argument`);
          st.status = 2;
          return 'normal';
        }
        const flow = this.runScript(script, st);
        if (flow === 'exit') {
          st.status = st.exitCode ?? st.status;
          delete st.exitCode;
          return 'normal';
        }
        return flow;
      }
      case 'exec':
        return args.length > 0 ? this.exec(args, st) : 'normal';
      case 'sleep': {
        if (args.length === 0) {
          this.log(st, 'sleep: missing operand');
          st.status = 1;
          return 'normal';
        }
        let total = 0;
        for (const a of args) {
          const ms = parseSleep(a);
          if (ms === undefined) {
            this.log(st, `sleep: invalid number '${a}'`);
            st.status = 1;
            return 'normal';
          }
          total += ms;
        }
        if (total === Infinity) return 'forever';
        st.t += total;
        st.status = 0;
        return 'normal';
      }
      case 'exit': {
        const n = args[0] !== undefined ? Number(args[0]) : st.status;
        st.exitCode = Number.isFinite(n) ? ((n % 256) + 256) % 256 : 2;
        st.status = st.exitCode;
        return 'exit';
      }
      case 'echo': {
        let rest = args;
        let newline = true;
        while (rest[0] === '-n' || rest[0] === '-e' || rest[0] === '-ne' || rest[0] === '-en') {
          if (rest[0].includes('n')) newline = false;
          rest = rest.slice(1);
        }
        const text = rest.join(' ').replace(/\\n/g, '\n');
        for (const line of (newline ? text : text.replace(/\n$/, '')).split('\n'))
          this.log(st, line);
        st.status = 0;
        return 'normal';
      }
      case 'printf': {
        const fmt = args[0] ?? '';
        let k = 1;
        const text = fmt
          .replace(/%[sd]/g, () => args[k++] ?? '')
          .replace(/\\n/g, '\n')
          .replace(/\\t/g, '\t');
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        for (const line of lines) this.log(st, line);
        st.status = 0;
        return 'normal';
      }
      case 'true':
      case ':':
        st.status = 0;
        return 'normal';
      case 'false':
        st.status = 1;
        return 'normal';
      case 'trap': {
        const sigs = args.slice(1).map((s) => s.toUpperCase());
        if (sigs.some((s) => s === 'TERM' || s === 'SIGTERM' || s === '15')) st.trapTerm = true;
        st.status = 0;
        return 'normal';
      }
      case 'wait': {
        st.usesWait = true;
        const until = Math.max(st.t, ...st.jobs);
        st.jobs = [];
        if (until === Infinity) return 'forever';
        st.t = until;
        st.status = 0;
        return 'normal';
      }
      case 'touch':
        for (const f of args.filter((a) => !a.startsWith('-')))
          this.writeFile(st, f, st.files.get(f) ?? '');
        st.status = 0;
        return 'normal';
      case 'rm':
        for (const f of args.filter((a) => !a.startsWith('-'))) this.writeFile(st, f, undefined);
        st.status = 0;
        return 'normal';
      case 'cat': {
        const files = args.filter((a) => !a.startsWith('-'));
        st.status = 0;
        for (const f of files) {
          const content = st.files.get(f);
          if (content === undefined) {
            this.log(
              st,
              this.opts.flavour === 'busybox'
                ? `cat: can't open '${f}': No such file or directory`
                : `cat: ${f}: No such file or directory`,
            );
            st.status = 1;
          } else if (content !== '') {
            for (const line of content.replace(/\n$/, '').split('\n')) this.log(st, line);
          }
        }
        return 'normal';
      }
      case 'test':
      case '[':
      case '[[': {
        const a = name === 'test' ? args : args.slice(0, -1);
        st.status = this.test(a, st) ? 0 : 1;
        return 'normal';
      }
      case 'tail':
        if (args.includes('-f') || args.includes('-F')) return 'forever';
        st.status = 0;
        return 'normal';
      case 'ping': {
        const ci = args.indexOf('-c');
        if (ci < 0) return 'forever';
        st.t += Math.max(0, Number(args[ci + 1] ?? 1) - 1) * 1000;
        st.status = 0;
        return 'normal';
      }
      case 'httpd': {
        // busybox httpd: `-f` keeps it in the foreground, `-p` port (default 80), `-h` docroot.
        const pi = args.indexOf('-p');
        const hi = args.indexOf('-h');
        const port = Number((args[pi + 1] ?? '80').split(':').pop());
        st.servers.push({
          kind: 'httpd',
          port: pi >= 0 && Number.isFinite(port) ? port : 80,
          docroot: hi >= 0 ? (args[hi + 1] ?? '/www') : '/www',
          atMs: st.t,
        });
        if (args.some((a) => /^-[a-z]*f/.test(a))) return 'forever';
        st.status = 0;
        return 'normal';
      }
      case 'nc':
      case 'netcat': {
        if (!args.some((a) => /^-[a-z]*l/.test(a))) break;
        const pi = args.indexOf('-p');
        const numeric = args.filter((a) => /^\d+$/.test(a));
        const port = Number(pi >= 0 ? args[pi + 1] : numeric[numeric.length - 1]);
        if (Number.isFinite(port)) st.servers.push({ kind: 'tcp', port, atMs: st.t });
        return 'forever';
      }
      default:
        break;
    }
    if (FOREVER_APPLETS.has(name)) return 'forever';
    if (INSTANT_APPLETS.has(name) || name === 'nc' || name === 'netcat') {
      st.status = 0;
      return 'normal';
    }
    if (this.opts.unknownCommands === 'runs-forever') {
      // An unknown image's own program: assume it is the long-running app.
      st.servers.push({ kind: 'image', args, atMs: st.t });
      return 'forever';
    }
    this.notFound(argv[0] ?? name, st);
    return 'normal';
  }

  private test(a: string[], st: State): boolean {
    if (a[0] === '!') return !this.test(a.slice(1), st);
    if (a.length === 2) {
      const [op, f = ''] = a;
      if (op === '-e' || op === '-f' || op === '-r' || op === '-s') {
        const c = st.files.get(f);
        return c !== undefined && (op !== '-s' || c !== '');
      }
      if (op === '-d') return DIRECTORIES.has(f);
      if (op === '-n') return f !== '';
      if (op === '-z') return f === '';
    }
    if (a.length === 3) {
      const [x, op, y] = a;
      if (op === '=' || op === '==') return x === y;
      if (op === '!=') return x !== y;
      const nx = Number(x);
      const ny = Number(y);
      if (op === '-eq') return nx === ny;
      if (op === '-ne') return nx !== ny;
      if (op === '-lt') return nx < ny;
      if (op === '-gt') return nx > ny;
      if (op === '-le') return nx <= ny;
      if (op === '-ge') return nx >= ny;
    }
    return a.length === 1 && a[0] !== '';
  }

  runScript(script: string, st: State): Flow {
    const list = new Parser(tokenize(script)).parseList([]);
    return this.runList(list, st);
  }
}

const DIRECTORIES = new Set(['/', '/tmp', '/etc', '/var', '/usr', '/bin', '/root', '/home']);

function newState(opts: CommandOptions): State {
  const vars = new Map(Object.entries(opts.env ?? {}));
  return {
    t: 0,
    status: 0,
    files: new Map(opts.files ?? []),
    fileEvents: [],
    logs: [],
    vars,
    jobs: [],
    servers: [],
    trapTerm: false,
    usesWait: false,
  };
}

/** Evaluate a container's argv (entrypoint + args, as the runtime would exec it). */
export function evaluateCommand(argv: readonly string[], opts: CommandOptions): CommandTimeline {
  const st = newState(opts);
  const ev = new Evaluator(opts);
  const flow = ev.exec([...argv], st);
  const repeat = (st as State & { repeat?: LogRepeat }).repeat;
  const out: CommandTimeline = {
    files: st.fileEvents,
    logs: st.logs,
    servers: st.servers,
    handlesSigterm: st.trapTerm && st.usesWait,
  };
  if (repeat) out.logRepeat = repeat;
  if (flow === 'exit') out.exit = { afterMs: st.t, code: st.exitCode ?? st.status };
  else if (flow === 'normal') {
    // The shell waits for nothing else: background jobs die with it.
    out.exit = { afterMs: st.t, code: st.status };
  }
  return out;
}

/**
 * Run a command inside a running container (an exec probe, `kubectl exec`): instantaneous, against
 * the files present at that moment. Returns the exit code and combined output.
 */
export function execInContainer(
  argv: readonly string[],
  opts: CommandOptions,
): { exitCode: number; output: string } {
  const st = newState({ ...opts, stdin: false });
  const ev = new Evaluator({ ...opts, unknownCommands: 'not-found', serverCommands: [] });
  const name = (argv[0] ?? '').split('/').pop() ?? '';
  if (!ev.knows(name)) {
    // Not found by the runtime itself (no shell involved): runc's error, as kubectl exec shows it.
    return {
      exitCode: 126,
      output: `OCI runtime exec failed: exec failed: unable to start container process: exec: "${argv[0] ?? ''}": executable file not found in $PATH: unknown`,
    };
  }
  const flow = ev.exec([...argv], st);
  const output = st.logs.map((l) => l.text).join('\n');
  if (flow === 'forever') return { exitCode: 0, output };
  return { exitCode: flow === 'exit' ? (st.exitCode ?? st.status) : st.status, output };
}
