/**
 * Types shared by the virtual shell and the commands it runs (kubectl, busybox tools, ...).
 */

/** What every command returns: stdout and stderr stay apart, as in a real shell. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export const ok = (stdout = ''): CommandResult => ({ stdout, stderr: '', exitCode: 0 });
export const fail = (stderr: string, exitCode = 1): CommandResult => ({
  stdout: '',
  stderr,
  exitCode,
});

/**
 * The workspace: the files of `/root/test` on the control-plane node (the editor's tabs in the UI).
 * Paths are names relative to the workspace; no sub-directories.
 */
export interface Workspace {
  list(): string[];
  read(name: string): string | undefined;
  write(name: string, text: string): void;
  remove(name: string): boolean;
  rename(from: string, to: string): boolean;
  /** Called after every change (write, remove, rename) with the file's name. */
  subscribe(listener: (name: string) => void): () => void;
}
