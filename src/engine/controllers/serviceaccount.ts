/**
 * ServiceAccounts: the `default` ServiceAccount of every namespace, and the service accounts a
 * fresh kubeadm cluster has in kube-system.
 *
 * Models pkg/controller/serviceaccount/serviceaccounts_controller.go (v1.30): the
 * service-account-controller queues a namespace when it is added or updated and when a
 * ServiceAccount in it is deleted; syncNamespace creates each account it ensures (only `default`)
 * that is missing, and does nothing in a namespace that is not Active. A namespace that is
 * terminating refuses the create, which is not an error worth retrying.
 *
 * kube-system also holds one ServiceAccount per controller of kube-controller-manager (kubeadm
 * runs it with --use-service-account-credentials=true, so its client builder creates an account
 * per controller at start-up, with --controllers=*,bootstrapsigner,tokencleaner) and the
 * `coredns` and `kube-proxy` accounts of kubeadm's add-ons; bootstrap.ts creates those.
 *
 * Since v1.24 no token Secret is created for an account (SECRETS 0); pods get a bound token
 * through the projected volume the ServiceAccount admission plugin adds
 * (api/serviceaccount-admission.ts).
 */
import type { Namespace, ServiceAccount } from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { ApiStore } from '../api/store';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { keyFor } from './runner';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
const ACTOR = 'service-account-controller';

type StoredNamespace = Namespace & KObject;

/**
 * The accounts kube-controller-manager v1.30 creates in kube-system for the controllers a
 * kubeadm cluster runs (`kubectl get sa -n kube-system` lists them, with `coredns`, `default`
 * and `kube-proxy`). Cloud-only controllers other than service-controller, and alpha ones
 * (resource-claim-controller, service-cidrs-controller, ...), create none.
 */
export const CONTROLLER_MANAGER_SERVICE_ACCOUNTS: readonly string[] = [
  'attachdetach-controller',
  'bootstrap-signer',
  'certificate-controller',
  'clusterrole-aggregation-controller',
  'cronjob-controller',
  'daemon-set-controller',
  'deployment-controller',
  'disruption-controller',
  'endpoint-controller',
  'endpointslice-controller',
  'endpointslicemirroring-controller',
  'ephemeral-volume-controller',
  'expand-controller',
  'generic-garbage-collector',
  'horizontal-pod-autoscaler',
  'job-controller',
  'legacy-service-account-token-cleaner',
  'namespace-controller',
  'node-controller',
  'persistent-volume-binder',
  'pod-garbage-collector',
  'pv-protection-controller',
  'pvc-protection-controller',
  'replicaset-controller',
  'replication-controller',
  'resourcequota-controller',
  'root-ca-cert-publisher',
  'service-account-controller',
  'service-controller',
  'statefulset-controller',
  'token-cleaner',
  'ttl-after-finished-controller',
  'ttl-controller',
  'validatingadmissionpolicy-status-controller',
];

function serviceAccount(namespace: string, name: string): ServiceAccount & KObject {
  return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } };
}

/** Create a ServiceAccount unless it exists (what kubeadm and the client builder do). */
export function ensureServiceAccount(
  store: ApiStore,
  namespace: string,
  name: string,
  actor: string,
): void {
  if (store.get('ServiceAccount', namespace, name)) return;
  store.create(serviceAccount(namespace, name), { actor, transfer: true });
}

/** kube-controller-manager's start-up: one account per controller, in kube-system. */
export function createControllerManagerServiceAccounts(store: ApiStore): void {
  for (const name of CONTROLLER_MANAGER_SERVICE_ACCOUNTS)
    ensureServiceAccount(store, 'kube-system', name, 'kube-controller-manager');
}

export function startServiceAccountsController(ctx: ClusterContext): void {
  const { store } = ctx;
  const c = ctx.newController(ACTOR);
  // namespaceAdded / namespaceUpdated.
  c.watch('Namespace', (ev) => (ev.type === 'DELETED' ? undefined : keyFor(ev.object)));
  // serviceAccountDeleted: put a deleted `default` back.
  c.watch('ServiceAccount', (ev) =>
    ev.type === 'DELETED' && ev.object.metadata.name === DEFAULT_SERVICE_ACCOUNT
      ? ev.object.metadata.namespace
      : undefined,
  );

  // The informer's initial list: namespaces that exist before the controller starts.
  for (const ns of store.list('Namespace')) c.enqueue(keyFor(ns));

  // Models serviceaccounts_controller.go syncNamespace.
  c.onReconcile((ns) => {
    const namespace = store.get<StoredNamespace>('Namespace', undefined, ns);
    // If the namespace is not active, we shouldn't try to create anything.
    if (!namespace || namespace.metadata.deletionTimestamp) return;
    if (namespace.status?.phase !== undefined && namespace.status.phase !== 'Active') return;
    try {
      ensureServiceAccount(store, ns, DEFAULT_SERVICE_ACCOUNT, ACTOR);
    } catch (e) {
      // Already there, or the namespace started terminating: nothing to retry.
      if (isApiError(e) && ['AlreadyExists', 'Forbidden', 'NotFound'].includes(e.reason)) return;
      throw e;
    }
  });
}
