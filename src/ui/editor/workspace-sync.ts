/**
 * Editor ↔ workspace: the editor's edits reach the workspace debounced (so `cat deployment.yml`
 * in the terminal shows them a moment later, and the session log records one write per pause,
 * not one per key), and changes made elsewhere (the shell's `cat > x.yml <<EOF`, a reset) reach
 * the editor. Knows nothing of Monaco: MonacoEditor.tsx wires models to it.
 */
import type { Workspace } from '../../engine';

export const WRITE_DELAY_MS = 400;

export type ExternalChange = (name: string, text: string | undefined) => void;

export class WorkspaceSync {
  private readonly pending = new Map<string, string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set while this class writes, so its own writes are not reported as external. */
  private writing = false;
  private offWorkspace: () => void = () => undefined;
  private readonly listeners = new Set<ExternalChange>();

  private bound = false;

  constructor(
    private workspace: Workspace,
    private readonly delayMs = WRITE_DELAY_MS,
  ) {}

  /** Start following the workspace (idempotent). */
  start(): void {
    if (this.bound) return;
    this.bound = true;
    this.bind();
  }

  /** Write what is pending and stop following the workspace. */
  stop(): void {
    this.flush();
    this.offWorkspace();
    this.offWorkspace = () => undefined;
    this.bound = false;
  }

  private bind(): void {
    this.offWorkspace = this.workspace.subscribe((name) => {
      if (this.writing) return;
      // The file changed under the editor: what it now holds wins over unsaved typing.
      this.pending.delete(name);
      const text = this.workspace.read(name);
      for (const l of this.listeners) l(name, text);
    });
  }

  /** Follow another workspace (the host's reset made a new cluster). Pending edits are dropped. */
  rebind(workspace: Workspace): void {
    if (workspace === this.workspace) return;
    this.offWorkspace();
    this.pending.clear();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const before = this.workspace.list();
    this.workspace = workspace;
    if (this.bound) this.bind();
    // Every file is new to the editor: the old ones went, the new ones came.
    const after = workspace.list();
    for (const name of new Set([...before, ...after])) {
      const text = workspace.read(name);
      for (const l of this.listeners) l(name, text);
    }
  }

  /** Hear about changes made by others: (name, text) or (name, undefined) when removed. */
  onExternalChange(listener: ExternalChange): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): string[] {
    return this.workspace.list();
  }

  /** The file as the editor sees it: unsaved typing included. */
  read(name: string): string | undefined {
    return this.pending.get(name) ?? this.workspace.read(name);
  }

  /** The editor changed a file: write it after a pause in typing. */
  edit(name: string, text: string): void {
    this.pending.set(name, text);
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delayMs);
  }

  hasPending(name?: string): boolean {
    return name === undefined ? this.pending.size > 0 : this.pending.has(name);
  }

  /** Write pending edits now (before Apply, a rename, leaving the page). */
  flush(name?: string): void {
    const names = name === undefined ? [...this.pending.keys()] : [name];
    for (const n of names) {
      const text = this.pending.get(n);
      if (text === undefined) continue;
      this.pending.delete(n);
      if (this.workspace.read(n) === text) continue;
      this.own(() => this.workspace.write(n, text));
    }
    if (this.pending.size === 0 && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Create a file (empty unless given text). */
  create(name: string, text = ''): void {
    this.own(() => this.workspace.write(name, text));
  }

  remove(name: string): boolean {
    this.pending.delete(name);
    return this.own(() => this.workspace.remove(name));
  }

  rename(from: string, to: string): boolean {
    this.flush(from);
    return this.own(() => this.workspace.rename(from, to));
  }

  private own<T>(fn: () => T): T {
    this.writing = true;
    try {
      return fn();
    } finally {
      this.writing = false;
    }
  }
}
