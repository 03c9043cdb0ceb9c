/**
 * The kubelet's picture of one pod on its node: the sandbox (pod IP) and, per container, the
 * container instances the runtime created (attempts), the pull in flight, and the "reason cache"
 * (why a container is waiting). pod-status.ts turns this into the API status; kubelet.ts moves it.
 *
 * Times are virtual ms. Every change of the runtime becomes visible to the kubelet a little later,
 * as PLEG (pkg/kubelet/pleg/generic.go, relist every 1 s) notices it: `seenStartAt` and
 * `seenEndAt` are those moments, and the status only ever shows what the kubelet has seen.
 */
import type {
  Container,
  ContainerStatus,
  PodCondition,
  PodIP,
  PodStatus,
} from 'kubernetes-types/core/v1';
import type { TimerHandle } from '../../sim/clock';
import type { ProcessBehaviour } from '../../workloads/behaviour';
import type { ImageRef } from '../../workloads/image-ref';
import type { Backoff } from './backoff';
import type { PullTicket } from './image-puller';
import type { ProbeWorker } from './probes';

/** PLEG's relist period: a container's start or exit is seen up to this long after it happens. */
export const PLEG_RELIST_MS = 1000;

/** One container instance (`containerd://…`): started once, ends once. */
export interface Attempt {
  id: string;
  /** Fully qualified image (`docker.io/library/nginx:latest`) and its digest reference. */
  image: string;
  imageID: string;
  startedAt: number;
  seenStartAt: number;
  proc: ProcessBehaviour;
  /** When the process ends by itself, if it does. */
  naturalExitAt?: number;
  naturalExitCode?: number;
  /**
   * The exit the `crash` fault imposes (code 1): when the fault is seen on a running instance,
   * or 1 s after an instance starts while it is set. Cleared if the fault is removed first.
   */
  faultExitAt?: number | undefined;
  /** A stop requested by the kubelet (pod deletion, failed liveness probe, changed definition). */
  kill?: { at: number; deadline: number; finishAt: number; exitCode: number };
  /** How it ended: the earlier of the natural exit and the kill. */
  finishedAt?: number;
  exitCode?: number;
  seenEndAt?: number;
  probes: ProbeWorker[];
}

/** Why a container is waiting (the kubelet's reasonCache), visible from `visibleFrom`. */
export interface WaitingReason {
  reason: string;
  message?: string;
  setAt: number;
  visibleFrom: number;
}

/**
 * Every field is always present (unset ones hold undefined) and none is ever deleted: `delete`
 * would turn the object into a slow dictionary-mode object, and these are read on every sync.
 */
export interface ContainerRuntime {
  name: string;
  /** The container definition the next instance will use. */
  spec: Container;
  ref: ImageRef | undefined;
  /** Set when the image reference does not parse (InvalidImageName message). */
  invalidImage: string | undefined;
  attempts: Attempt[];
  /** Instances created so far (restartCount of the latest = attemptCount - 1). */
  attemptCount: number;
  waiting: WaitingReason | undefined;
  /** A pull requested for the next instance. */
  pull: PullTicket | undefined;
  /** Image pull failure cycle: ErrImagePull until showBackOffAt, ImagePullBackOff until retryAt. */
  pullFailure:
    { failures: number; failedAt: number; showBackOffAt: number; retryAt: number } | undefined;
  /** Crash-loop back-off: the next instance may start at `until`. */
  crashBackOffUntil: number | undefined;
  /** An exit (or a kill) already handled, so the restart decision is made once. */
  handledEnd: string | undefined;
  /** The image is on the node for this container (just pulled, or present). */
  imageReady: boolean;
  /** The last event-worthy state, so a sync repeats no events. */
  reported: string | undefined;
  /** `spec.containers{name}`, the fieldPath of this container's events (built once). */
  fieldPath: string;
  /** The last container status pod-status.ts built, and what it was built from. */
  statusMemo: ContainerStatusMemo | undefined;
}

/**
 * A container status is a pure function of these inputs (see pod-status.ts containerStatus):
 * while they are the same objects and values, the status built last time is reused as is. An
 * attempt's fields that the status shows never change once shown (its id and image from the
 * start, its exit once seen), and `waiting` objects are replaced, never edited.
 */
