/**
 * The three shells a learner meets, and how each words its errors:
 *
 *  - `bash`: the nodes' login shell, and `bash` in Debian/Ubuntu images
 *    (`bash: foo: command not found`);
 *  - `ash`: busybox's shell in busybox and Alpine images (`sh: foo: not found`);
 *  - `dash`: Debian's `/bin/sh`, what `sh` is in nginx, httpd, redis… images
 *    (`sh: 1: foo: not found`, with the line number of the interactive session).
 *
 * Tools take their own flavour from the userland: GNU coreutils (`cat: x: No such file or
 * directory`) or busybox applets (`cat: can't open 'x': No such file or directory`).
 */
export type Dialect = 'bash' | 'ash' | 'dash';
export type Userland = 'gnu' | 'busybox';

export interface DialectMessages {
  /** `foo` is not a command. Exit 127. */
  notFound(name: string): string;
  /** `< file` cannot be opened. */
  cannotOpen(path: string): string;
  /** `> file` cannot be created (its directory is missing, or it is a directory). */
  cannotCreate(path: string, why: 'nodir' | 'isdir' | 'denied'): string;
  /** `cd` to something that is not a directory. */
  cd(path: string, why: 'missing' | 'notdir'): string;
  /** The prefix of an error from a builtin (`bash: `, `sh: `, `sh: 3: `). */
  prefix(): string;
  /** A parse error (given in bash's words, as parser.ts words it) in this shell's words. */
  syntax(bashMessage: string): string;
  /** The status of a failed `cd` (bash 1, ash and dash 2). */
  cdStatus: number;
  readonly dialect: Dialect;
}

/** Messages for a dialect; `line()` gives dash the current input line number. */
export function dialectMessages(
  d: Dialect,
  line: () => number = () => 1,
  name = d === 'bash' ? 'bash' : 'sh',
): DialectMessages {
  switch (d) {
    case 'bash':
      return {
        notFound: (n) => `${name}: ${n}: command not found`,
        cannotOpen: (p) => `${name}: ${p}: No such file or directory`,
        cannotCreate: (p, why) =>
          `${name}: ${p}: ${why === 'isdir' ? 'Is a directory' : why === 'denied' ? 'Permission denied' : 'No such file or directory'}`,
        cd: (p, why) =>
          `${name}: cd: ${p}: ${why === 'notdir' ? 'Not a directory' : 'No such file or directory'}`,
        prefix: () => `${name}: `,
        syntax: (m) => `${name}: ${m}`,
        cdStatus: 1,
        dialect: d,
      };
    case 'ash':
      return {
        notFound: (n) => `sh: ${n}: not found`,
        cannotOpen: (p) => `sh: can't open '${p}': No such file or directory`,
        cannotCreate: (p, why) =>
          `sh: can't create ${p}: ${why === 'isdir' ? 'Is a directory' : why === 'denied' ? 'Permission denied' : 'nonexistent directory'}`,
        cd: (p, why) =>
          `sh: cd: can't cd to ${p}: ${why === 'notdir' ? 'Not a directory' : 'No such file or directory'}`,
        prefix: () => 'sh: ',
        syntax: (m) => `sh: ${ashSyntax(m)}`,
        cdStatus: 2,
        dialect: d,
      };
    case 'dash':
      return {
        notFound: (n) => `sh: ${line()}: ${n}: not found`,
        cannotOpen: (p) => `sh: ${line()}: cannot open ${p}: No such file`,
        cannotCreate: (p, why) =>
          `sh: ${line()}: cannot create ${p}: ${why === 'isdir' ? 'Is a directory' : why === 'denied' ? 'Permission denied' : 'Directory nonexistent'}`,
        cd: (p) => `sh: ${line()}: cd: can't cd to ${p}`,
        prefix: () => `sh: ${line()}: `,
        syntax: (m) => `sh: ${line()}: ${dashSyntax(m)}`,
        cdStatus: 2,
        dialect: d,
      };
  }
}

/** The token named in a bash parse error (`newline`, `|`), or undefined. */
function badToken(m: string): string | undefined {
  return /unexpected token `(.*)'$/.exec(m)?.[1];
}

/** busybox ash's wording of a parse error. */
function ashSyntax(m: string): string {
  const tok = badToken(m);
  if (tok !== undefined)
    return tok === 'newline'
      ? 'syntax error: unexpected newline'
      : `syntax error: unexpected "${tok}"`;
  if (m.includes('matching')) return 'syntax error: unterminated quoted string';
  if (m.includes('end of file')) return 'syntax error: unexpected end of file';
  return m;
}

/** dash's wording of a parse error. */
function dashSyntax(m: string): string {
  const tok = badToken(m);
  if (tok !== undefined)
    return tok === 'newline'
      ? 'Syntax error: newline unexpected'
      : `Syntax error: "${tok}" unexpected`;
  if (m.includes('matching')) return 'Syntax error: Unterminated quoted string';
  if (m.includes('end of file')) return 'Syntax error: end of file unexpected';
  return m;
}
