/**
 * File tools over a VirtualFs — `ls`, `cat`, `touch`, `rm`, `cp`, `mv`, `mkdir`, `pwd`, `cd` —
 * worded as GNU coreutils (the nodes, Debian-based images) or busybox (busybox, Alpine) word
 * them. `ls` prints columns on a terminal and one name per line into a pipe, as both do.
 *
 * Left out: permissions and owners other than root, symlinks, recursive listings, most flags
 * (unknown ones are ignored rather than refused).
 */
import { MONTHS } from '../../workloads/command';
import { formatTimestamp } from '../../sim/clock';
import type { DialectMessages, Userland } from '../dialect';
import type { VirtualFs } from '../fs';
import { basename, dirname, resolvePath } from '../fs';
import type { Tool } from '../interpreter';
import type { CommandResult } from '../types';

export interface FileToolContext {
  fs: VirtualFs;
  userland: Userland;
  messages: DialectMessages;
  cwd(): string;
  setCwd(path: string): void;
  home(): string;
  now(): number;
  /** Terminal width for `ls` columns (80). */
  columns: number;
  /** `ls` order: `locale` (en_US.UTF-8: case and punctuation ignored) or `c` (bytes). */
  collation: 'locale' | 'c';
}

const res = (stdout: string, stderr = '', exitCode = 0): CommandResult => ({
  stdout,
  stderr,
  exitCode,
});

/** Split `-la` style flags from operands (`--` ends flags; `-` alone is an operand). */
export function splitFlags(args: readonly string[]): { flags: Set<string>; operands: string[] } {
  const flags = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (!done && a === '--') done = true;
    else if (!done && a.startsWith('--')) flags.add(a);
    else if (!done && a.startsWith('-') && a.length > 1) for (const c of a.slice(1)) flags.add(c);
    else operands.push(a);
  }
  return { flags, operands };
}

/**
 * Names laid out in columns, filled top to bottom. GNU ls (`calculate_columns`): as many columns
 * as fit in the width, each as wide as its longest name plus two spaces (the last column without
 * them). busybox ls: one width for all columns (longest name plus two).
 */
export function columnate(names: readonly string[], width: number, userland: Userland): string {
  if (names.length === 0) return '';
  const n = names.length;
  let best: { cols: number; rows: number; widths: number[] } | undefined;
  if (userland === 'busybox') {
    const w = Math.max(...names.map((s) => s.length)) + 2;
    const cols = Math.max(1, Math.min(n, Math.floor(width / w)));
    const rows = Math.ceil(n / cols);
    best = { cols, rows, widths: new Array<number>(cols).fill(w) };
  } else {
    for (let cols = Math.min(n, Math.floor(width / 3)); cols >= 1; cols--) {
      const rows = Math.ceil(n / cols);
      const used = Math.ceil(n / rows);
      const widths: number[] = [];
      for (let c = 0; c < used; c++) {
        let w = 0;
        for (let r = 0; r < rows; r++) {
          const s = names[c * rows + r];
          if (s !== undefined) w = Math.max(w, s.length);
        }
        widths.push(w + (c === used - 1 ? 0 : 2));
      }
      const total = widths.reduce((a, b) => a + b, 0);
      if (total < width || cols === 1) {
        best = { cols: used, rows, widths };
        break;
      }
    }
  }
  const { cols, rows, widths } = best as NonNullable<typeof best>;
  const lines: string[] = [];
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < cols; c++) {
      const s = names[c * rows + r];
      if (s === undefined) continue;
      const isLast = names[(c + 1) * rows + r] === undefined;
      line += isLast ? s : s.padEnd(widths[c] as number);
    }
    lines.push(line);
  }
  return lines.join('\n') + '\n';
}

