/** Shared helpers for the cross-cutting tests: manifests and state queries on a whole cluster. */
import type { Cluster, KObject } from '../src/engine';

export function deploymentObject(
  name: string,
  opts: {
    replicas?: number;
    image?: string;
    maxSurge?: number | string;
    maxUnavailable?: number | string;
  } = {},
): KObject {
  const rollingUpdate: Record<string, number | string> = {};
  if (opts.maxSurge !== undefined) rollingUpdate.maxSurge = opts.maxSurge;
  if (opts.maxUnavailable !== undefined) rollingUpdate.maxUnavailable = opts.maxUnavailable;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: {
      replicas: opts.replicas ?? 1,
      selector: { matchLabels: { app: name } },
      strategy: {
        type: 'RollingUpdate',
        ...(Object.keys(rollingUpdate).length ? { rollingUpdate } : {}),
      },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            { name: 'web', image: opts.image ?? 'nginx:1.25', ports: [{ containerPort: 80 }] },
          ],
        },
      },
    },
  };
}

export function serviceObject(
  name: string,
  selectorApp: string,
  type: 'ClusterIP' | 'NodePort' = 'ClusterIP',
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type, selector: { app: selectorApp }, ports: [{ port: 80, targetPort: 80 }] },
  };
}

type PodLike = KObject & {
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: Array<{ image?: string }> };
  status?: {
    phase?: string;
    podIP?: string;
    conditions?: Array<{ type: string; status: string; lastTransitionTime?: string }>;
  };
};

export function pods(cluster: Cluster, namespace = 'default'): PodLike[] {
  return cluster.store.list<PodLike>('Pod', { namespace });
}

export function isReady(p: PodLike): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

export function isTerminating(p: KObject): boolean {
  return p.metadata.deletionTimestamp !== undefined;
}

/** Pods of a Deployment (through its ReplicaSets), from the store's owner index. */
export function podsOfDeployment(cluster: Cluster, name: string): PodLike[] {
  const d = cluster.store.get('Deployment', 'default', name);
  if (!d) return [];
  return cluster.store
    .dependentsOf(d.metadata.uid ?? '', 'ReplicaSet')
    .flatMap((rs) => cluster.store.dependentsOf<PodLike>(rs.metadata.uid ?? '', 'Pod'));
}

export function imageOf(p: PodLike): string | undefined {
  return p.spec?.containers?.[0]?.image;
}
