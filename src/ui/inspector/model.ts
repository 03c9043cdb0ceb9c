/**
 * The inspector's data model: what the pure section builders produce and the components render.
 *
 * A section is a titled list of blocks; a block is one of a few generic shapes (a label/value
 * list, a small table, a list of items, preformatted text) or the scheduler's decision view.
 * Builders never touch React or the DOM: they read a snapshot (the zustand store's objects, the
 * virtual time, the scheduler's decision log) and return plain data, so they are unit-tested in
 * Node and the components stay thin.
 */
import type { Dataplane, KObject, SchedulingDecision } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';

/** A colour hint; the components map it to the inspector's CSS variables. */
export type Tone = 'ok' | 'info' | 'warn' | 'error' | 'muted';

/** One value: text, optionally a link to another object (clicking it selects that object). */
export interface Cell {
  text: string;
  tone?: Tone;
  /** Monospace (addresses, images, hashes). */
  mono?: boolean;
  /** Selecting this cell inspects that object. */
  ref?: ObjectRef;
  /** Longer text shown on hover (e.g. a condition's message). */
  title?: string;
  /** Shown as separate chips instead of text (labels, taints). */
  chips?: string[];
}

export interface Field {
  label: string;
  value: Cell;
}

/** An item of a list block: a title line with badges, then label/value lines. */
export interface Item {
  /** Stable React key. */
  key: string;
  title: Cell;
  /** Small, muted text after the title (a namespace, "init"). */
  subtitle?: string;
  badges: Cell[];
  fields: Field[];
}

export type Block =
  | { type: 'fields'; fields: Field[] }
  | { type: 'table'; label: string; columns: string[]; rows: Cell[][] }
  | { type: 'items'; label: string; items: Item[]; more?: number }
  | { type: 'note'; text: string; tone?: Tone }
  | { type: 'code'; label: string; text: string }
  | { type: 'scheduling'; view: SchedulingView };

/** One rendered section: a heading and its blocks. */
export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

/** Read access to the scheduler's decision log (`host.cluster.context.scheduling`). */
export interface SchedulingLookup {
  getSchedulingDecision(podUid: string): SchedulingDecision | undefined;
}

/** Everything a section builder may read. Later sections add what they need here. */
export interface SectionInput {
  obj: KObject;
  objects: ObjectsByKind;
  /** Virtual time (ms since the Unix epoch), for ages. */
  now: number;
  scheduling: SchedulingLookup;
  /** The nodes' kube-proxy state (rules with live counters), for the networking sections. */
  network?: Dataplane;
}

// ------------------------------------------------------------------ scheduling view

export interface SchedulingNodeRow {
  node: string;
  /** selected: the pod was bound here; feasible: passed the filters, lost on score. */
  verdict: 'selected' | 'nominated' | 'feasible' | 'rejected';
  /** The rejecting plugin and its reasons. */
  plugin?: string;
  reasons?: string[];
  /** Per-plugin scores (0–100) with their weights, in the scheduler's plugin order. */
  scores?: Array<{ plugin: string; score: number; weight: number }>;
  total?: number;
  /** total / the best possible total, 0–1, for a bar. */
  fraction?: number;
}

export interface SchedulingView {
  /** The pod (`namespace/name`). */
  pod: string;
  attempt: number;
  /** How long ago the decision was made. */
  age: string;
  /** One sentence: where the pod went and why, or why it could not be placed. */
  summary: Cell;
  nodes: SchedulingNodeRow[];
  /** Why scores are absent (fewer than two feasible nodes), or a tie was broken. */
  notes: string[];
  victims?: string[];
}

// ------------------------------------------------------------------ small helpers

export const cell = (text: string, extra: Omit<Cell, 'text'> = {}): Cell => ({ text, ...extra });

export const field = (label: string, value: Cell | string): Field => ({
  label,
  value: typeof value === 'string' ? cell(value) : value,
});

export function refTo(obj: KObject): ObjectRef {
  const ns = obj.metadata.namespace;
  return ns
    ? { kind: obj.kind, namespace: ns, name: obj.metadata.name ?? '' }
    : { kind: obj.kind, name: obj.metadata.name ?? '' };
}

/** `a=1, b=2` style chips for a string map, in key order. */
export function mapChips(m: Readonly<Record<string, string>> | undefined): string[] {
  if (!m) return [];
  return Object.keys(m)
    .sort()
    .map((k) => (m[k] === '' ? k : `${k}=${m[k]}`));
}

/** The colour of a pod STATUS (kubectl's derived status word). */
export function podStatusTone(status: string): Tone {
  switch (status) {
    case 'Running':
      return 'ok';
    case 'Completed':
    case 'Succeeded':
    case 'Terminating':
      return 'muted';
    case 'Pending':
    case 'ContainerCreating':
    case 'PodInitializing':
    case 'SchedulingGated':
      return 'info';
    case 'NotReady':
      return 'warn';
    default:
      return status.startsWith('Init:') && /^Init:\d+\/\d+$/.test(status) ? 'info' : 'error';
  }
}
