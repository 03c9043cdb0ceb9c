/**
 * The small text tools learners pipe kubectl into — `grep`, `head`, `tail`, `wc`, `sort`,
 * `uniq`, `cut`, `tr`, `awk '{print $1}'`, `tee` — and the simple ones every shell has: `echo`,
 * `printf`, `sleep` (virtual time passes while the cluster runs), `date` (the virtual clock),
 * `hostname`, `whoami`, `id`, `uname`, `env`, `seq`.
 *
 * Each does the common cases exactly (GNU or busybox wording) and ignores flags it does not know,
 * rather than pretending to a completeness it does not have. `awk` understands one rule:
 * an optional condition (`NR>1`, `/re/`, `$3=="Running"`) and `{print …}`.
 */
import { formatTimestamp } from '../../sim/clock';
import { busyboxDate, MONTHS, parseSleep, WEEKDAYS } from '../../workloads/command';
import type { Dialect, Userland } from '../dialect';
import type { VirtualFs } from '../fs';
import { resolvePath, utf8Length } from '../fs';
import type { Tool, ToolIO } from '../interpreter';
import type { CommandResult } from '../types';
import { localeCompare, splitFlags } from './files';

export interface TextToolContext {
  userland: Userland;
  dialect: Dialect;
  fs: VirtualFs;
  cwd(): string;
  now(): number;
  /** Let virtual time pass (controllers run meanwhile). */
  advance(ms: number): void;
  hostname(): string;
  /** The exported environment, in order (`env`). */
  environment(): Array<[string, string]>;
  /** `uname -r`. */
  kernel: string;
  /** `sort` order: `locale` (en_US.UTF-8: case and punctuation second) or `c` (bytes). */
  collation: 'locale' | 'c';
}

const res = (stdout: string, stderr = '', exitCode = 0): CommandResult => ({
  stdout,
  stderr,
  exitCode,
});

/** Lines of a text (without the empty piece after a final newline). */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines;
}
const joinLines = (lines: readonly string[]): string => lines.map((l) => l + '\n').join('');

/** Backslash escapes as `echo -e` and `printf` read them. */
function unescape(s: string): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i] as string;
    switch (n) {
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case '\\':
        out += '\\';
        break;
      case 'a':
        out += '\x07';
        break;
      case 'e':
        out += '\x1b';
        break;
      case 'c':
        return { text: out, stop: true };
      case '0': {
        const m = /^[0-7]{0,3}/.exec(s.slice(i + 1))?.[0] ?? '';
        out += String.fromCharCode(parseInt(m || '0', 8));
        i += m.length;
        break;
      }
      default:
        out += '\\' + n;
    }
  }
  return { text: out, stop: false };
}

/** A grep pattern (basic or extended) as a JavaScript RegExp source. */
export function grepRegex(pattern: string, extended: boolean, fixed: boolean): string {
  if (fixed) return pattern.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  const classes: Record<string, string> = {
    alpha: 'A-Za-z',
    digit: '0-9',
    alnum: 'A-Za-z0-9',
    upper: 'A-Z',
    lower: 'a-z',
    space: '\\s',
    blank: ' \\t',
    punct: '!-\\/:-@\\[-`{-~',
    xdigit: '0-9A-Fa-f',
  };
  let src = pattern.replace(/\[:([a-z]+):\]/g, (m, name: string) => classes[name] ?? m);
  if (!extended) {
    let out = '';
    for (let i = 0; i < src.length; i++) {
      const c = src[i] as string;
      if (c === '\\' && i + 1 < src.length) {
        const n = src[++i] as string;
        out += '(){}|+?'.includes(n) ? n : n === '<' || n === '>' ? '\\b' : '\\' + n;
      } else if ('(){}|+?'.includes(c)) out += '\\' + c;
      else if (c === '[') {
        const end = src.indexOf(']', i + 2);
        if (end < 0) out += '\\[';
        else {
          out += src.slice(i, end + 1);
          i = end;
        }
      } else out += c;
    }
    src = out;
  } else src = src.replace(/\\[<>]/g, '\\b');
  return src;
}

