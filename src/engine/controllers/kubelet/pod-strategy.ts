/**
 * The API server's graceful-deletion rules for pods.
 *
 * Models pkg/registry/core/pod/strategy.go podStrategy.CheckGracefulDeleteWithOptions: a pod that
 * was never scheduled, or that already finished (Succeeded/Failed), is removed at once; a delete
 * with gracePeriodSeconds 0 removes it at once (`kubectl delete --force --grace-period=0`);
 * otherwise it is marked with a deletionTimestamp for the requested grace period, else the pod's
 * spec.terminationGracePeriodSeconds, else 30 s — and the kubelet finishes the job.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../../context';
import type { KObject } from '../../api/types';

const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

export function podGracefulDeleteSeconds(
  pod: Pod,
  requested: number | undefined,
): number | undefined {
  if (!pod.spec?.nodeName) return undefined;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return undefined;
  const grace =
    requested ?? pod.spec.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS;
  return grace <= 0 ? undefined : grace;
}

export function installPodStrategy(ctx: ClusterContext): void {
  ctx.store.setStrategy('Pod', {
    gracefulDeleteSeconds: (obj: KObject, requested) =>
      podGracefulDeleteSeconds(obj as Pod & KObject, requested),
  });
}
