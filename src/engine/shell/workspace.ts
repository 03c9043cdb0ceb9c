/**
 * The workspace files (`/root/test`), kept in insertion order, with change listeners so the
 * editor's tabs follow what the shell writes (`cat > x.yml <<EOF`) and the shell sees what the
 * editor saves.
 */
import type { Workspace } from './types';

export class MemoryWorkspace implements Workspace {
  private readonly files = new Map<string, string>();
  private readonly listeners = new Set<(name: string) => void>();

  constructor(initial: Record<string, string> = {}) {
    for (const [name, text] of Object.entries(initial)) this.files.set(name, text);
  }

  list(): string[] {
    return [...this.files.keys()].sort();
  }

  read(name: string): string | undefined {
    return this.files.get(name);
  }

  write(name: string, text: string): void {
    this.files.set(name, text);
    this.emit(name);
  }

  remove(name: string): boolean {
    const had = this.files.delete(name);
    if (had) this.emit(name);
    return had;
  }

  rename(from: string, to: string): boolean {
    const text = this.files.get(from);
    if (text === undefined || this.files.has(to)) return false;
    this.files.delete(from);
    this.files.set(to, text);
    this.emit(from);
    this.emit(to);
    return true;
  }

  subscribe(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(name: string): void {
    for (const l of this.listeners) l(name);
  }
}