/** strcoll in en_US.UTF-8, roughly: letters and digits first, case-insensitively, then bytes. */
export function localeCompare(a: string, b: string): number {
  const key = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const ka = key(a);
  const kb = key(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  // glibc puts lower case before upper case on a tie.
  return a === b ? 0 : a > b ? -1 : 1;
}

/** `ls`'s order: in a UTF-8 locale case and punctuation are ignored; in the C locale, bytes. */
function lsSort(names: string[], collation: 'locale' | 'c'): string[] {
  if (collation === 'c') return [...names].sort();
  return [...names].sort(localeCompare);
}

/** `Jun  3 08:10`, or `Jun  3  2023` for times more than six months away. */
function lsDate(ms: number, now: number): string {
  const iso = formatTimestamp(ms);
  const mon = MONTHS[Number(iso.slice(5, 7)) - 1] ?? 'Jan';
  const day = String(Number(iso.slice(8, 10))).padStart(2, ' ');
  const recent = Math.abs(now - ms) < 182 * 86_400_000;
  return `${mon} ${day} ${recent ? iso.slice(11, 16) : ` ${iso.slice(0, 4)}`}`;
}

export function makeFileTools(ctx: FileToolContext): Record<string, Tool> {
  const gnu = ctx.userland === 'gnu';
  const abs = (p: string): string => resolvePath(ctx.cwd(), p);
  const exists = (p: string): boolean => ctx.fs.read(p) !== undefined || ctx.fs.isDir(p);

  const ls: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const long = flags.has('l');
    const all = flags.has('a');
    const almost = flags.has('A');
    const one = flags.has('1') || long || !io.tty;
    const targets = operands.length > 0 ? operands : ['.'];
    let stderr = '';
    let status = 0;
    const fileOps: string[] = [];
    const dirOps: string[] = [];
    for (const t of targets) {
      const p = abs(t);
      if (ctx.fs.isDir(p)) dirOps.push(t);
      else if (ctx.fs.read(p) !== undefined) fileOps.push(t);
      else {
        stderr += gnu
          ? `ls: cannot access '${t}': No such file or directory\n`
          : `ls: ${t}: No such file or directory\n`;
        status = gnu ? 2 : 1;
      }
    }
    const render = (entries: Array<{ name: string; path: string }>, withTotal: boolean): string => {
      if (!long) {
        const names = entries.map((e) => e.name);
        return one
          ? names.map((s) => s + '\n').join('')
          : columnate(names, ctx.columns, ctx.userland);
      }
      const rows = entries.map((e) => {
        const dir = ctx.fs.isDir(e.path);
        const st = ctx.fs.stat(e.path);
        const size = dir ? 4096 : (st?.size ?? 0);
        const mtime = st?.mtime ?? ctx.now();
        return {
          mode: dir ? 'drwxr-xr-x' : '-rw-r--r--',
          links: dir ? 2 : 1,
          size,
          date: lsDate(mtime, ctx.now()),
          name: e.name,
          blocks: dir ? 4 : Math.ceil(size / 4096) * 4,
        };
      });
      let out = withTotal ? `total ${rows.reduce((a, r) => a + r.blocks, 0)}\n` : '';
      if (gnu) {
        const lw = Math.max(1, ...rows.map((r) => String(r.links).length));
        const sw = Math.max(1, ...rows.map((r) => String(r.size).length));
        for (const r of rows) {
          out += `${r.mode} ${String(r.links).padStart(lw)} root root ${String(r.size).padStart(sw)} ${r.date} ${r.name}\n`;
        }
      } else {
        for (const r of rows) {
          out += `${r.mode} ${String(r.links).padStart(4)} root     root     ${String(r.size).padStart(9)} ${r.date} ${r.name}\n`;
        }
      }
      return out;
    };
    let stdout = '';
    if (fileOps.length > 0) {
      stdout += render(
        lsSort(fileOps, ctx.collation).map((t) => ({ name: t, path: abs(t) })),
        false,
      );
    }
    const sortedDirs = lsSort(dirOps, ctx.collation);
    sortedDirs.forEach((t, i) => {
      const p = abs(t);
      let names = (ctx.fs.list(p) ?? []).filter((n) => all || almost || !n.startsWith('.'));
      names = lsSort(names, ctx.collation);
      if (all) names = ['.', '..', ...names];
      const entries = names.map((name) => ({
        name,
        path: name === '.' ? p : name === '..' ? dirname(p) : resolvePath(p, name),
      }));
      if (targets.length > 1) stdout += `${i > 0 || fileOps.length > 0 ? '\n' : ''}${t}:\n`;
      stdout += render(entries, true);
    });
    return res(stdout, stderr, status);
  };

  const cat: Tool = (argv, io) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const files = operands.length > 0 ? operands : ['-'];
    let out = '';
    let err = '';
    let status = 0;
    for (const f of files) {
      if (f === '-') {
        out += io.stdin ?? '';
        continue;
      }
      const p = abs(f);
      const text = ctx.fs.read(p);
      if (text !== undefined) out += text;
      else if (ctx.fs.isDir(p)) {
        err += gnu ? `cat: ${f}: Is a directory\n` : `cat: read error: Is a directory\n`;
        status = 1;
      } else {
        err += gnu
          ? `cat: ${f}: No such file or directory\n`
          : `cat: can't open '${f}': No such file or directory\n`;
        status = 1;
      }
    }
    if (flags.has('n') && out !== '') {
      const lines = out.split('\n');
      const trailing = out.endsWith('\n');
      if (trailing) lines.pop();
      out =
        lines.map((l, i) => `${String(i + 1).padStart(6)}\t${l}`).join('\n') +
        (trailing ? '\n' : '');
    }
    return res(out, err, status);
  };

  const touch: Tool = (argv) => {
    const { operands } = splitFlags(argv.slice(1));
    let err = '';
    for (const f of operands) {
      const p = abs(f);
      if (ctx.fs.isDir(p)) continue;
      const e = ctx.fs.write(p, ctx.fs.read(p) ?? '');
      if (e)
        err += gnu
          ? `touch: cannot touch '${f}': ${e === 'denied' ? 'Permission denied' : 'No such file or directory'}\n`
          : `touch: ${f}: ${e === 'denied' ? 'Permission denied' : 'No such file or directory'}\n`;
    }
    if (operands.length === 0) return res('', 'touch: missing file operand\n', 1);
    return res('', err, err ? 1 : 0);
  };

  const rm: Tool = (argv) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    const force = flags.has('f');
    let err = '';
    for (const f of operands) {
      const p = abs(f);
      if (ctx.fs.isDir(p)) {
        err += gnu ? `rm: cannot remove '${f}': Is a directory\n` : `rm: '${f}' is a directory\n`;
      } else if (!ctx.fs.remove(p) && !force) {
        err += gnu
          ? `rm: cannot remove '${f}': No such file or directory\n`
          : `rm: can't remove '${f}': No such file or directory\n`;
      }
    }
    if (operands.length === 0 && !force) return res('', 'rm: missing operand\n', 1);
    return res('', err, err ? 1 : 0);
  };

  /** cp and mv: one source, a destination file or directory. */
  const copy =
    (name: 'cp' | 'mv'): Tool =>
    (argv) => {
      const { operands } = splitFlags(argv.slice(1));
      if (operands.length < 2) {
        return res(
          '',
          operands.length === 0
            ? `${name}: missing file operand\n`
            : `${name}: missing destination file operand after '${operands[0] ?? ''}'\n`,
          1,
        );
      }
      const [src = '', dstArg = ''] = operands;
      const from = abs(src);
      const text = ctx.fs.read(from);
      if (text === undefined) {
        const why = ctx.fs.isDir(from) ? 'omitting directory' : undefined;
        if (why && name === 'cp')
          return res('', `cp: -r not specified; omitting directory '${src}'\n`, 1);
        return res(
          '',
          gnu
            ? `${name}: cannot stat '${src}': No such file or directory\n`
            : `${name}: can't stat '${src}': No such file or directory\n`,
          1,
        );
      }
      let to = abs(dstArg);
      if (ctx.fs.isDir(to)) to = resolvePath(to, basename(from));
      if (to === from) return res('', `${name}: '${src}' and '${dstArg}' are the same file\n`, 1);
      const e = ctx.fs.write(to, text);
      if (e) {
        return res(
          '',
          `${name}: cannot create regular file '${dstArg}': ${e === 'denied' ? 'Permission denied' : 'No such file or directory'}\n`,
          1,
        );
      }
      if (name === 'mv') ctx.fs.remove(from);
      return res('');
    };

  const mkdir: Tool = (argv) => {
    const { flags, operands } = splitFlags(argv.slice(1));
    let err = '';
    for (const d of operands) {
      const p = abs(d);
      if (flags.has('p') && ctx.fs.isDir(p)) continue;
      if (exists(p)) {
        err += gnu
          ? `mkdir: cannot create directory ‘${d}’: File exists\n`
          : `mkdir: can't create directory '${d}': File exists\n`;
        continue;
      }
      const e = ctx.fs.mkdir ? ctx.fs.mkdir(p) : 'denied';
      if (e) {
        const why = e === 'nodir' ? 'No such file or directory' : 'Permission denied';
        err += gnu
          ? `mkdir: cannot create directory ‘${d}’: ${why}\n`
          : `mkdir: can't create directory '${d}': ${why}\n`;
      }
    }
    if (operands.length === 0) return res('', 'mkdir: missing operand\n', 1);
    return res('', err, err ? 1 : 0);
  };

  const pwd: Tool = () => res(ctx.cwd() + '\n');

  const cd: Tool = (argv) => {
    const arg = argv.slice(1).find((a) => a !== '--');
    const target = arg === undefined || arg === '~' ? ctx.home() : arg;
    const p = abs(target);
    if (!ctx.fs.isDir(p)) {
      const why = ctx.fs.read(p) !== undefined ? 'notdir' : 'missing';
      return res('', ctx.messages.cd(target, why) + '\n', ctx.messages.cdStatus);
    }
    ctx.setCwd(p);
    return res('');
  };

  return { ls, cat, touch, rm, cp: copy('cp'), mv: copy('mv'), mkdir, pwd, cd };
}
