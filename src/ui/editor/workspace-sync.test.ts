import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCluster } from '../../engine';
import type { Workspace } from '../../engine';
import { WorkspaceSync } from './workspace-sync';

const workspace = (files: Record<string, string>): Workspace =>
  createCluster({ files, bootstrapMs: 0 }).workspace;

describe('WorkspaceSync', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('writes the editor’s edits after a pause, once', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const writes: string[] = [];
    ws.subscribe((n) => writes.push(`${n}=${ws.read(n) ?? ''}`));
    const sync = new WorkspaceSync(ws, 400);
    sync.start();
    sync.edit('a.yml', 'xy');
    vi.advanceTimersByTime(300);
    sync.edit('a.yml', 'xyz');
    vi.advanceTimersByTime(300);
    expect([ws.read('a.yml'), sync.read('a.yml'), sync.hasPending('a.yml')]).toEqual([
      'x',
      'xyz',
      true,
    ]);
    vi.advanceTimersByTime(100);
    expect([ws.read('a.yml'), writes]).toEqual(['xyz', ['a.yml=xyz']]);
  });

  it('flush writes at once (before Apply), and only what changed', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const sync = new WorkspaceSync(ws);
    sync.start();
    let writes = 0;
    ws.subscribe(() => writes++);
    sync.edit('a.yml', 'x');
    sync.flush('a.yml');
    sync.edit('a.yml', 'y');
    sync.flush();
    expect([ws.read('a.yml'), writes, sync.hasPending()]).toEqual(['y', 1, false]);
  });

  it('tells the editor about changes made elsewhere, not about its own', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const sync = new WorkspaceSync(ws);
    sync.start();
    const heard: Array<[string, string | undefined]> = [];
    sync.onExternalChange((n, t) => heard.push([n, t]));
    sync.edit('a.yml', 'mine');
    sync.flush();
    sync.create('b.yml');
    sync.rename('b.yml', 'c.yml');
    sync.remove('c.yml');
    ws.write('shell.yml', 'kind: Pod\n');
    ws.remove('a.yml');
    expect(heard).toEqual([
      ['shell.yml', 'kind: Pod\n'],
      ['a.yml', undefined],
    ]);
  });

  it('an outside write wins over unsaved typing', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const sync = new WorkspaceSync(ws);
    sync.start();
    sync.edit('a.yml', 'typing');
    ws.write('a.yml', 'from the shell');
    vi.advanceTimersByTime(1000);
    expect([ws.read('a.yml'), sync.read('a.yml')]).toEqual(['from the shell', 'from the shell']);
  });

  it('rename writes pending edits first', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const sync = new WorkspaceSync(ws);
    sync.start();
    sync.edit('a.yml', 'edited');
    expect(sync.rename('a.yml', 'b.yml')).toBe(true);
    expect([ws.list(), ws.read('b.yml')]).toEqual([['b.yml'], 'edited']);
  });

  it('a reset’s new workspace: every file is news, pending edits are dropped', () => {
    const old = workspace({ 'a.yml': 'x', 'mine.yml': 'm' });
    const fresh = workspace({ 'a.yml': 'y', 'b.yml': 'z' });
    const sync = new WorkspaceSync(old);
    sync.start();
    const heard: Array<[string, string | undefined]> = [];
    sync.onExternalChange((n, t) => heard.push([n, t]));
    sync.edit('a.yml', 'typing');
    sync.rebind(fresh);
    vi.advanceTimersByTime(1000);
    expect(heard).toEqual([
      ['a.yml', 'y'],
      ['mine.yml', undefined],
      ['b.yml', 'z'],
    ]);
    expect([old.read('a.yml'), fresh.read('a.yml')]).toEqual(['x', 'y']);
    fresh.write('b.yml', 'shell');
    expect(heard.at(-1)).toEqual(['b.yml', 'shell']);
  });

  it('stop writes what is pending and stops listening', () => {
    const ws = workspace({ 'a.yml': 'x' });
    const sync = new WorkspaceSync(ws);
    sync.start();
    const heard: string[] = [];
    sync.onExternalChange((n) => heard.push(n));
    sync.edit('a.yml', 'done');
    sync.stop();
    ws.write('a.yml', 'later');
    expect(heard).toEqual([]);
    sync.start();
    ws.write('a.yml', 'again');
    expect(heard).toEqual(['a.yml']);
  });
});
