import type { Cluster, KObject } from '../engine';
import { podPhaseLabel } from './pod-status';

interface Props {
  cluster: Cluster;
  /** Bumped by the change feed; the list re-reads the store when it changes. */
  version: number;
}

function nodeIp(node: KObject): string {
  const status = node.status as
    { addresses?: Array<{ type: string; address: string }> } | undefined;
  return status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '';
}

function isControlPlane(node: KObject): boolean {
  return node.metadata.labels?.['node-role.kubernetes.io/control-plane'] !== undefined;
}

export function ClusterList({ cluster, version }: Props) {
  const nodes = cluster.store
    .list('Node')
    .slice()
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const pods = cluster.store.list('Pod');
  return (
    <section aria-label="Nodes" data-version={version} className="nodes">
      {nodes.map((node) => {
        const name = node.metadata.name ?? '';
        const onNode = pods
          .filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === name)
          .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
        return (
          <article key={name} className="node" aria-label={`Node ${name}`}>
            <h2>
              {name}{' '}
              <span className="role">{isControlPlane(node) ? 'control-plane' : 'worker'}</span>
            </h2>
            <p className="ip">{nodeIp(node)}</p>
            <ul aria-label={`Pods on ${name}`}>
              {onNode.map((p) => (
                <li key={`${p.metadata.namespace}/${p.metadata.name}`}>
                  <span className="pod-name">
                    <span className="ns">{p.metadata.namespace}/</span>
                    {p.metadata.name}
                  </span>
                  <span className="phase">{podPhaseLabel(p)}</span>
                </li>
              ))}
            </ul>
          </article>
        );
      })}
    </section>
  );
}
