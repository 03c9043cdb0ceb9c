/**
 * The pod status the kubelet reports, built from what it has seen of the runtime.
 *
 * Models pkg/kubelet/kubelet_pods.go generateAPIPodStatus, convertToAPIContainerStatuses and
 * getPhase, pkg/kubelet/status/generate.go (GeneratePodReadyCondition, GenerateContainersReady-
 * Condition, GeneratePodReadyToStartContainersCondition, GeneratePodInitializedCondition) and
 * pkg/apis/core/v1/helper/qos GetPodQOS. Conditions come in the kubelet's order —
 * PodReadyToStartContainers, Initialized, Ready, ContainersReady — followed by the ones others own
 * (PodScheduled), each keeping its lastTransitionTime while its status does not change.
 *
 * Left out: init containers and sidecars, resize status, volume mounts in container status.
 */
import type {
  Container,
  ContainerState,
  ContainerStatus,
  Pod,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1';
import { formatTimestamp } from '../../sim/clock';
import type { Attempt, ContainerRuntime, PodRuntime } from './runtime';
import { isSeenEnded, visibleAttempt } from './runtime';

export interface StatusInput {
  pod: Pod;
  rt: PodRuntime;
  now: number;
  hostIP: string;
}

function terminatedState(a: Attempt): ContainerState {
  const code = a.exitCode ?? 0;
  return {
    terminated: {
      containerID: a.id,
      exitCode: code,
      finishedAt: formatTimestamp(a.finishedAt ?? a.startedAt),
      reason: code === 0 ? 'Completed' : 'Error',
      startedAt: formatTimestamp(a.startedAt),
    },
  };
}

/** Readiness of a running instance: startup done and readiness passing (or no such probes). */
export function attemptStarted(a: Attempt): boolean {
  const startup = a.probes.find((w) => w.spec.kind === 'startup');
  return !startup || startup.result === 'Success';
}
export function attemptReady(a: Attempt): boolean {
  if (!attemptStarted(a)) return false;
  const readiness = a.probes.find((w) => w.spec.kind === 'readiness');
  return !readiness || readiness.result === 'Success';
}

export function containerStatus(c: ContainerRuntime, now: number): ContainerStatus {
  const v = visibleAttempt(c, now);
  const waiting =
    c.waiting && c.waiting.visibleFrom <= now && (!v || c.waiting.setAt >= v.attempt.seenStartAt)
      ? c.waiting
      : undefined;
  if (!v) {
    return {
      image: c.spec.image ?? '',
      imageID: '',
      lastState: {},
      name: c.name,
      ready: false,
      restartCount: 0,
      started: false,
      state: {
        waiting: waiting
          ? { ...(waiting.message ? { message: waiting.message } : {}), reason: waiting.reason }
          : { reason: 'ContainerCreating' },
      },
    };
  }
  const a = v.attempt;
  const base = {
    containerID: a.id,
    image: a.image,
    imageID: a.imageID,
    name: c.name,
    restartCount: v.index,
  };
  if (!isSeenEnded(a, now)) {
    return {
      ...base,
      lastState: v.previous ? terminatedState(v.previous) : {},
      ready: attemptReady(a),
      started: attemptStarted(a),
      state: { running: { startedAt: formatTimestamp(a.startedAt) } },
    };
  }
  if (waiting) {
    return {
      ...base,
      lastState: terminatedState(a),
      ready: false,
      started: false,
      state: {
        waiting: {
          ...(waiting.message ? { message: waiting.message } : {}),
          reason: waiting.reason,
        },
      },
    };
  }
  return {
    ...base,
    lastState: v.previous ? terminatedState(v.previous) : {},
    ready: false,
    started: false,
    state: terminatedState(a),
  };
}

/** kubelet_pods.go getPhase (no init containers; podIsTerminal false while the pod lives). */
export function getPhase(pod: Pod, statuses: readonly ContainerStatus[]): string {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    }
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Quantities to comparable numbers (`100m` = 0.1, `1Gi`, `128M`). */
function quantity(q: string | number | undefined): number | undefined {
  if (q === undefined) return undefined;
  if (typeof q === 'number') return q;
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const mult: Record<string, number> = {
    '': 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    Ki: 1024,
    Mi: 1024 ** 2,
    Gi: 1024 ** 3,
    Ti: 1024 ** 4,
  };
  return n * (mult[m[2] ?? ''] ?? 1);
}

/** pkg/apis/core/v1/helper/qos GetPodQOS: Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: Pod): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers: Container[] = [
    ...(pod.spec?.initContainers ?? []),
    ...(pod.spec?.containers ?? []),
  ];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      const l = quantity(lim[r] as string | undefined);
      const q = quantity(req[r] as string | undefined) ?? l;
      if (l !== undefined || q !== undefined) any = true;
      if (l === undefined || q === undefined || l !== q) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function condition(
  old: readonly PodCondition[] | undefined,
  type: string,
  status: 'True' | 'False',
  now: string,
  reason?: string,
  message?: string,
): PodCondition {
  const prev = old?.find((c) => c.type === type);
  return {
    // The API serialises the unset time as `lastProbeTime: null`; kubectl -o yaml shows it.
    lastProbeTime: null as unknown as string,
    lastTransitionTime:
      prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    ...(message ? { message } : {}),
    ...(reason ? { reason } : {}),
    status,
    type,
  };
}

const KUBELET_CONDITIONS = new Set([
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
]);

/** The full status for the pod as the kubelet would report it now. */
export function generatePodStatus({ pod, rt, now, hostIP }: StatusInput): PodStatus {
  const old = pod.status;
  const nowStr = formatTimestamp(now);
  const statuses = rt.containers.map((c) => containerStatus(c, now));
  const phase = getPhase(pod, statuses);
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  const unready = statuses.filter((s) => !s.ready).map((s) => s.name);
  let readyCond: [status: 'True' | 'False', reason?: string, message?: string];
  if (phase === 'Succeeded') readyCond = ['False', 'PodCompleted'];
  else if (unready.length > 0)
    readyCond = [
      'False',
      'ContainersNotReady',
      `containers with unready status: [${unready.join(' ')}]`,
    ];
  else readyCond = ['True'];
  let podReady = readyCond;
  // Readiness gates: conditions others (controllers) set must all be True too.
  if (readyCond[0] === 'True') {
    const missing = (pod.spec?.readinessGates ?? [])
      .map((g) => g.conditionType)
      .filter((t) => old?.conditions?.find((c) => c.type === t)?.status !== 'True');
    if (missing.length > 0) {
      const first = missing[0] ?? '';
      const exists = old?.conditions?.some((c) => c.type === first);
      podReady = [
        'False',
        'ReadinessGatesNotReady',
        exists
          ? `the status of pod readiness gate "${first}" is not "True", but False`
          : `corresponding condition of pod readiness gate "${first}" does not exist.`,
      ];
    }
  }

  const conditions: PodCondition[] = [
    condition(old?.conditions, 'PodReadyToStartContainers', terminal ? 'False' : 'True', nowStr),
    condition(old?.conditions, 'Initialized', 'True', nowStr),
    condition(old?.conditions, 'Ready', podReady[0], nowStr, podReady[1], podReady[2]),
    condition(old?.conditions, 'ContainersReady', readyCond[0], nowStr, readyCond[1], readyCond[2]),
  ];
  for (const c of old?.conditions ?? []) if (!KUBELET_CONDITIONS.has(c.type)) conditions.push(c);

  const status: PodStatus = {
    conditions,
    containerStatuses: statuses,
    hostIP,
    hostIPs: [{ ip: hostIP }],
    phase,
    qosClass: qosClass(pod),
    startTime: formatTimestamp(rt.startTime),
  };
  if (rt.podIP) {
    status.podIP = rt.podIP;
    status.podIPs = [{ ip: rt.podIP }];
  }
  if (old?.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  return status;
}
