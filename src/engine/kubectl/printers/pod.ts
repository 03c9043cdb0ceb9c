/**
 * The pod row of `kubectl get pods`: READY, STATUS and RESTARTS are derived from the pod's
 * status, not read from one field. `describe` reuses podStatusColumns.
 *
 * Models pkg/printers/internalversion/printers.go printPod (v1.30): the phase (or status.reason)
 * is the starting point; init containers report `Init:x/n`, `Init:<reason>`, `Init:ExitCode:N`;
 * regular containers are scanned last to first and a waiting or terminated reason wins;
 * `Completed` turns back into `Running`/`NotReady` while another container runs; a pod being
 * deleted shows `Terminating` (`Unknown` when its node is unreachable), unless its phase is
 * already terminal. RESTARTS adds `(<age> ago)` from the latest lastState.terminated.finishedAt.
 */
import type { Container, ContainerStatus, Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { parseTimestamp } from '../../sim/clock';
import { ageOf, humanDuration } from './duration';

export interface PodStatusColumns {
  /** `readyContainers/totalContainers`, e.g. `1/1`, `2/3`. */
  ready: string;
  /** The derived STATUS: `Running`, `ContainerCreating`, `CrashLoopBackOff`, `Init:0/1`, ... */
  status: string;
  /** `0`, `3`, or `1 (5s ago)`. */
  restarts: string;
}

/** node.NodeUnreachablePodReason: set by the node lifecycle controller on pods of a lost node. */
const NODE_UNREACHABLE_REASON = 'NodeLost';

/** podutil.IsRestartableInitContainer: a native sidecar (init container with restartPolicy Always). */
function isRestartable(c: Container | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

function conditionTrue(conditions: readonly PodCondition[] | undefined, type: string): boolean {
  return (conditions ?? []).some((c) => c.type === type && c.status === 'True');
}

/** The finishedAt of a container's last termination, in ms, or NaN. */
function lastTerminated(cs: ContainerStatus): number {
  const at = cs.lastState?.terminated?.finishedAt;
  return at ? parseTimestamp(at) : NaN;
}

export function podStatusColumns(pod: Pod, nowMs: number): PodStatusColumns {
  const spec = pod.spec;
  const status = pod.status ?? {};
  let restarts = 0;
  let restartableInitRestarts = 0;
  let totalContainers = spec?.containers?.length ?? 0;
  let readyContainers = 0;
  let lastRestart = NaN;
  let lastRestartableInitRestart = NaN;
  const later = (a: number, b: number): number => (Number.isNaN(a) || b > a ? b : a);

  const phase = status.phase ?? '';
  let reason: string = status.reason || phase;
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initContainers = new Map<string, Container>();
  for (const c of spec?.initContainers ?? []) {
    initContainers.set(c.name, c);
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    restarts += cs.restartCount ?? 0;
    const finished = lastTerminated(cs);
    if (!Number.isNaN(finished)) lastRestart = later(lastRestart, finished);
    const restartable = isRestartable(initContainers.get(cs.name));
    if (restartable) {
      restartableInitRestarts += cs.restartCount ?? 0;
      if (!Number.isNaN(finished))
        lastRestartableInitRestart = later(lastRestartableInitRestart, finished);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (restartable && cs.started === true) {
      if (cs.ready) readyContainers++;
      continue;
    }
    if (terminated) {
      // Initialization failed.
      if (!terminated.reason) {
        reason = terminated.signal
          ? `Init:Signal:${terminated.signal}`
          : `Init:ExitCode:${terminated.exitCode}`;
      } else reason = `Init:${terminated.reason}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec?.initContainers?.length ?? 0}`;
    }
    initializing = true;
    break;
  }

  if (!initializing || conditionTrue(status.conditions, 'Initialized')) {
    restarts = restartableInitRestarts;
    lastRestart = lastRestartableInitRestart;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      const finished = lastTerminated(cs);
      if (!Number.isNaN(finished)) lastRestart = later(lastRestart, finished);
      const waiting = cs.state?.waiting;
      const terminated = cs.state?.terminated;
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) {
        reason = terminated.signal
          ? `Signal:${terminated.signal}`
          : `ExitCode:${terminated.exitCode}`;
      } else if (cs.ready && cs.state?.running) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A pod whose finished container says Completed still runs while another container does.
    if (reason === 'Completed' && hasRunning) {
      reason = conditionTrue(status.conditions, 'Ready') ? 'Running' : 'NotReady';
    }
  }

  const deleting = pod.metadata?.deletionTimestamp;
  if (deleting && status.reason === NODE_UNREACHABLE_REASON) reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  let restartsText = String(restarts);
  if (restarts !== 0 && !Number.isNaN(lastRestart)) {
    restartsText = `${restarts} (${humanDuration(nowMs - lastRestart)} ago)`;
  }
  return { ready: `${readyContainers}/${totalContainers}`, status: reason, restarts: restartsText };
}

/**
 * All cells of a pod row, wide ones included: NAME READY STATUS RESTARTS AGE IP NODE
 * NOMINATED NODE READINESS GATES.
 */
export function podRow(obj: KObject, nowMs: number): string[] {
  const pod = obj as Pod & KObject;
  const { ready, status, restarts } = podStatusColumns(pod, nowMs);
  const podIP = pod.status?.podIPs?.[0]?.ip || '<none>';
  const nodeName = pod.spec?.nodeName || '<none>';
  const nominated = pod.status?.nominatedNodeName || '<none>';
  let gates = '<none>';
  const readinessGates = pod.spec?.readinessGates ?? [];
  if (readinessGates.length > 0) {
    let trueCount = 0;
    for (const g of readinessGates) {
      const c = (pod.status?.conditions ?? []).find((x) => x.type === g.conditionType);
      if (c?.status === 'True') trueCount++;
    }
    gates = `${trueCount}/${readinessGates.length}`;
  }
  return [
    pod.metadata.name ?? '',
    ready,
    status,
    restarts,
    ageOf(pod.metadata.creationTimestamp, nowMs),
    podIP,
    nodeName,
    nominated,
    gates,
  ];
}
