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
  PodIP,
  PodStatus,
} from 'kubernetes-types/core/v1';
import { formatTimestamp } from '../../sim/clock';
import type {
  Attempt,
  ContainerRuntime,
  PodRuntime,
  PodStatusMemo,
  WaitingReason,
} from './runtime';
import { isSeenEnded, visibleAttemptIndex } from './runtime';

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
  for (const w of a.probes) if (w.spec.kind === 'startup') return w.result === 'Success';
  return true;
}
export function attemptReady(a: Attempt): boolean {
  if (!attemptStarted(a)) return false;
  for (const w of a.probes) if (w.spec.kind === 'readiness') return w.result === 'Success';
  return true;
}

/**
 * One container's status now. The status is a pure function of a few inputs (the memo's fields);
 * while they are unchanged the object built last time is returned, so an unchanged container
 * costs no allocation and is the very object already in the stored pod status.
 */
export function containerStatus(c: ContainerRuntime, now: number): ContainerStatus {
  const i = visibleAttemptIndex(c, now);
  const attempt = i >= 0 ? c.attempts[i] : undefined;
  const index = c.attemptCount - (c.attempts.length - i);
  const previous = i > 0 ? c.attempts[i - 1] : undefined;
  const waiting =
    c.waiting &&
    c.waiting.visibleFrom <= now &&
    (!attempt || c.waiting.setAt >= attempt.seenStartAt)
      ? c.waiting
      : undefined;
  const seenEnded = attempt !== undefined && isSeenEnded(attempt, now);
  const started = attempt !== undefined && attemptStarted(attempt);
  const ready = attempt !== undefined && attemptReady(attempt);
  const image = c.spec.image;
  const m = c.statusMemo;
  if (
    m &&
    m.attempt === attempt &&
    m.index === index &&
    m.previous === previous &&
    m.seenEnded === seenEnded &&
    m.started === started &&
    m.ready === ready &&
    m.waiting === waiting &&
    m.image === image
  ) {
    return m.status;
  }
  const status = buildContainerStatus(
    c,
    attempt,
    index,
    previous,
    waiting,
    seenEnded,
    started,
    ready,
  );
  c.statusMemo = { attempt, index, previous, seenEnded, started, ready, waiting, image, status };
  return status;
}

/** `{message?, reason}` as the API shows a waiting state (message omitted when empty). */
function waitingState(w: WaitingReason): ContainerState {
  return { waiting: w.message ? { message: w.message, reason: w.reason } : { reason: w.reason } };
}

/**
 * Build a container status (keys in the order the API server serialises them). Written out
 * field by field rather than with object spreads, which V8 runs on a slow path.
 */
function buildContainerStatus(
  c: ContainerRuntime,
  a: Attempt | undefined,
  index: number,
  previous: Attempt | undefined,
  waiting: WaitingReason | undefined,
  seenEnded: boolean,
  started: boolean,
  ready: boolean,
): ContainerStatus {
  if (!a) {
    return {
      image: c.spec.image ?? '',
      imageID: '',
      lastState: {},
      name: c.name,
      ready: false,
      restartCount: 0,
      started: false,
      state: waiting ? waitingState(waiting) : { waiting: { reason: 'ContainerCreating' } },
    };
  }
  let lastState: ContainerState;
  let state: ContainerState;
  if (!seenEnded) {
    lastState = previous ? terminatedState(previous) : {};
    state = { running: { startedAt: formatTimestamp(a.startedAt) } };
  } else if (waiting) {
    lastState = terminatedState(a);
    state = waitingState(waiting);
  } else {
    lastState = previous ? terminatedState(previous) : {};
    state = terminatedState(a);
  }
  const running = !seenEnded;
  return {
    containerID: a.id,
    image: a.image,
    imageID: a.imageID,
    name: c.name,
    restartCount: index,
    lastState,
    ready: running && ready,
    started: running && started,
    state,
  };
}

/** kubelet_pods.go getPhase (no init containers; podIsTerminal false while the pod lives). */
export function getPhase(pod: Pod, statuses: readonly ContainerStatus[]): string {
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  // Indexed loops over stored (frozen) arrays: V8's for-of takes a slow path on frozen arrays.
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i] as ContainerStatus;
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

