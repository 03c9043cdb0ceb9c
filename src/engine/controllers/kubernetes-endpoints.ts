/**
 * The API server's own endpoints: `default/kubernetes` (the Service every pod reaches the API
 * through, 10.96.0.1:443) has no selector; the API server itself keeps its Endpoints and
 * EndpointSlice pointing at the control-plane node's address, port 6443 named `https`.
 *
 * Models pkg/controlplane/reconcilers (the lease endpoint reconciler's doReconcile and
 * endpointsadapter.go EnsureEndpointSliceFromEndpoints) and the kubernetes-service part of
 * pkg/controlplane/controller/kubernetesservice (the Service is recreated if someone deletes it,
 * on the reconciler's 10 s interval).
 *
 * Simplified: one API server (no leases, no master count); the endpoint is the control-plane
 * node's InternalIP from the cluster config.
 */
import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { isApiError } from '../api/errors';
import { ipAtOffset, mustParseCIDR } from '../api/ipalloc';
import type { KObject } from '../api/types';
import { deepClone, deepEqual } from '../api/types';
import type { ClusterContext } from '../context';
import { LABEL_SERVICE_NAME } from './endpointslice';

const NAMESPACE = 'default';
const NAME = 'kubernetes';
const KEY = `${NAMESPACE}/${NAME}`;
/** kube-apiserver --secure-port (kubeadm's default). */
export const APISERVER_PORT = 6443;
/** The interval of the API server's endpoint and service reconcilers (--endpoint-reconciler interval). */
const RECONCILE_INTERVAL_MS = 10_000;
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

export function startKubernetesEndpointsReconciler(ctx: ClusterContext): void {
  const { store, config } = ctx;
  const actor = 'kube-apiserver';
  const master = config.nodes.find((n) => n.role === 'control-plane') ?? config.nodes[0];
  const c = ctx.newController('kubernetes-endpoints-reconciler');
  const ours = (o: KObject): boolean =>
    o.metadata.namespace === NAMESPACE && o.metadata.name === NAME;

  c.watch('Namespace', (ev) =>
    ev.type === 'ADDED' && ev.object.metadata.name === NAMESPACE ? KEY : undefined,
  );
  let serviceDeletedAt: number | undefined;
  c.watch('Service', (ev) => {
    if (!ours(ev.object)) return undefined;
    // The service is recreated on the reconciler's next tick, as the API server does.
    if (ev.type === 'DELETED') {
      serviceDeletedAt = ctx.clock.now();
      c.enqueueAfter(KEY, RECONCILE_INTERVAL_MS);
    }
    return ev.type === 'ADDED' ? KEY : undefined;
  });
  c.watch('Endpoints', (ev) => (ours(ev.object) && ev.type !== 'ADDED' ? KEY : undefined));
  c.watch('EndpointSlice', (ev) => (ours(ev.object) && ev.type !== 'ADDED' ? KEY : undefined));
  c.enqueue(KEY);

  // Models reconcilers/lease.go doReconcile (one master) + endpointsadapter.go.
  c.onReconcile(() => {
    const ns = store.get('Namespace', undefined, NAMESPACE);
    if (!master || !ns || ns.metadata.deletionTimestamp) return undefined;
    if (!store.get('Service', NAMESPACE, NAME)) {
      const due = (serviceDeletedAt ?? -Infinity) + RECONCILE_INTERVAL_MS;
      if (ctx.clock.now() < due) return { requeueAfter: due - ctx.clock.now() };
      createKubernetesService();
      return undefined; // its ADDED event brings us back
    }
    const ports = [{ name: 'https', port: APISERVER_PORT, protocol: 'TCP' }];

    const ep = store.get<Endpoints & KObject>('Endpoints', NAMESPACE, NAME);
    const subsets = [{ addresses: [{ ip: master.ip }], ports }];
    const labels = { [LABEL_SKIP_MIRROR]: 'true' };
    if (!ep) {
      store.create<Endpoints & KObject>(
        {
          apiVersion: 'v1',
          kind: 'Endpoints',
          metadata: { name: NAME, namespace: NAMESPACE, labels },
          subsets,
        },
        { actor },
      );
    } else if (
      !deepEqual(ep.subsets, subsets) ||
      ep.metadata.labels?.[LABEL_SKIP_MIRROR] !== 'true'
    ) {
      const next = deepClone(ep);
      next.subsets = subsets;
      next.metadata.labels = { ...next.metadata.labels, ...labels };
      store.update(next, { actor });
    }

    const slice = store.get<EndpointSlice & KObject>('EndpointSlice', NAMESPACE, NAME);
    const endpoints = [{ addresses: [master.ip], conditions: { ready: true } }];
    const slicePorts = ports.map((p) => ({ name: p.name, protocol: p.protocol, port: p.port }));
    const sliceLabels = { [LABEL_SERVICE_NAME]: NAME };
    if (!slice) {
      store.create<EndpointSlice & KObject>(
        {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: { name: NAME, namespace: NAMESPACE, labels: sliceLabels },
          addressType: 'IPv4',
          endpoints,
          ports: slicePorts,
        },
        { actor },
      );
    } else if (
      !deepEqual(slice.endpoints, endpoints) ||
      !deepEqual(slice.ports, slicePorts) ||
      slice.addressType !== 'IPv4' ||
      !deepEqual(slice.metadata.labels, sliceLabels)
    ) {
      const next = deepClone(slice);
      next.endpoints = endpoints;
      next.ports = slicePorts;
      next.metadata.labels = sliceLabels;
      store.update(next, { actor });
    }
    return undefined;
  });

  /** Models kubernetesservice CreateOrUpdateMasterServiceIfNeeded: the first service IP, 443. */
  function createKubernetesService(): void {
    const svc: Service & KObject = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: NAME,
        namespace: NAMESPACE,
        labels: { component: 'apiserver', provider: 'kubernetes' },
      },
      spec: {
        clusterIP: ipAtOffset(mustParseCIDR(config.serviceCIDR), 1),
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: APISERVER_PORT }],
        type: 'ClusterIP',
        sessionAffinity: 'None',
      },
    };
    try {
      store.create(svc, { actor });
    } catch (e) {
      if (!(isApiError(e) && e.reason === 'AlreadyExists')) throw e;
    }
  }
}
