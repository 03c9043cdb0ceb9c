/**
 * Namespace lifecycle: `kubectl delete namespace x` marks the namespace (status.phase
 * `Terminating`), the namespace controller deletes everything in it, waits until it is empty
 * (pods take their grace period), then the namespace goes.
 *
 * Models pkg/registry/core/namespace/strategy.go (PrepareForCreate: phase Active and the
 * `kubernetes` finalizer; PrepareForUpdate keeps the finalizers), the NamespaceLifecycle admission
 * plugin (the immortal namespaces), and pkg/controller/namespace/deletion/
 * namespaced_resources_deleter.go (Delete, deleteAllContent) with status_condition_utils.go (the
 * NamespaceContentRemaining family of conditions).
 *
 * How deletion waits: the namespace strategy makes deletion graceful (a namespace is only marked),
 * the controller deletes each namespaced kind's objects (background propagation, each with its
 * default grace), records what remains in the namespace's conditions, and rechecks when objects
 * in it disappear (debounced by a second) or after the pods' grace period. When nothing is left
 * it removes the namespace (the `kubernetes` finalizer's work done).
 *
 * Simplified: finalizers other than `kubernetes` are not modelled (the namespace is removed once
 * empty); the last status write before removal (all conditions OK) is skipped, since nothing could
 * observe it; `spec.finalizers` is not emptied before removal for the same reason.
 */
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1';
import { forbidden, isApiError } from '../api/errors';
import { KINDS, kindInfo } from '../api/kinds';
import type { KObject } from '../api/types';
import { deepClone, deepEqual } from '../api/types';
import type { ClusterContext } from '../context';
import { formatTimestamp } from '../sim/clock';

type StoredNamespace = Namespace & KObject;

/** Namespaces the NamespaceLifecycle admission plugin refuses to delete. */
export const IMMORTAL_NAMESPACES: ReadonlySet<string> = new Set([
  'default',
  'kube-system',
  'kube-public',
  'kube-node-lease',
]);

const FINALIZER_KUBERNETES = 'kubernetes';
const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
/** How long after content disappears the controller looks again (batches many removals). */
const RECHECK_DEBOUNCE_MS = 1000;

interface NsSpec {
  finalizers?: string[];
}

/** The Namespace registry strategy: creation defaults and graceful (two-phase) deletion. */
export function installNamespaceStrategy(ctx: ClusterContext): void {
  const info = kindInfo('Namespace')!;
  const defaults = (obj: KObject): void => {
    // SetDefaults_Namespace: the immutable name label.
    obj.metadata.labels = {
      ...obj.metadata.labels,
      [LABEL_METADATA_NAME]: obj.metadata.name ?? '',
    };
  };
  ctx.store.setStrategy('Namespace', {
    prepareForCreate: (obj) => {
      defaults(obj);
      obj.status = { phase: 'Active' };
      const spec = (obj.spec ?? {}) as NsSpec;
      const finalizers = spec.finalizers ?? [];
      if (!finalizers.includes(FINALIZER_KUBERNETES))
        spec.finalizers = [...finalizers, FINALIZER_KUBERNETES];
      obj.spec = spec;
    },
    prepareForUpdate: (obj, old) => {
      defaults(obj);
      // Finalizers change only through the namespace's /finalize subresource.
      const oldFinalizers = (old.spec as NsSpec | undefined)?.finalizers;
      const spec = { ...(obj.spec as NsSpec | undefined) };
      if (oldFinalizers) spec.finalizers = [...oldFinalizers];
      else delete spec.finalizers;
      obj.spec = spec;
    },
    gracefulDeleteSeconds: (obj) => {
      const name = obj.metadata.name ?? '';
      if (IMMORTAL_NAMESPACES.has(name))
        throw forbidden(info, name, 'this namespace may not be deleted');
      // Always marked first: the namespace controller removes it once it is empty.
      return 0;
    },
  });
}

const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

const OK: Record<(typeof CONDITION_TYPES)[number], [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: [
    'ResourcesDiscovered',
    'All resources successfully discovered',
  ],
  NamespaceDeletionGroupVersionParsingFailure: [
    'ParsedGroupVersions',
    'All legacy kube types successfully parsed',
  ],
  NamespaceDeletionContentFailure: [
    'ContentDeleted',
    'All content successfully deleted, may be waiting on finalization',
  ],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: [
    'ContentHasNoFinalizers',
    'All content-preserving finalizers finished',
  ],
};

