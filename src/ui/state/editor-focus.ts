/**
 * What the editor's cursor is on, for the Cluster graph to highlight: the objects of the
 * manifest document(s) under the cursor in the active file (one, or several for a `kind: List`),
 * as references with the namespace kubectl would use (`default` when the document names none;
 * none for cluster-scoped kinds). The objects need not exist in the cluster yet.
 *
 *   const focused = useEditorFocus((s) => s.focused);   // ObjectRef[]
 *
 * Only the documents' own objects are listed, not what they own (a Deployment's ReplicaSets and
 * Pods): the graph knows the ownership and decides how far to highlight.
 */
import { create } from 'zustand';
import type { ObjectRef } from './cluster-store';

export interface EditorFocusState {
  focused: ObjectRef[];
  /** The workspace file the cursor is in, if the editor has focus on one. */
  file: string | undefined;
  setFocused(focused: ObjectRef[], file: string | undefined): void;
}

const refId = (r: ObjectRef): string => `${r.kind}/${r.namespace ?? ''}/${r.name}`;

/** Same references in the same order. */
export function sameRefs(a: readonly ObjectRef[], b: readonly ObjectRef[]): boolean {
  return a.length === b.length && a.every((r, i) => refId(r) === refId(b[i]!));
}

export const useEditorFocus = create<EditorFocusState>()((set, get) => ({
  focused: [],
  file: undefined,
  setFocused: (focused, file) => {
    const s = get();
    if (s.file === file && sameRefs(s.focused, focused)) return;
    set({ focused, file });
  },
}));
