/**
 * What survives a reload: the session as a log of what the learner did, with the virtual time of
 * each step — commands typed at the terminal and edits of workspace files made outside the shell
 * (the editor). Replaying the log against a fresh cluster with the same seed rebuilds the same
 * cluster, byte for byte: the engine is deterministic, and every step happens at the same virtual
 * instant as before.
 */
import type { ClusterRequest } from '../../engine';

export type LogEntry =
  | { at: number; op: 'run'; input: string }
  /** Run on the master whatever the terminal is in (the editor's Apply: Shell.runOnMaster). */
  | { at: number; op: 'run-on-master'; input: string }
  | { at: number; op: 'write'; name: string; text: string }
  | { at: number; op: 'remove'; name: string }
  | { at: number; op: 'rename'; from: string; to: string }
  /**
   * A request sent from the page (the Send request form): it draws from the cluster's random
   * source and leaves conntrack entries and counters, so a replay must send it again.
   */
  | { at: number; op: 'request'; request: ClusterRequest }
  /** A batch of a Load (the Trace panel): the same request sent `count` times in a row. */
  | { at: number; op: 'load'; request: ClusterRequest; count: number };

export interface SavedSession {
  version: 1;
  seed: number;
  /** The workspace the session started from. */
  files: Record<string, string>;
  log: LogEntry[];
  /** The virtual time when the session was last saved. */
  now: number;
}

export const SESSION_KEY = 'k8s-playground/session';

export function parseSession(text: string | null): SavedSession | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as Partial<SavedSession>;
    if (
      v.version !== 1 ||
      typeof v.seed !== 'number' ||
      typeof v.now !== 'number' ||
      !Array.isArray(v.log) ||
      typeof v.files !== 'object' ||
      v.files === null
    ) {
      return undefined;
    }
    return v as SavedSession;
  } catch {
    return undefined;
  }
}

/**
 * Consecutive edits of the same file collapse into the last one: nothing read the file in
 * between (a command would be an entry of its own), so only the final text matters.
 */
export function appendEntry(log: LogEntry[], entry: LogEntry): void {
  const last = log.at(-1);
  if (entry.op === 'write' && last?.op === 'write' && last.name === entry.name) {
    log[log.length - 1] = entry;
    return;
  }
  log.push(entry);
}
