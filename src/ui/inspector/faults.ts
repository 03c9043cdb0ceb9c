/**
 * The Inspector's fault buttons: the `kubectl annotate` command a learner would type to set or
 * heal a playground fault (README "Faults"; src/engine/controllers/faults.ts), and the fault an
 * object carries now (the badge in the graph).
 */
import type { KObject } from '../../engine';

/** The annotation the engine reads (engine/controllers/faults.ts FAULT_ANNOTATION). */
export const FAULT_ANNOTATION = 'playground/fault';

export const POD_FAULTS = ['refuse', 'freeze', 'hang', 'crash', 'unready'] as const;
export const NODE_FAULTS = ['down'] as const;

/** What each fault does, for the buttons' titles. */
export const FAULT_HINTS: Readonly<Record<string, string>> = {
  refuse: 'Nothing listens: connections are refused',
  freeze: 'The pod’s network drops every packet: connections time out',
  hang: 'Connections are accepted and never answered',
  crash: 'The container exits and keeps exiting: CrashLoopBackOff',
  unready: 'The readiness probe fails (if the pod has one)',
  down: 'The machine is off: the kubelet stops reporting, packets to it are lost',
};

export interface FaultTarget {
  kind: string;
  name: string;
  namespace?: string;
}

/** The faults a kind can carry: pods their five, nodes `down`, anything else none. */
export function faultsFor(kind: string): readonly string[] {
  if (kind === 'Pod') return POD_FAULTS;
  if (kind === 'Node') return NODE_FAULTS;
  return [];
}

/** The object's `playground/fault` annotation, if any. */
export function faultOf(obj: Pick<KObject, 'metadata'> | undefined): string | undefined {
  const v = obj?.metadata.annotations?.[FAULT_ANNOTATION];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * `kubectl annotate pod web playground/fault=refuse --overwrite`; heal (no fault):
 * `kubectl annotate pod web playground/fault-`. `-n NS` outside the default namespace.
 */
export function faultCommand(target: FaultTarget, fault: string | undefined): string {
  const resource = target.kind.toLowerCase();
  const ns =
    target.kind === 'Pod' && target.namespace && target.namespace !== 'default'
      ? ` -n ${target.namespace}`
      : '';
  const change = fault ? `${FAULT_ANNOTATION}=${fault} --overwrite` : `${FAULT_ANNOTATION}-`;
  return `kubectl annotate ${resource} ${target.name}${ns} ${change}`;
}