/** qosClass depends on the spec alone: recomputed only when the (frozen) spec object changes. */
function memoQosClass(memo: PodStatusMemo, pod: Pod): string {
  const spec = pod.spec;
  if (!spec || !Object.isFrozen(spec)) return qosClass(pod);
  if (memo.qos?.spec !== spec) memo.qos = { spec, value: qosClass(pod) };
  return memo.qos.value;
}

function findCondition(
  list: readonly PodCondition[] | undefined,
  type: string,
): PodCondition | undefined {
  if (!list) return undefined;
  for (let i = 0; i < list.length; i++) if ((list[i] as PodCondition).type === type) return list[i];
  return undefined;
}

function condition(
  prev: PodCondition | undefined,
  type: string,
  status: 'True' | 'False',
  now: number,
  reason?: string,
  message?: string,
): PodCondition {
  // The API serialises the unset time as `lastProbeTime: null`; kubectl -o yaml shows it.
  const lastProbeTime = null as unknown as string;
  const lastTransitionTime =
    prev && prev.status === status && prev.lastTransitionTime
      ? prev.lastTransitionTime
      : formatTimestamp(now);
  // Spelled out per case (object spreads are slow), keys in the API's order.
  if (message && reason)
    return { lastProbeTime, lastTransitionTime, message, reason, status, type };
  if (reason) return { lastProbeTime, lastTransitionTime, reason, status, type };
  if (message) return { lastProbeTime, lastTransitionTime, message, status, type };
  return { lastProbeTime, lastTransitionTime, status, type };
}

/** The kubelet's conditions, in the order it reports them (memo slots follow this order). */
const KUBELET_CONDITION_TYPES = [
  'PodReadyToStartContainers',
  'Initialized',
  'Ready',
  'ContainersReady',
] as const;
const isKubeletCondition = (type: string): boolean =>
  type === 'PodReadyToStartContainers' ||
  type === 'Initialized' ||
  type === 'Ready' ||
  type === 'ContainersReady';

/**
 * One of the kubelet's conditions. When the stored condition is the very object the kubelet
 * built last time and has the same status, reason and message, a fresh build would equal it
 * field for field (lastTransitionTime included, as the status did not change): it is reused.
 */
function kubeletCondition(
  memo: PodStatusMemo,
  slot: number,
  old: readonly PodCondition[] | undefined,
  mine: boolean,
  status: 'True' | 'False',
  now: number,
  reason?: string,
  message?: string,
): PodCondition {
  const type = KUBELET_CONDITION_TYPES[slot] as string;
  // In the kubelet's own last status, its conditions sit in report order at the front.
  const prev = mine ? old?.[slot] : findCondition(old, type);
  // condition() leaves out an empty reason or message, so compare with `|| undefined`.
  if (
    prev !== undefined &&
    prev === memo.conditions[slot] &&
    prev.status === status &&
    prev.reason === (reason || undefined) &&
    prev.message === (message || undefined)
  ) {
    return prev;
  }
  const cond = condition(prev, type, status, now, reason, message);
  memo.conditions[slot] = cond;
  return cond;
}

/**
 * status.hostIPs, one list per node address shared by all the pods of the node: it is frozen by
 * the first status write that carries it and never edited (the store shares frozen parts too).
 */
const hostIPLists = new Map<string, PodIP[]>();
function hostIPList(ip: string): PodIP[] {
  let list = hostIPLists.get(ip);
  if (!list) {
    list = [{ ip }];
    hostIPLists.set(ip, list);
  }
  return list;
}

/** `list` when it holds exactly `items` (the same objects, in order), else `items`. */
function reuseList<T>(list: T[] | undefined, items: T[]): T[] {
  if (!list || list.length !== items.length) return items;
  for (let i = 0; i < items.length; i++) if (list[i] !== items[i]) return items;
  return list;
}

