/**
 * The playground's fault injection: one annotation, `playground/fault`, set and removed with
 * kubectl so faults are scriptable, replayable and visible (`kubectl describe` shows them).
 *
 * On a Pod:
 *  - `refuse`  nothing listens: connections are refused (RST);
 *  - `freeze`  the pod's network drops every packet: connections time out;
 *  - `hang`    connections are accepted but never answered: requests time out;
 *  - `crash`   the container exits (code 1) and keeps exiting after each restart: CrashLoopBackOff;
 *  - `unready` the readiness probe fails (only if the pod has one).
 * On a Node:
 *  - `down`    the machine is off: the kubelet stops reporting (NotReady after the node monitor
 *              grace period, pods evicted after their tolerationSeconds) and packets sent to it
 *              are lost.
 *
 * Removing the annotation heals the fault. The kubelet, the node lifecycle controller and the
 * request tracer all read the annotation through these helpers.
 */
import type { KObject } from '../api/types';

export const FAULT_ANNOTATION = 'playground/fault';

export type PodFault = 'refuse' | 'freeze' | 'hang' | 'crash' | 'unready';
export type NodeFault = 'down';

const POD_FAULTS: ReadonlySet<string> = new Set(['refuse', 'freeze', 'hang', 'crash', 'unready']);

/** The pod's fault, if its annotation names one the playground knows. */
export function podFaultOf(pod: Pick<KObject, 'metadata'> | undefined): PodFault | undefined {
  const v = pod?.metadata.annotations?.[FAULT_ANNOTATION];
  return v !== undefined && POD_FAULTS.has(v) ? (v as PodFault) : undefined;
}

/** True when the node is annotated `playground/fault=down`. */
export function nodeIsDown(node: Pick<KObject, 'metadata'> | undefined): boolean {
  return node?.metadata.annotations?.[FAULT_ANNOTATION] === 'down';
}
