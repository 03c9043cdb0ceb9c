/**
 * Types shared by the virtual shell and the commands it runs (kubectl, busybox tools, ...).
 */

/** What every command returns: stdout and stderr stay apart, as in a real shell. */
export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  /**
   * Virtual time the command asked to pass that has not passed yet: a lone `sleep N` typed at a
   * host that plays it as a visible fast-forward (Shell.deferSleep). The host lets it pass
   * before the next prompt.
   */
  sleepMs?: number;
  /**
   * stdout and stderr as a terminal showed them, when the shell knows their order (leaving an
   * `ssh` session: bash's `logout`, then ssh's `Connection to node1 closed.`).
   */
  screen?: string;
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

/** What `clear` prints (xterm's clear screen + clear scrollback); a terminal may act on it. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J\x1b[3J';

/** What a line typed into a nested session (a container shell) gave, and whether it ended it. */
export interface SessionResult extends CommandResult {
  ended: boolean;
}

/**
 * A shell running "inside" the terminal's shell — `kubectl exec -it POD -- sh` — that reads the
 * lines typed next, with its own prompt, until it ends.
 */
export interface ShellSession {
  prompt(): string;
  run(input: string): SessionResult;
  /** The terminal closed it (Ctrl-D, a reset). */
  close(): void;
}

/**
 * Offered by a shell to the commands it runs (a KubectlEnv built by the shell carries it):
 * `kubectl exec -it … -- sh` hands its session over instead of returning at once.
 */
export interface SessionHost {
  enterSession?(session: ShellSession): void;
}
