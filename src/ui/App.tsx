import { ClusterList } from './ClusterList';
import { useCluster } from './useCluster';

/**
 * The first page: the default cluster's nodes and the pods on each, read straight from the
 * engine. The real playground UI (editor, graph, terminal, inspector) replaces this list.
 */
export function App() {
  const { cluster, version } = useCluster(1);
  return (
    <main className="app">
      <header className="app-header">
        <h1>k8s-playground</h1>
        <p>A Kubernetes cluster running in your browser.</p>
      </header>
      <ClusterList cluster={cluster} version={version} />
    </main>
  );
}
