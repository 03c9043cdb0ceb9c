/**
 * The small file-system view the shell tools work on (a node's files, a container's files):
 * absolute paths, files as text, directories known by name. Each shell builds its own: the
 * control-plane node maps `/root/test` onto the workspace, a container layers what was written
 * in it over what its image ships.
 */

export interface FileInfo {
  /** Size in bytes (UTF-8). */
  size: number;
  /** Modification time, virtual ms. */
  mtime: number;
}

export type WriteError = 'nodir' | 'isdir' | 'denied';

export interface VirtualFs {
  /** A file's text, or undefined if there is no such file. */
  read(path: string): string | undefined;
  isDir(path: string): boolean;
  /** Names in a directory, sorted; undefined if it is not a directory. */
  list(dir: string): string[] | undefined;
  /** Create or replace a file. */
  write(path: string, text: string): WriteError | undefined;
  remove(path: string): boolean;
  mkdir?(path: string): WriteError | undefined;
  stat(path: string): FileInfo | undefined;
}

/** Resolve `path` against `cwd` (`~` already expanded by the shell): `.`, `..`, `//`. */
export function resolvePath(cwd: string, path: string): string {
  const abs = path.startsWith('/') ? path : `${cwd === '/' ? '' : cwd}/${path}`;
  const out: string[] = [];
  for (const seg of abs.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return '/' + out.join('/');
}

export const dirname = (path: string): string => {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
};

export const basename = (path: string): string => {
  if (path === '/') return '/';
  const trimmed = path.replace(/\/+$/, '');
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
};

/** Byte length of a string in UTF-8 (what `ls -l` and `wc -c` count). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * A simple in-memory file system: a set of directories and a map of files, with mtimes from a
 * clock. Writing into a directory that does not exist fails as it would on disk.
 */
export class MemoryFs implements VirtualFs {
  private readonly files = new Map<string, { text: string; mtime: number }>();
  private readonly dirs = new Set<string>(['/']);

  constructor(
    private readonly now: () => number,
    dirs: readonly string[] = [],
    files: Readonly<Record<string, string>> = {},
  ) {
    for (const d of dirs) this.addDir(d);
    for (const [p, t] of Object.entries(files)) {
      this.addDir(dirname(p));
      this.files.set(p, { text: t, mtime: now() });
    }
  }

  private addDir(d: string): void {
    for (let p = d; ; p = dirname(p)) {
      this.dirs.add(p);
      if (p === '/') break;
    }
  }

  read(path: string): string | undefined {
    return this.files.get(path)?.text;
  }
  isDir(path: string): boolean {
    return this.dirs.has(path);
  }
  list(dir: string): string[] | undefined {
    if (!this.dirs.has(dir)) return undefined;
    const prefix = dir === '/' ? '/' : dir + '/';
    const names = new Set<string>();
    for (const p of [...this.dirs, ...this.files.keys()]) {
      if (p !== dir && p.startsWith(prefix) && !p.slice(prefix.length).includes('/'))
        names.add(p.slice(prefix.length));
    }
    return [...names].sort();
  }
  write(path: string, text: string): WriteError | undefined {
    if (this.dirs.has(path)) return 'isdir';
    if (!this.dirs.has(dirname(path))) return 'nodir';
    this.files.set(path, { text, mtime: this.now() });
    return undefined;
  }
  remove(path: string): boolean {
    return this.files.delete(path);
  }
  mkdir(path: string): WriteError | undefined {
    if (!this.dirs.has(dirname(path))) return 'nodir';
    if (this.dirs.has(path) || this.files.has(path)) return 'denied';
    this.dirs.add(path);
    return undefined;
  }
  stat(path: string): FileInfo | undefined {
    const f = this.files.get(path);
    if (f) return { size: utf8Length(f.text), mtime: f.mtime };
    return undefined;
  }
}
