/**
 * The trace panel's state: the recent traces (from the terminal's curl/wget/nslookup and from the
 * Send request form), the one shown, and the selected hop — which the graph highlights now and
 * which a packet marker will follow later (issue 7's animation: step through `selectedHop` of
 * `currentEntry`, and read `hopGraphIds` for where the marker is).
 *
 * Also which tab of the right column shows (Inspector or Trace): a new trace brings the Trace tab
 * up, selecting an object in the graph brings the Inspector back (TraceSide.tsx).
 */
import { create } from 'zustand';
import type { Trace } from '../../engine';
import { hopGraphIds } from './explain';

/** Traces kept for the "Recent" list. */
export const MAX_ENTRIES = 20;

export type TraceSource = 'terminal' | 'form';
export type SideTab = 'inspector' | 'trace' | 'control-plane';

export interface TraceEntry {
  /** Increasing, never reused within a page's life. */
  id: number;
  trace: Trace;
  source: TraceSource;
  /** The hops' plain-language whys, computed when the trace arrived (the rules of that moment). */
  why: readonly string[];
  /** The terminal command that sent it. */
  command?: string;
}

export interface TraceState {
  /** Oldest first, at most MAX_ENTRIES. */
  entries: readonly TraceEntry[];
  currentId: number | undefined;
  /** Index into the current trace's `hops`, or none selected. */
  selectedHop: number | undefined;
  /** Show the rules the packet only passed through (explain.ts passThroughHops). */
  showAll: boolean;
  sideTab: SideTab;
  /** The Send request form is open. */
  formOpen: boolean;
  /** Who the form sends from (`pod/ns/name`, `node/name`, `outside`). */
  formFrom: string;
  add(trace: Trace, source: TraceSource, why: readonly string[], command?: string): number;
  selectTrace(id: number): void;
  selectHop(index: number | undefined): void;
  setShowAll(showAll: boolean): void;
  setSideTab(tab: SideTab): void;
  /** Open the form (from this sender, if given) or close it. */
  setFormOpen(open: boolean, from?: string): void;
  setFormFrom(from: string): void;
  /** Forget every trace (the cluster was reset). */
  clear(): void;
}

let nextId = 1;

export const useTraceStore = create<TraceState>()((set) => ({
  entries: [],
  currentId: undefined,
  selectedHop: undefined,
  showAll: false,
  sideTab: 'inspector',
  formOpen: false,
  formFrom: 'outside',
  add: (trace, source, why, command) => {
    const entry: TraceEntry = { id: nextId++, trace, source, why };
    if (command !== undefined) entry.command = command;
    set((s) => ({
      entries: [...s.entries, entry].slice(-MAX_ENTRIES),
      currentId: entry.id,
      selectedHop: undefined,
      sideTab: 'trace',
    }));
    return entry.id;
  },
  selectTrace: (id) => set({ currentId: id, selectedHop: undefined }),
  selectHop: (selectedHop) => set({ selectedHop }),
  setShowAll: (showAll) => set({ showAll }),
  setSideTab: (sideTab) => set({ sideTab }),
  setFormFrom: (formFrom) => set({ formFrom }),
  setFormOpen: (formOpen, from) =>
    set((s) =>
      formOpen ? { formOpen, sideTab: 'trace', formFrom: from ?? s.formFrom } : { formOpen },
    ),
  clear: () => set({ entries: [], currentId: undefined, selectedHop: undefined }),
}));

export function currentEntry(s: Pick<TraceState, 'entries' | 'currentId'>): TraceEntry | undefined {
  return s.entries.find((e) => e.id === s.currentId);
}

/**
 * The graph ids to highlight: the selected hop's pod or node(s), while the Trace tab shows;
 * joined by newlines so that a zustand selector returns a stable value.
 */
export function highlightKey(
  s: Pick<TraceState, 'entries' | 'currentId' | 'selectedHop' | 'sideTab'>,
): string {
  if (s.sideTab !== 'trace' || s.selectedHop === undefined) return '';
  const hop = currentEntry(s)?.trace.hops[s.selectedHop];
  return hop ? hopGraphIds(hop).join('\n') : '';
}

/** A list key's move for stepHop: ↓ +1, ↑ −1, Home −∞, End +∞; 0 for any other key. */
export function listKeyDelta(key: string): number {
  if (key === 'ArrowDown') return 1;
  if (key === 'ArrowUp') return -1;
  if (key === 'Home') return -Infinity;
  if (key === 'End') return Infinity;
  return 0;
}

/**
 * The hop selected after a ↑/↓ (delta −1/+1) or Home/End (−Infinity/+Infinity) among the
 * `visible` hop indexes (ascending): from nothing, ↓ selects the first and ↑ the last; a selected
 * hop that is hidden moves to its nearest visible neighbour in that direction.
 */
export function stepHop(
  current: number | undefined,
  delta: number,
  visible: readonly number[],
): number | undefined {
  if (visible.length === 0) return undefined;
  const last = visible.length - 1;
  if (delta === -Infinity) return visible[0];
  if (delta === Infinity) return visible[last];
  if (current === undefined) return delta > 0 ? visible[0] : visible[last];
  const at = visible.indexOf(current);
  let pos: number;
  if (at >= 0) pos = at + delta;
  else {
    // Hidden: the first visible after it (↓) or the last before it (↑).
    const after = visible.findIndex((v) => v > current);
    if (after < 0) pos = last;
    else pos = delta > 0 ? after : after - 1;
  }
  return visible[Math.max(0, Math.min(last, pos))];
}

/**
 * The traces recorded after `seen` in the engine's list (oldest first): all of them when `seen` is
 * not there any more (it fell off the engine's cap, or the cluster was replaced).
 */
export function newTraces(list: readonly Trace[], seen: Trace | undefined): Trace[] {
  if (seen === undefined) return [...list];
  const at = list.lastIndexOf(seen);
  return at >= 0 ? list.slice(at + 1) : [...list];
}
