/**
 * The terminal feed: commands run on the learner's behalf outside the terminal (the editor's
 * Apply runs `kubectl apply -f FILE` through the same shell), published so the Terminal pane can
 * show them as if they had been typed — the command after a prompt, then its output.
 *
 * API:
 *   publishToTerminal({ command, stdout, stderr, exitCode, source: 'editor' });
 *   const off = subscribeTerminalFeed((entry) => { ... });  // returns the unsubscribe function
 *
 * The command has already run when it is published (through `host.run(command)`, so it is in the
 * session log and the shell's state); the terminal only prints it. Entries published while
 * nobody listens (the terminal not mounted yet) are kept, up to MAX_BACKLOG, and handed to the
 * first subscriber in order.
 */

export interface TerminalFeedEntry {
  /** The command line as typed at the prompt, e.g. `kubectl apply -f deployment.yml`. */
  command: string;
  stdout: string;
  stderr: string;
  exitCode: number;
  /** Which pane ran it (the header's settings controls run `playground …`, the inspector's fault buttons `kubectl annotate`). */
  source: 'editor' | 'header' | 'inspector';
  /**
   * The prompt it ran at, when not the terminal's own (the editor's Apply runs on the master in
   * the workspace directory even while the terminal is inside a container).
   */
  prompt?: string;
}

export type TerminalFeedListener = (entry: TerminalFeedEntry) => void;

const MAX_BACKLOG = 50;
const listeners = new Set<TerminalFeedListener>();
let backlog: TerminalFeedEntry[] = [];

/** Hand an entry to every subscriber (or keep it for the first one). */
export function publishToTerminal(entry: TerminalFeedEntry): void {
  if (listeners.size === 0) {
    backlog.push(entry);
    if (backlog.length > MAX_BACKLOG) backlog = backlog.slice(-MAX_BACKLOG);
    return;
  }
  for (const l of [...listeners]) l(entry);
}

/** Hear every entry published from now on (and any backlog). Returns the unsubscribe function. */
export function subscribeTerminalFeed(listener: TerminalFeedListener): () => void {
  listeners.add(listener);
  const pending = backlog;
  backlog = [];
  for (const e of pending) listener(e);
  return () => {
    listeners.delete(listener);
  };
}
