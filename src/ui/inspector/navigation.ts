/**
 * How a link inside the inspector selects another object: the pane provides the function (it
 * also remembers where the user came from, for Back), every link cell uses it.
 */
import { createContext, useContext } from 'react';
import type { ObjectRef } from '../state/cluster-store';

export const InspectNavigation = createContext<(ref: ObjectRef) => void>(() => {});

export function useInspect(): (ref: ObjectRef) => void {
  return useContext(InspectNavigation);
}
