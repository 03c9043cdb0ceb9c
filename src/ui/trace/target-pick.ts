/**
 * "Pick on graph" in the Send request form: while it is on, a click (or Enter) on a Service, pod
 * or node card in the graph picks that object as the request's target instead of selecting it
 * for the Inspector (ClusterFlow.tsx asks `takePick`). The form turns the pick into a URL
 * (request-form.ts urlForPick) and switches picking off.
 */
import { create } from 'zustand';
import type { ObjectRef } from '../state/cluster-store';

/** The kinds a request can be sent to. */
const PICKABLE = new Set(['Service', 'Pod', 'Node']);

export interface TargetPickState {
  picking: boolean;
  /** The last object picked; `seq` grows with every pick, so picking the same card twice counts. */
  picked: { ref: ObjectRef; seq: number } | undefined;
  setPicking(picking: boolean): void;
}

export const useTargetPick = create<TargetPickState>()((set) => ({
  picking: false,
  picked: undefined,
  setPicking: (picking) => set({ picking }),
}));

/**
 * The graph's click on `ref`: true when the form was picking and took it (the graph then does not
 * select it). Other kinds (a Deployment card) are not taken: they select as usual.
 */
export function takePick(ref: ObjectRef): boolean {
  const s = useTargetPick.getState();
  if (!s.picking || !PICKABLE.has(ref.kind)) return false;
  useTargetPick.setState({ picking: false, picked: { ref, seq: (s.picked?.seq ?? 0) + 1 } });
  return true;
}