/**
 * The full status for the pod as the kubelet would report it now. Parts that come out the same
 * as in the stored status are the stored objects themselves; when nothing changed since the
 * kubelet's own last status, the stored status object itself is returned (so `=== pod.status`
 * means "no write needed").
 */
export function generatePodStatus({ pod, rt, now, hostIP }: StatusInput): PodStatus {
  const old = pod.status;
  const memo = rt.statusMemo;
  // The stored status is the one the kubelet built last (nobody else wrote it since).
  const mine = old !== undefined && old === memo.status;
  const built: ContainerStatus[] = [];
  for (const c of rt.containers) built.push(containerStatus(c, now));
  const statuses = reuseList(old?.containerStatuses, built);
  const phase = getPhase(pod, statuses);
  const terminal = phase === 'Succeeded' || phase === 'Failed';

  let unready = 0;
  let unreadyNames = '';
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i] as ContainerStatus;
    if (!s.ready) unreadyNames = unready++ === 0 ? s.name : `${unreadyNames} ${s.name}`;
  }
  let readyCond: [status: 'True' | 'False', reason?: string, message?: string];
  if (phase === 'Succeeded') readyCond = ['False', 'PodCompleted'];
  else if (unready > 0)
    readyCond = [
      'False',
      'ContainersNotReady',
      `containers with unready status: [${unreadyNames}]`,
    ];
  else readyCond = ['True'];
  let podReady = readyCond;
  // Readiness gates: conditions others (controllers) set must all be True too.
  if (readyCond[0] === 'True' && pod.spec?.readinessGates) {
    const missing = pod.spec.readinessGates
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

  const oldConds = old?.conditions;
  const c0 = kubeletCondition(memo, 0, oldConds, mine, terminal ? 'False' : 'True', now);
  const c1 = kubeletCondition(memo, 1, oldConds, mine, 'True', now);
  const c2 = kubeletCondition(memo, 2, oldConds, mine, podReady[0], now, podReady[1], podReady[2]);
  const c3 = kubeletCondition(
    memo,
    3,
    oldConds,
    mine,
    readyCond[0],
    now,
    readyCond[1],
    readyCond[2],
  );
  let conditions: PodCondition[];
  if (
    mine &&
    oldConds &&
    oldConds[0] === c0 &&
    oldConds[1] === c1 &&
    oldConds[2] === c2 &&
    oldConds[3] === c3
  ) {
    // The kubelet's own list with its four conditions unchanged (the rest are others', kept).
    conditions = oldConds;
  } else {
    const conds = [c0, c1, c2, c3];
    if (oldConds) {
      for (let i = 0; i < oldConds.length; i++) {
        const c = oldConds[i] as PodCondition;
        if (!isKubeletCondition(c.type)) conds.push(c);
      }
    }
    conditions = reuseList(oldConds, conds);
  }

  const hostIPs = hostIPList(hostIP);
  let podIPs: PodIP[] | undefined;
  if (rt.podIP) {
    if (memo.podIPs?.ip !== rt.podIP) memo.podIPs = { ip: rt.podIP, list: [{ ip: rt.podIP }] };
    podIPs = memo.podIPs.list;
  }
  const qos = memoQosClass(memo, pod);
  const startTime = (memo.startTime ??= formatTimestamp(rt.startTime));

  // Nothing changed since the status the kubelet built (and wrote) last: the stored one stands.
  if (
    mine &&
    old.conditions === conditions &&
    old.containerStatuses === statuses &&
    old.hostIP === hostIP &&
    old.hostIPs === hostIPs &&
    old.phase === phase &&
    old.qosClass === qos &&
    old.startTime === startTime &&
    old.podIP === (rt.podIP || undefined) &&
    old.podIPs === podIPs
  ) {
    return old;
  }

  const status: PodStatus = {
    conditions,
    containerStatuses: statuses,
    hostIP,
    hostIPs,
    phase,
    qosClass: qos,
    startTime,
  };
  if (rt.podIP && podIPs) {
    status.podIP = rt.podIP;
    status.podIPs = podIPs;
  }
  if (old?.nominatedNodeName) status.nominatedNodeName = old.nominatedNodeName;
  memo.status = status;
  return status;
}