export interface ContainerStatusMemo {
  attempt: Attempt | undefined;
  index: number;
  previous: Attempt | undefined;
  seenEnded: boolean;
  ready: boolean;
  started: boolean;
  waiting: WaitingReason | undefined;
  image: string | undefined;
  status: ContainerStatus;
}

/**
 * The parts of the last pod status the kubelet built, reused while they would come out the same.
 * Status writes hand these objects to the store (which freezes them), so while the stored status
 * is still the kubelet's own, "unchanged" is an identity check rather than a deep comparison, and
 * the store's own comparison and freezing skip every part shared with the stored status.
 */
export interface PodStatusMemo {
  /** The whole status built last time (the stored status is this object while nobody else wrote). */
  status: PodStatus | undefined;
  /** The kubelet's four conditions as built last time, in report order. */
  conditions: Array<PodCondition | undefined>;
  podIPs: { ip: string; list: PodIP[] } | undefined;
  /** status.qosClass and the pod spec object it was computed from. */
  qos: { spec: object; value: string } | undefined;
  /** status.startTime, formatted once (the start time never changes). */
  startTime: string | undefined;
}

export interface PodRuntime {
  key: string;
  uid: string;
  namespace: string;
  name: string;
  startTime: number;
  podIP: string;
  hostNetwork: boolean;
  containers: ContainerRuntime[];
  /** Restart back-off per container (key: container name) and pull back-off per image. */
  restartBackoff: Backoff;
  pullBackoff: Backoff;
  /** Graceful deletion in progress: containers must be gone by then. */
  deletionDeadline?: number;
  /** The pod IP went back to the node's pool (pod finished or gone). */
  ipReleased: boolean;
  /** Reused parts of the last status (pod-status.ts). */
  statusMemo: PodStatusMemo;
  /** The pod worker's pending wake-ups, foreground and background (kubelet.ts arm). */
  timers: { fg: PodTimer | undefined; bg: PodTimer | undefined };
}

export interface PodTimer {
  due: number;
  handle: TimerHandle | undefined;
}

/** Exit code of the `crash` fault: the process fails. */
export const FAULT_EXIT_CODE = 1;

/** When the instance's process ends by itself (its own exit or the fault's), if it does. */
export function exitAtOf(a: Attempt): number | undefined {
  const f = a.faultExitAt;
  const n = a.naturalExitAt;
  if (f === undefined) return n;
  return n !== undefined && n <= f ? n : f;
}

/** The exit code that goes with exitAtOf. */
export function exitCodeOf(a: Attempt): number {
  const f = a.faultExitAt;
  const n = a.naturalExitAt;
  if (f !== undefined && (n === undefined || f < n)) return FAULT_EXIT_CODE;
  return a.naturalExitCode ?? 0;
}

/** The latest instance the kubelet has seen start, with its index (= its restartCount). */
export function visibleAttempt(
  c: ContainerRuntime,
  now: number,
): { attempt: Attempt; index: number; previous?: Attempt } | undefined {
  for (let i = c.attempts.length - 1; i >= 0; i--) {
    const a = c.attempts[i] as Attempt;
    if (a.seenStartAt <= now) {
      const index = c.attemptCount - (c.attempts.length - i);
      const previous = c.attempts[i - 1];
      return previous ? { attempt: a, index, previous } : { attempt: a, index };
    }
  }
  return undefined;
}

/** The position in `c.attempts` of the latest instance the kubelet has seen start, or -1. */
export function visibleAttemptIndex(c: ContainerRuntime, now: number): number {
  for (let i = c.attempts.length - 1; i >= 0; i--) {
    if ((c.attempts[i] as Attempt).seenStartAt <= now) return i;
  }
  return -1;
}

export const isRunningAt = (a: Attempt, now: number): boolean =>
  a.finishedAt === undefined || a.finishedAt > now;
export const isSeenEnded = (a: Attempt, now: number): boolean =>
  a.seenEndAt !== undefined && a.seenEndAt <= now;
