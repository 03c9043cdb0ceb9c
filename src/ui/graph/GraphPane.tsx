import { ClusterList } from '../ClusterList';
import { usePlayground } from '../host/context';
import { useClusterStore } from '../state/cluster-store';

/** The Cluster graph pane (today the plain node/pod list; React Flow replaces it). */
export function GraphPane() {
  const host = usePlayground();
  const version = useClusterStore((s) => s.version);
  return <ClusterList cluster={host.cluster} version={version} />;
}