/** status_condition_utils.go updateConditions: keep transition times unless the status flips. */
function mergeConditions(
  old: readonly NamespaceCondition[] | undefined,
  fresh: Map<string, NamespaceCondition>,
  now: string,
): NamespaceCondition[] {
  const out = (old ?? []).map((c) => ({ ...c }));
  for (const type of CONDITION_TYPES) {
    const [reason, message] = OK[type];
    const want = fresh.get(type) ?? { type, status: 'False', reason, message };
    const cur = out.find((c) => c.type === type);
    if (!cur) out.push({ ...want, lastTransitionTime: now });
    else if (
      cur.status !== want.status ||
      cur.message !== want.message ||
      cur.reason !== want.reason
    ) {
      if (cur.status !== want.status) cur.lastTransitionTime = now;
      cur.status = want.status;
      cur.reason = want.reason!;
      cur.message = want.message!;
    }
  }
  return out;
}

export function startNamespaceController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  const actor = 'namespace-controller';
  const terminating = new Set<string>();
  const namespacedKinds = KINDS.filter((k) => k.namespaced);
  const c = ctx.newController('namespace-controller');

  c.watch('Namespace', (ev) => {
    const name = ev.object.metadata.name ?? '';
    if (ev.type === 'DELETED') {
      terminating.delete(name);
      return undefined;
    }
    if (!ev.object.metadata.deletionTimestamp) return undefined;
    terminating.add(name);
    return name;
  });
  // Content of a terminating namespace going away: look again shortly.
  c.watch('*', (ev) => {
    const ns = ev.object.metadata.namespace;
    if (ev.type === 'DELETED' && ns && terminating.has(ns)) c.enqueueAfter(ns, RECHECK_DEBOUNCE_MS);
    return undefined;
  });

  // Models namespaced_resources_deleter.go Delete + deleteAllContent.
  c.onReconcile((name) => {
    const ns = store.get<StoredNamespace>('Namespace', undefined, name);
    if (!ns || !ns.metadata.deletionTimestamp) return undefined;

    const remaining: string[] = [];
    let estimateSeconds = 0;
    for (const info of namespacedKinds) {
      for (const obj of store.list(info.kind, { namespace: name })) {
        if (obj.metadata.deletionTimestamp) continue;
        try {
          store.delete(info.kind, name, obj.metadata.name ?? '', {
            actor,
            propagationPolicy: 'Background',
          });
        } catch (e) {
          if (!(isApiError(e) && e.reason === 'NotFound')) throw e;
        }
      }
      const left = store.list(info.kind, { namespace: name });
      if (left.length === 0) continue;
      remaining.push(`${info.resource}.${info.group} has ${left.length} resource instances`);
      for (const o of left)
        estimateSeconds = Math.max(estimateSeconds, o.metadata.deletionGracePeriodSeconds ?? 0);
    }

    if (remaining.length === 0) {
      // Empty: the `kubernetes` finalizer is done and the namespace goes.
      try {
        store.delete('Namespace', undefined, name, { actor, gracePeriodSeconds: 0 });
      } catch (e) {
        if (!(isApiError(e) && e.reason === 'NotFound')) throw e;
      }
      return undefined;
    }

    const now = formatTimestamp(clock.now());
    remaining.sort();
    const fresh = new Map<string, NamespaceCondition>([
      [
        'NamespaceContentRemaining',
        {
          type: 'NamespaceContentRemaining',
          status: 'True',
          reason: 'SomeResourcesRemain',
          message: `Some resources are remaining: ${remaining.join(', ')}`,
        },
      ],
    ]);
    const status = deepClone(ns.status ?? {});
    const next = {
      ...status,
      phase: 'Terminating',
      conditions: mergeConditions(status.conditions, fresh, now),
    };
    if (!deepEqual(next, ns.status)) store.updateStatus({ ...ns, status: next }, { actor });
    // Look again when the pods' grace period should be over (ResourcesRemainingError's estimate).
    // A background timer: a pod stuck Terminating on a dead node must not keep settle() busy.
    c.enqueueAfter(name, Math.max(1, estimateSeconds) * 1000, { background: true });
    return undefined;
  });
}
