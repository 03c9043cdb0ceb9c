/**
 * Workspace files as the editor's tabs: names, languages, the Apply command line. Pure.
 */

/** Where the workspace is in the shell: `/root/test` on the control-plane node. */
export const WORKSPACE_DIR = '/root/test';

/** Monaco's language for a file: YAML (with the Kubernetes schema) or plain text. */
export function languageOf(name: string): 'yaml' | 'plaintext' {
  return /\.ya?ml$/i.test(name) ? 'yaml' : 'plaintext';
}

/**
 * Why a name cannot be used for a new or renamed file, or undefined if it can. Names stay
 * simple (letters, digits, `.`, `-`, `_`) so the Apply command line needs no quoting.
 */
export function fileNameProblem(
  name: string,
  existing: readonly string[],
  current?: string,
): string | undefined {
  if (name === '') return 'Enter a file name.';
  if (name.includes('/')) return 'A file name cannot contain "/": the workspace has no folders.';
  if (name === '.' || name === '..') return `"${name}" is not a file name.`;
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return 'Use letters, digits, ".", "-" and "_" only.';
  if (name.length > 64) return 'Use at most 64 characters.';
  if (name !== current && existing.includes(name)) return `${name} already exists.`;
  return undefined;
}

/** `untitled.yml`, or `untitled-2.yml`, ... whichever is free. */
export function freeFileName(existing: readonly string[], base = 'untitled', ext = '.yml'): string {
  if (!existing.includes(`${base}${ext}`)) return `${base}${ext}`;
  for (let i = 2; ; i++) {
    const name = `${base}-${i}${ext}`;
    if (!existing.includes(name)) return name;
  }
}

/** A word for the shell: as is when safe, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9._/=:@%+-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/**
 * The command the Apply button runs: `kubectl apply -f deployment.yml` when the shell is in the
 * workspace (as the learner would type it), else with the file's full path.
 */
export function applyCommand(name: string, cwd: string): string {
  const path = cwd === WORKSPACE_DIR ? name : `${WORKSPACE_DIR}/${name}`;
  return `kubectl apply -f ${shellQuote(path)}`;
}

/** The tab to show after `removed` goes: its right neighbour, else its left one. */
export function neighbourAfterRemove(
  files: readonly string[],
  removed: string,
): string | undefined {
  const i = files.indexOf(removed);
  const rest = files.filter((f) => f !== removed);
  if (rest.length === 0) return undefined;
  if (i < 0) return rest[0];
  return rest[Math.min(i, rest.length - 1)];
}

/** The first open shows the lesson's Deployment. */
export const FIRST_FILE = 'deployment.yml';

/** The tab to show: the one asked for if it exists, else the lesson's first, else the first. */
export function initialActive(files: readonly string[], wanted?: string): string | undefined {
  if (wanted !== undefined && files.includes(wanted)) return wanted;
  if (files.includes(FIRST_FILE)) return FIRST_FILE;
  return files[0];
}
