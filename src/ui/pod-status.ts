import type { KObject } from '../engine';

/**
 * A short status word for a pod: the waiting reason of a container if there is one
 * (ContainerCreating, CrashLoopBackOff, ...), Terminating while deleted, else the phase.
 * The faithful kubectl STATUS derivation lives with kubectl's printers.
 */
export function podPhaseLabel(pod: KObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const status = pod.status as
    | { phase?: string; containerStatuses?: Array<{ state?: { waiting?: { reason?: string } } }> }
    | undefined;
  const waiting = status?.containerStatuses?.map((c) => c.state?.waiting?.reason).find(Boolean);
  return waiting ?? status?.phase ?? 'Pending';
}