/** Lines from files (or stdin when there are none): [name, text] pairs, with errors. */
function inputs(
  ctx: TextToolContext,
  tool: string,
  files: readonly string[],
  io: ToolIO,
): { texts: Array<[string, string]>; err: string } {
  const texts: Array<[string, string]> = [];
  let err = '';
  if (files.length === 0) return { texts: [['-', io.stdin ?? '']], err };
  for (const f of files) {
    if (f === '-') {
      texts.push(['(standard input)', io.stdin ?? '']);
      continue;
    }
    const p = resolvePath(ctx.cwd(), f);
    const t = ctx.fs.read(p);
    if (t !== undefined) texts.push([f, t]);
    else if (ctx.fs.isDir(p)) err += `${tool}: ${f}: Is a directory\n`;
    else if (ctx.userland === 'busybox' && tool !== 'grep')
      err += `${tool}: can't open '${f}': No such file or directory\n`;
    else if (tool === 'head' || tool === 'tail')
      err += `${tool}: cannot open '${f}' for reading: No such file or directory\n`;
    else err += `${tool}: ${f}: No such file or directory\n`;
  }
  return { texts, err };
}

/** `-n 5`, `-n5`, `-5`, `--lines=5` (and `-c` bytes). */
function countOption(args: string[]): { n: string | undefined; rest: string[]; bytes: boolean } {
  const rest: string[] = [];
  let n: string | undefined;
  let bytes = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    const m = /^-(n|c)(.*)$/.exec(a);
    if (m) {
      bytes = m[1] === 'c';
      n = m[2] !== '' ? m[2] : args[++i];
    } else if (/^--lines=/.test(a)) n = a.slice(8);
    else if (/^-\d+$/.test(a)) n = a.slice(1);
    else if (a === '-f' || a === '-F' || a === '-q' || a === '-v') continue;
    else rest.push(a);
  }
  return { n, rest, bytes };
}

