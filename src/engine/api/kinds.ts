/**
 * The kinds the simulated API server serves: group/version, plural resource name, scope and the
 * short names kubectl accepts. This table is what `kubectl api-resources` will print and what
 * decides `no matches for kind "X" in version "Y"`.
 */
export interface KindInfo {
  kind: string;
  group: string; // '' for the core group
  version: string;
  /** Lower-case plural, as in URLs and `pods "x" not found`. */
  resource: string;
  namespaced: boolean;
  shortNames: readonly string[];
}

export const KINDS: readonly KindInfo[] = [
  {
    kind: 'Namespace',
    group: '',
    version: 'v1',
    resource: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
  },
  {
    kind: 'Node',
    group: '',
    version: 'v1',
    resource: 'nodes',
    namespaced: false,
    shortNames: ['no'],
  },
  { kind: 'Pod', group: '', version: 'v1', resource: 'pods', namespaced: true, shortNames: ['po'] },
  {
    kind: 'Service',
    group: '',
    version: 'v1',
    resource: 'services',
    namespaced: true,
    shortNames: ['svc'],
  },
  {
    kind: 'Endpoints',
    group: '',
    version: 'v1',
    resource: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
  },
  {
    kind: 'ConfigMap',
    group: '',
    version: 'v1',
    resource: 'configmaps',
    namespaced: true,
    shortNames: ['cm'],
  },
  {
    kind: 'Secret',
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespaced: true,
    shortNames: [],
  },
  {
    kind: 'ServiceAccount',
    group: '',
    version: 'v1',
    resource: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
  },
  {
    kind: 'Event',
    group: '',
    version: 'v1',
    resource: 'events',
    namespaced: true,
    shortNames: ['ev'],
  },
  {
    kind: 'Deployment',
    group: 'apps',
    version: 'v1',
    resource: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
  },
  {
    kind: 'ReplicaSet',
    group: 'apps',
    version: 'v1',
    resource: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
  },
  {
    kind: 'DaemonSet',
    group: 'apps',
    version: 'v1',
    resource: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
  },
  {
    // The kubelets' heartbeats in kube-node-lease (controllers/node-status.ts).
    kind: 'Lease',
    group: 'coordination.k8s.io',
    version: 'v1',
    resource: 'leases',
    namespaced: true,
    shortNames: [],
  },
  {
    kind: 'EndpointSlice',
    group: 'discovery.k8s.io',
    version: 'v1',
    resource: 'endpointslices',
    namespaced: true,
    shortNames: [],
  },
  {
    kind: 'Ingress',
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
  },
  {
    kind: 'IngressClass',
    group: 'networking.k8s.io',
    version: 'v1',
    resource: 'ingressclasses',
    namespaced: false,
    shortNames: [],
  },
];

const byKind = new Map(KINDS.map((k) => [k.kind, k]));

export function kindInfo(kind: string): KindInfo | undefined {
  return byKind.get(kind);
}

/**
 * The apiVersion of each served kind, built once: the store checks it on every write, and
 * building `apps/v1` afresh each time left a new string to compare (and collect) per write.
 */
const apiVersions = new Map(KINDS.map((k) => [k, buildApiVersion(k)]));

function buildApiVersion(info: KindInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(info: KindInfo): string {
  return apiVersions.get(info) ?? buildApiVersion(info);
}

/** Look a kind up by apiVersion + kind exactly as a manifest names it. */
export function resolveKind(apiVersion: string, kind: string): KindInfo | undefined {
  const info = byKind.get(kind);
  return info && apiVersionOf(info) === apiVersion ? info : undefined;
}

/** `deployments.apps` / `pods`: how the API server names a resource in messages. */
export function qualifiedResource(info: KindInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

/** Resolve what a user types after `kubectl get` (pods, pod, po, deploy, deployments.apps, ...). */
export function kindForResourceArg(arg: string): KindInfo | undefined {
  const a = arg.toLowerCase();
  for (const k of KINDS) {
    const singular = k.kind.toLowerCase();
    if (
      a === k.resource ||
      a === singular ||
      k.shortNames.includes(a) ||
      a === qualifiedResource(k) ||
      (k.group && a === `${singular}.${k.group}`)
    ) {
      return k;
    }
  }
  return undefined;
}
