import { Suspense, lazy } from 'react';

// React Flow loads with the graph, after the page's first paint: it is not part of the initial
// JavaScript the page needs to show its frame, terminal and header.
const ClusterFlow = lazy(() => import('./ClusterFlow'));

/** The Cluster graph pane: nodes, their pods, services, ownership; live. */
export function GraphPane() {
  return (
    <Suspense fallback={<p className="pane-placeholder">Loading the cluster graph…</p>}>
      <ClusterFlow />
    </Suspense>
  );
}