export function makeTextTools(ctx: TextToolContext): Record<string, Tool> {
  const echo: Tool = (argv) => {
    let args = argv.slice(1);
    let newline = true;
    // dash's echo takes only -n and always reads escapes; bash and busybox take -n -e -E.
    let escapes = ctx.dialect === 'dash';
    while (args.length > 0) {
      const a = args[0] as string;
      const ok = ctx.dialect === 'dash' ? a === '-n' : /^-[neE]+$/.test(a);
      if (!ok) break;
      for (const f of a.slice(1)) {
        if (f === 'n') newline = false;
        else if (f === 'e') escapes = true;
        else if (f === 'E') escapes = false;
      }
      args = args.slice(1);
    }
    let text = args.join(' ');
    if (escapes) {
      const u = unescape(text);
      text = u.text;
      if (u.stop) newline = false;
    }
    return res(text + (newline ? '\n' : ''));
  };

  const printf: Tool = (argv) => {
    const fmt = argv[1];
    if (fmt === undefined) return res('', 'printf: usage: printf [-v var] format [arguments]\n', 2);
    const args = argv.slice(2);
    let out = '';
    let k = 0;
    do {
      const used = k;
      out += unescape(
        fmt.replace(
          /%(-?\d*)(\.\d+)?([sdifxX%])/g,
          (_m, width: string, prec: string | undefined, conv: string) => {
            if (conv === '%') return '%';
            const a = args[k++] ?? '';
            let v: string;
            if (conv === 's') v = prec ? a.slice(0, Number(prec.slice(1))) : a;
            else if (conv === 'f') v = (Number(a) || 0).toFixed(prec ? Number(prec.slice(1)) : 6);
            else if (conv === 'x' || conv === 'X') {
              v = Math.trunc(Number(a) || 0).toString(16);
              if (conv === 'X') v = v.toUpperCase();
            } else v = String(Math.trunc(Number(a) || 0));
            const w = Number(width || 0);
            return w < 0 ? v.padEnd(-w) : v.padStart(w);
          },
        ),
      ).text;
      if (k === used) break;
    } while (k < args.length);
    return res(out);
  };

  const sleep: Tool = (argv) => {
    const args = argv.slice(1);
    const gnu = ctx.userland === 'gnu';
    if (args.length === 0) {
      return res(
        '',
        gnu
          ? "sleep: missing operand\nTry 'sleep --help' for more information.\n"
          : 'sleep: missing operand\n',
        1,
      );
    }
    let total = 0;
    for (const a of args) {
      const ms = parseSleep(a);
      if (ms === undefined) {
        return res(
          '',
          gnu
            ? `sleep: invalid time interval '${a}'\nTry 'sleep --help' for more information.\n`
            : `sleep: invalid number '${a}'\n`,
          1,
        );
      }
      total += ms;
    }
    if (total === Infinity) {
      // Nobody waits forever: the user presses Ctrl-C.
      return res('', '^C\n', 130);
    }
    ctx.advance(total);
    return res('');
  };

  const date: Tool = (argv) => {
    const now = ctx.now();
    const fmt = argv.slice(1).find((a) => a.startsWith('+'));
    if (!fmt) return res(busyboxDate(now) + '\n');
    const iso = formatTimestamp(now);
    const days = Math.floor(now / 86_400_000);
    const y = Number(iso.slice(0, 4));
    const mon = Number(iso.slice(5, 7));
    const d = Number(iso.slice(8, 10));
    const cumulative = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const yday = (cumulative[mon - 1] ?? 0) + d + (leap && mon > 2 ? 1 : 0);
    const map: Record<string, string> = {
      Y: iso.slice(0, 4),
      m: iso.slice(5, 7),
      d: iso.slice(8, 10),
      e: String(d).padStart(2, ' '),
      H: iso.slice(11, 13),
      M: iso.slice(14, 16),
      S: iso.slice(17, 19),
      s: String(Math.floor(now / 1000)),
      F: iso.slice(0, 10),
      T: iso.slice(11, 19),
      a: WEEKDAYS[(((days + 4) % 7) + 7) % 7] ?? 'Mon',
      b: MONTHS[mon - 1] ?? 'Jan',
      Z: 'UTC',
      z: '+0000',
      j: String(yday).padStart(3, '0'),
      N: String((now % 1000) * 1_000_000).padStart(9, '0'),
      '%': '%',
    };
    return res(fmt.slice(1).replace(/%(.)/g, (m, c: string) => map[c] ?? m) + '\n');
  };

  const grep: Tool = (argv, io) => {
    const args = argv.slice(1);
    const opts = new Set<string>();
    const patterns: string[] = [];
    const files: string[] = [];
    let after = 0;
    let before = 0;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-e') patterns.push(args[++i] ?? '');
      else if (/^-[ABC]\d*$/.test(a)) {
        const n = Number(a.length > 2 ? a.slice(2) : args[++i]);
        if (a[1] !== 'B') after = n;
        if (a[1] !== 'A') before = n;
      } else if (a.startsWith('--')) {
        if (a === '--extended-regexp') opts.add('E');
        else if (a === '--ignore-case') opts.add('i');
        else if (a === '--invert-match') opts.add('v');
        else if (a === '--count') opts.add('c');
      } else if (a.startsWith('-') && a.length > 1) for (const c of a.slice(1)) opts.add(c);
      else if (patterns.length === 0 && !args.slice(0, i).includes('-e')) patterns.push(a);
      else files.push(a);
    }
    if (patterns.length === 0) {
      return res(
        '',
        "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n",
        2,
      );
    }
    let re: RegExp;
    try {
      const srcs = patterns.map((p) => {
        const s = grepRegex(p, opts.has('E'), opts.has('F'));
        return opts.has('w')
          ? `(?<![A-Za-z0-9_])(?:${s})(?![A-Za-z0-9_])`
          : opts.has('x')
            ? `^(?:${s})$`
            : s;
      });
      re = new RegExp(srcs.map((s) => `(?:${s})`).join('|'), opts.has('i') ? 'gi' : 'g');
    } catch {
      return res('', 'grep: Unmatched ( or \\(\n', 2);
    }
    const { texts, err } = inputs(ctx, 'grep', files, io);
    const multi = files.length > 1 && !opts.has('h');
    let out = '';
    let any = false;
    for (const [name, text] of texts) {
      const lines = linesOf(text);
      let lastPrinted = -1;
      const prefix = (i: number, sep: string): string =>
        (multi ? `${name}${sep}` : '') + (opts.has('n') ? `${i + 1}${sep}` : '');
      const pending: number[] = [];
      lines.forEach((line, i) => {
        re.lastIndex = 0;
        const hit = re.test(line) !== opts.has('v');
        if (hit) pending.push(i);
      });
      const hits = new Set(pending);
      const count = pending.length;
      if (count > 0) any = true;
      if (opts.has('q')) continue;
      if (opts.has('l')) {
        if (count > 0) out += `${name}\n`;
        continue;
      }
      if (opts.has('c')) {
        out += (multi ? `${name}:` : '') + `${count}\n`;
        continue;
      }
      for (const i of pending) {
        const from = Math.max(0, i - before, lastPrinted + 1);
        if ((before > 0 || after > 0) && lastPrinted >= 0 && from > lastPrinted + 1) out += '--\n';
        for (let j = from; j < i; j++) out += prefix(j, '-') + (lines[j] ?? '') + '\n';
        const line = lines[i] ?? '';
        if (opts.has('o') && !opts.has('v')) {
          re.lastIndex = 0;
          for (const m of line.matchAll(re)) if (m[0] !== '') out += prefix(i, ':') + m[0] + '\n';
        } else out += prefix(i, ':') + line + '\n';
        lastPrinted = i;
        for (let j = i + 1; j <= Math.min(lines.length - 1, i + after); j++) {
          if (hits.has(j)) break;
          out += prefix(j, '-') + (lines[j] ?? '') + '\n';
          lastPrinted = j;
        }
      }
    }
    return res(opts.has('q') ? '' : out, err, err && !any ? 2 : any ? 0 : 1);
  };

  const head: Tool = (argv, io) => {
    const { n, rest, bytes } = countOption(argv.slice(1));
    const count = Number(n ?? 10);
    const { texts, err } = inputs(ctx, 'head', rest, io);
    let out = '';
    texts.forEach(([name, text], k) => {
      if (texts.length > 1) out += `${k > 0 ? '\n' : ''}==> ${name} <==\n`;
      if (bytes) out += count < 0 ? text.slice(0, count) : text.slice(0, count);
      else {
        const lines = linesOf(text);
        out += joinLines(count < 0 ? lines.slice(0, count) : lines.slice(0, count));
      }
    });
    return res(out, err, err ? 1 : 0);
  };

  const tail: Tool = (argv, io) => {
    const { n, rest, bytes } = countOption(argv.slice(1));
    const fromStart = n?.startsWith('+') ?? false;
    const count = Math.abs(Number(n ?? 10));
    const { texts, err } = inputs(ctx, 'tail', rest, io);
    let out = '';
    texts.forEach(([name, text], k) => {
      if (texts.length > 1) out += `${k > 0 ? '\n' : ''}==> ${name} <==\n`;
      if (bytes)
        out += fromStart
          ? text.slice(Math.max(0, count - 1))
          : count === 0
            ? ''
            : text.slice(-count);
      else {
        const lines = linesOf(text);
        out += joinLines(
          fromStart ? lines.slice(Math.max(0, count - 1)) : count === 0 ? [] : lines.slice(-count),
        );
      }
    });
    return res(out, err, err ? 1 : 0);
  };

  const wc: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    let which = ['l', 'w', 'c', 'm'].filter((f) => flags.has(f));
    if (which.length === 0) which = ['l', 'w', 'c'];
    const { texts, err } = inputs(ctx, 'wc', operands, io);
    const counts = texts.map(([name, t]) => ({
      name,
      l: (t.match(/\n/g) ?? []).length,
      w: t.split(/\s+/).filter(Boolean).length,
      c: utf8Length(t),
      m: [...t].length,
    }));
    if (counts.length > 1) {
      const total = { name: 'total', l: 0, w: 0, c: 0, m: 0 };
      for (const c of counts) {
        total.l += c.l;
        total.w += c.w;
        total.c += c.c;
        total.m += c.m;
      }
      counts.push(total);
    }
    const fromStdin = operands.length === 0;
    const width =
      which.length === 1 && counts.length === 1
        ? 1
        : fromStdin
          ? 7
          : Math.max(1, ...counts.map((c) => String(c.c).length));
    const out = counts
      .map((c) => {
        const nums = which.map((f) => String(c[f as 'l']).padStart(width)).join(' ');
        return fromStdin ? nums + '\n' : `${nums} ${c.name}\n`;
      })
      .join('');
    return res(out, err, err ? 1 : 0);
  };

  const sort: Tool = (argv, io) => {
    const args = argv.slice(1);
    const opts = new Set<string>();
    const files: string[] = [];
    let key: number | undefined;
    let sep: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a === '-k' || a.startsWith('-k'))
        key = Number((a.length > 2 ? a.slice(2) : (args[++i] ?? '1')).split(',')[0]);
      else if (a === '-t' || a.startsWith('-t')) sep = a.length > 2 ? a.slice(2) : args[++i];
      else if (a.startsWith('-') && a.length > 1) for (const c of a.slice(1)) opts.add(c);
      else files.push(a);
    }
    const { texts, err } = inputs(ctx, 'sort', files, io);
    let lines = texts.flatMap(([, t]) => linesOf(t));
    const field = (l: string): string => {
      if (key === undefined) return l;
      const parts = sep !== undefined ? l.split(sep) : l.trim().split(/\s+/);
      return parts.slice(key - 1).join(sep ?? ' ');
    };
    const cmp = (a: string, b: string): number => {
      const fa = field(a);
      const fb = field(b);
      if (opts.has('n')) {
        const d = (parseFloat(fa) || 0) - (parseFloat(fb) || 0);
        if (d !== 0) return d;
      } else {
        const x = opts.has('f') ? fa.toLowerCase() : fa;
        const y = opts.has('f') ? fb.toLowerCase() : fb;
        if (ctx.collation === 'locale') {
          const c = localeCompare(x, y);
          if (c !== 0) return c;
        } else if (x !== y) return x < y ? -1 : 1;
      }
      if (ctx.collation === 'locale') return localeCompare(a, b);
      return a < b ? -1 : a > b ? 1 : 0;
    };
    lines = [...lines].sort(cmp);
    if (opts.has('r')) lines.reverse();
    if (opts.has('u'))
      lines = lines.filter((l, i) => i === 0 || cmp(l, lines[i - 1] as string) !== 0);
    return res(joinLines(lines), err, err ? 2 : 0);
  };

  const uniq: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const { texts, err } = inputs(ctx, 'uniq', operands.slice(0, 1), io);
    const lines = texts.flatMap(([, t]) => linesOf(t));
    const groups: Array<{ line: string; n: number }> = [];
    for (const l of lines) {
      const last = groups[groups.length - 1];
      if (last && last.line === l) last.n++;
      else groups.push({ line: l, n: 1 });
    }
    const out = groups
      .filter((g) => (flags.has('d') ? g.n > 1 : flags.has('u') ? g.n === 1 : true))
      .map((g) => (flags.has('c') ? `${String(g.n).padStart(7)} ${g.line}\n` : `${g.line}\n`))
      .join('');
    return res(out, err, err ? 1 : 0);
  };

  /** `1,3`, `2-4`, `3-`: a cut LIST as a predicate on 1-based positions. */
  const listPredicate = (list: string): ((i: number) => boolean) => {
    const ranges = list.split(',').map((r) => {
      const [a, b] = r.split('-');
      const lo = a === '' || a === undefined ? 1 : Number(a);
      const hi = b === undefined ? lo : b === '' ? Infinity : Number(b);
      return [lo, hi] as const;
    });
    return (i) => ranges.some(([lo, hi]) => i >= lo && i <= hi);
  };

  const cut: Tool = (argv, io) => {
    const args = argv.slice(1);
    let delim = '\t';
    let fields: string | undefined;
    let chars: string | undefined;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a.startsWith('-d')) delim = a.length > 2 ? a.slice(2) : (args[++i] ?? '\t');
      else if (a.startsWith('-f')) fields = a.length > 2 ? a.slice(2) : args[++i];
      else if (a.startsWith('-c')) chars = a.length > 2 ? a.slice(2) : args[++i];
      else files.push(a);
    }
    if (fields === undefined && chars === undefined) {
      return res(
        '',
        "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n",
        1,
      );
    }
    const { texts, err } = inputs(ctx, 'cut', files, io);
    const lines = texts.flatMap(([, t]) => linesOf(t));
    const out = lines.map((l) => {
      if (chars !== undefined) {
        const keep = listPredicate(chars);
        return [...l].filter((_, i) => keep(i + 1)).join('');
      }
      if (!l.includes(delim)) return l;
      const keep = listPredicate(fields as string);
      return l
        .split(delim)
        .filter((_, i) => keep(i + 1))
        .join(delim);
    });
    return res(joinLines(out), err, err ? 1 : 0);
  };

  const tr: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const expand = (set: string): string => {
      set = set
        .replace(/\[:upper:\]/g, 'A-Z')
        .replace(/\[:lower:\]/g, 'a-z')
        .replace(/\[:digit:\]/g, '0-9')
        .replace(/\[:space:\]/g, ' \t\n');
      set = unescape(set).text;
      let out = '';
      for (let i = 0; i < set.length; i++) {
        const c = set[i] as string;
        if (set[i + 1] === '-' && i + 2 < set.length) {
          const to = set.charCodeAt(i + 2);
          for (let x = c.charCodeAt(0); x <= to; x++) out += String.fromCharCode(x);
          i += 2;
        } else out += c;
      }
      return out;
    };
    const input = io.stdin ?? '';
    const s1 = expand(operands[0] ?? '');
    if (flags.has('d')) return res([...input].filter((c) => !s1.includes(c)).join(''));
    const s2 = expand(operands[1] ?? '');
    let out = [...input]
      .map((c) => {
        const i = s1.indexOf(c);
        return i < 0 ? c : (s2[Math.min(i, s2.length - 1)] ?? c);
      })
      .join('');
    if (flags.has('s')) {
      const squeeze = s2 || s1;
      out = out.replace(/(.)\1+/g, (m, c: string) => (squeeze.includes(c) ? c : m));
    }
    return res(out);
  };

  const awk: Tool = (argv, io) => {
    const args = argv.slice(1);
    let fs: string | undefined;
    let program: string | undefined;
    const files: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i] as string;
      if (a.startsWith('-F')) fs = a.length > 2 ? a.slice(2) : args[++i];
      else if (program === undefined) program = a;
      else files.push(a);
    }
    if (program === undefined)
      return res('', 'usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n', 2);
    const rule = /^\s*(.*?)\s*(?:\{\s*(.*?)\s*;?\s*\})?\s*$/s.exec(program);
    const cond = (rule?.[1] ?? '').trim();
    const action = rule?.[2];
    const { texts, err } = inputs(ctx, 'awk', files, io);
    const lines = texts.flatMap(([, t]) => linesOf(t));
    let out = '';
    lines.forEach((line, idx) => {
      const nr = idx + 1;
      const fields =
        fs !== undefined
          ? line.split(fs.length === 1 ? fs : new RegExp(fs))
          : line.trim().split(/\s+/).filter(Boolean);
      const value = (tok: string): string => {
        tok = tok.trim();
        if (tok === 'NR') return String(nr);
        if (tok === 'NF') return String(fields.length);
        if (tok === '$0') return line;
        if (tok === '$NF') return fields[fields.length - 1] ?? '';
        const f = /^\$(\d+)$/.exec(tok);
        if (f) return Number(f[1]) === 0 ? line : (fields[Number(f[1]) - 1] ?? '');
        const q = /^"(.*)"$/.exec(tok);
        if (q) return unescape(q[1] ?? '').text;
        return tok;
      };
      const test = (): boolean => {
        if (cond === '') return true;
        const re = /^\/(.*)\/$/.exec(cond);
        if (re) return new RegExp(grepRegex(re[1] ?? '', true, false)).test(line);
        const m = /^(\S+?)\s*(==|!=|>=|<=|>|<|~|!~)\s*(.+)$/.exec(cond);
        if (!m) return true;
        const l = value(m[1] ?? '');
        const rhs = (m[3] ?? '').trim();
        if (m[2] === '~' || m[2] === '!~') {
          const r = new RegExp(grepRegex(rhs.replace(/^\/|\/$/g, ''), true, false)).test(l);
          return m[2] === '~' ? r : !r;
        }
        const r = value(rhs);
        const numeric =
          l !== '' && r !== '' && !Number.isNaN(Number(l)) && !Number.isNaN(Number(r));
        const a: number | string = numeric ? Number(l) : l;
        const b: number | string = numeric ? Number(r) : r;
        switch (m[2]) {
          case '==':
            return a === b;
          case '!=':
            return a !== b;
          case '>':
            return a > b;
          case '<':
            return a < b;
          case '>=':
            return a >= b;
          default:
            return a <= b;
        }
      };
      if (!test()) return;
      if (action === undefined || /^print\s*$/.test(action)) {
        out += line + '\n';
        return;
      }
      const pm = /^print\s+(.*)$/.exec(action);
      if (!pm) return;
      const items = (pm[1] ?? '').match(/"[^"]*"|[^,]+/g) ?? [];
      out +=
        items
          .map((t) =>
            t
              .split(/\s+(?=(?:[^"]*"[^"]*")*[^"]*$)/)
              .filter(Boolean)
              .map(value)
              .join(''),
          )
          .join(' ') + '\n';
    });
    return res(out, err, err ? 2 : 0);
  };

  const tee: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const input = io.stdin ?? '';
    let err = '';
    for (const f of operands) {
      const p = resolvePath(ctx.cwd(), f);
      const e = ctx.fs.write(p, (flags.has('a') ? (ctx.fs.read(p) ?? '') : '') + input);
      if (e)
        err += `tee: ${f}: ${e === 'isdir' ? 'Is a directory' : e === 'denied' ? 'Permission denied' : 'No such file or directory'}\n`;
    }
    return res(input, err, err ? 1 : 0);
  };

  const seq: Tool = (argv) => {
    const nums = argv.slice(1).map(Number);
    if (nums.length === 0 || nums.some((n) => Number.isNaN(n)))
      return res('', 'seq: missing operand\n', 1);
    const [first, step, last] =
      nums.length === 1
        ? [1, 1, nums[0] as number]
        : nums.length === 2
          ? [nums[0] as number, 1, nums[1] as number]
          : (nums as [number, number, number]);
    const out: number[] = [];
    for (let i = first; step > 0 ? i <= last : i >= last; i += step) {
      out.push(i);
      if (out.length >= 100_000 || step === 0) break;
    }
    return res(joinLines(out.map(String)));
  };

  const env: Tool = () =>
    res(
      ctx
        .environment()
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
  const printenv: Tool = (argv) => {
    const names = argv.slice(1);
    if (names.length === 0) return env(argv, { stdin: undefined, tty: false });
    const all = new Map(ctx.environment());
    const vals = names.map((n) => all.get(n)).filter((v): v is string => v !== undefined);
    return res(joinLines(vals), '', vals.length === names.length ? 0 : 1);
  };

  const hostname: Tool = () => res(ctx.hostname() + '\n');
  const whoami: Tool = () => res('root\n');
  const id: Tool = () =>
    res(
      ctx.userland === 'busybox'
        ? 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n'
        : 'uid=0(root) gid=0(root) groups=0(root)\n',
    );
  const uname: Tool = (argv) => {
    const { flags } = splitFlags(argv.slice(1));
    const parts: string[] = [];
    const all = flags.has('a');
    if (all || flags.has('s') || flags.size === 0) parts.push('Linux');
    if (all || flags.has('n')) parts.push(ctx.hostname());
    if (all || flags.has('r')) parts.push(ctx.kernel);
    if (all || flags.has('v')) parts.push('#117-Ubuntu SMP Fri Apr 26 12:26:49 UTC 2024');
    if (all || flags.has('m')) parts.push('x86_64');
    if (all && ctx.userland === 'gnu') parts.push('x86_64', 'x86_64', 'GNU/Linux');
    else if (all) parts.push('GNU/Linux');
    return res(parts.join(' ') + '\n');
  };

  return {
    echo,
    printf,
    sleep,
    date,
    grep,
    head,
    tail,
    wc,
    sort,
    uniq,
    cut,
    tr,
    awk,
    tee,
    seq,
    env,
    printenv,
    hostname,
    whoami,
    id,
    uname,
  };
}
