/**
 * kube-scheduler: puts every pod that has no node on one.
 *
 * Models pkg/scheduler/schedule_one.go (scheduleOne → schedulingCycle → schedulePod →
 * findNodesThatFitPod / prioritizeNodes / selectHost, handleSchedulingFailure, bind) with the
 * default plugin profile of v1.30:
 *  - PreFilter: NodeAffinity's `matchFields metadata.name` pinning (DaemonSet pods);
 *  - Filter: NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit
 *    (filters.ts) against the incremental scheduler cache (cache.ts);
 *  - Score: TaintToleration, NodeAffinity, NodeResourcesFit (LeastAllocated), PodTopologySpread
 *    (system default spreading), NodeResourcesBalancedAllocation (scores.ts); the best total
 *    wins, ties broken at random (reservoir sampling with the seeded `scheduler` stream);
 *  - PostFilter: DefaultPreemption (preemption.ts);
 *  - Bind: `spec.nodeName` and the PodScheduled condition, event `Scheduled`.
 * A pod no node fits gets a `FailedScheduling` warning with FitError's message and
 * PodScheduled=False/Unschedulable, and waits in the unschedulable pool until something that
 * could help happens (a node added or changed, a bound pod deleted or finished, the pod itself
 * updated); it is then retried once its back-off (1 s doubling, at most 10 s) has passed. Pods
 * left unschedulable for 5 minutes are retried anyway (flushUnschedulablePodsLeftover, every
 * 30 s, as background timers that do not keep `settle()` busy).
 *
 * Every decision is written to `ctx.scheduling` (decisions.ts) for the UI.
 *
 * Simplified:
 *  - Binding (store.bindPod, the pods/binding subresource) also clears nominatedNodeName in the
 *    same write; upstream's scheduler does that in a status patch of its own.
 *  - One work queue in arrival order: no PrioritySort by priority, no separate activeQ/backoffQ,
 *    no QueueingHints (any relevant event moves every unschedulable pod).
 *  - Every node is evaluated (percentageOfNodesToScore only matters above 100 nodes).
 *  - Not modelled: volumes, pod (anti-)affinity, explicit topologySpreadConstraints, extenders,
 *    multiple profiles, reservation of room for nominated pods.
 */
import type { Node, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import type { KObject, WatchEvent } from '../../api/types';
import { deepEqual, splitNsName } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { TimerHandle } from '../../sim/clock';
import { formatTimestamp } from '../../sim/clock';
import { keyFor } from '../runner';
import type { NodeInfo, PodSchedInfo } from './cache';
import { effectiveTaints, podSchedInfo, SchedulerCache } from './cache';
import type { DecisionRecord } from './decisions';
import { fitErrorMessage, truncateMessage } from './decisions';
import type { FilterPod, NodeStatus } from './filters';
import {
  filterPod,
  prefilterNodeNames,
  PREFILTERED_STATUS,
  REASON_AFFINITY_CONFLICT,
  runFilters,
} from './filters';
import { preempt } from './preemption';
import { Scorer } from './scores';

type StoredPod = Pod & KObject;
type StoredNode = Node & KObject;

export const SCHEDULER_NAME = 'default-scheduler';
const ACTOR = SCHEDULER_NAME;

/** podInitialBackoffDuration / podMaxBackoffDuration. */
export const INITIAL_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 10_000;
/** flushUnschedulablePodsLeftover period and podMaxInUnschedulablePodsDuration. */
const LEFTOVER_FLUSH_MS = 30_000;
const MAX_UNSCHEDULABLE_MS = 5 * 60_000;

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
const SCHEDULING_GATED_MESSAGE = 'Scheduling is blocked due to non-empty scheduling gates';
/** metav1.Time's zero value, which the API serializes as `null` (`lastProbeTime: null`). */
const NULL_TIME = null as unknown as string;

interface UnschedulablePod {
  uid: string;
  failedAt: number;
  backoffUntil: number;
}

/** What tests (and later the UI) may inspect; the scheduler itself is driven by watches. */
export interface SchedulerHandle {
  readonly cache: SchedulerCache;
  /** Keys (`ns/name`) of the pods waiting in the unschedulable pool. */
  unschedulablePods(): string[];
}

/** The pods this scheduler is responsible for: not yet bound, not going away, not someone else's. */
function responsibleFor(pod: StoredPod): boolean {
  const name = pod.spec?.schedulerName;
  return (
    !pod.spec?.nodeName &&
    pod.metadata.deletionTimestamp === undefined &&
    (name === undefined || name === '' || name === SCHEDULER_NAME)
  );
}

function isTerminal(pod: StoredPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** isPodUpdated: a change that could affect scheduling (status-only writes are ignored). */
function podUpdated(old: StoredPod | undefined, cur: StoredPod): boolean {
  if (!old) return true;
  if (old.spec !== cur.spec && !deepEqual(old.spec, cur.spec)) return true;
  return (
    !deepEqual(old.metadata.labels, cur.metadata.labels) ||
    !deepEqual(old.metadata.annotations, cur.metadata.annotations)
  );
}

/** A node change that could make a pending pod schedulable (heartbeats are not). */
function nodeUpdated(old: StoredNode | undefined, cur: StoredNode): boolean {
  if (!old) return true;
  if (old.spec !== cur.spec && !deepEqual(old.spec, cur.spec)) return true;
  return (
    !deepEqual(old.metadata.labels, cur.metadata.labels) ||
    !deepEqual(old.status?.allocatable, cur.status?.allocatable) ||
    !deepEqual(effectiveTaints(old), effectiveTaints(cur))
  );
}

/**
 * podutil.UpdatePodCondition: replace or add the condition, keeping lastTransitionTime unless the
 * status changes. Returns false when nothing would change.
 */
export function upsertPodCondition(status: PodStatus, cond: PodCondition, now: string): boolean {
  const conds = status.conditions ? [...status.conditions] : [];
  const i = conds.findIndex((c) => c.type === cond.type);
  const old = i >= 0 ? conds[i] : undefined;
  if (
    old &&
    old.status === cond.status &&
    old.reason === cond.reason &&
    old.message === cond.message
  ) {
    return false;
  }
  const next: PodCondition = {
    type: cond.type,
    status: cond.status,
    lastProbeTime: NULL_TIME,
    lastTransitionTime:
      old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : now,
    ...(cond.reason !== undefined ? { reason: cond.reason } : {}),
    ...(cond.message !== undefined ? { message: cond.message } : {}),
  };
  if (i >= 0) conds[i] = next;
  else conds.push(next);
  status.conditions = conds;
  return true;
}

/**
 * Decision records keep their scores as bytes carved out of shared 1 MB slabs: allocating one
 * small typed array per decision costs more than scoring the nodes. A slab is freed by the GC
 * once no record points into it any more.
 */
class ByteSlab {
  private slab = new Uint8Array(0);
  private used = 0;

  alloc(n: number): { buf: Uint8Array; offset: number } {
    if (this.used + n > this.slab.length) {
      this.slab = new Uint8Array(Math.max(1 << 20, n));
      this.used = 0;
    }
    const offset = this.used;
    this.used += n;
    return { buf: this.slab, offset };
  }
}

export function startScheduler(ctx: ClusterContext): SchedulerHandle {
  const { store, clock } = ctx;
  const cache = new SchedulerCache();
  const rng = ctx.rng('scheduler');
  const recorder = ctx.events.newRecorder({ component: SCHEDULER_NAME });
  const c = ctx.newController(SCHEDULER_NAME);
  const unschedulable = new Map<string, UnschedulablePod>();
  const attempts = new Map<string, number>();
  let leftoverTimer: TimerHandle | undefined;
  /** The info computed while scheduling the pod being bound, reused when its update arrives. */
  let binding: PodSchedInfo | undefined;
  let names: { nodes: readonly NodeInfo[]; names: readonly string[] } | undefined;
  /** Scratch: the feasible node indexes of the current cycle. */
  let feasible = new Int32Array(0);
  const scorer = new Scorer();
  const scoreSlab = new ByteSlab();

  const nowTs = (): string => formatTimestamp(clock.now());
  const nodeNames = (nodes: readonly NodeInfo[]): readonly string[] => {
    if (names?.nodes !== nodes) names = { nodes, names: nodes.map((n) => n.name) };
    return names.names;
  };

  // ---------------------------------------------------------------- the scheduling queue

  /** MoveAllToActiveOrBackoffQueue: pods past their back-off run now, the others when it ends. */
  const moveAllToActiveOrBackoff = (): void => {
    if (unschedulable.size === 0) return;
    const now = clock.now();
    for (const [key, u] of unschedulable) {
      const wait = u.backoffUntil - now;
      if (wait <= 0) c.enqueue(key);
      else c.enqueueAfter(key, wait);
    }
    unschedulable.clear();
  };

  const ensureLeftoverFlush = (): void => {
    if (leftoverTimer || unschedulable.size === 0) return;
    leftoverTimer = clock.schedule(
      LEFTOVER_FLUSH_MS,
      ACTOR,
      () => {
        leftoverTimer = undefined;
        const now = clock.now();
        for (const [key, u] of unschedulable) {
          if (now - u.failedAt < MAX_UNSCHEDULABLE_MS) continue;
          unschedulable.delete(key);
          c.enqueue(key);
        }
        ensureLeftoverFlush();
      },
      { background: true },
    );
  };

  // ---------------------------------------------------------------- informers → cache

  /** Take the pod out of the unschedulable pool (its key is only worked out if the pool has any). */
  const forgetUnschedulable = (pod: StoredPod): void => {
    if (unschedulable.size > 0) unschedulable.delete(keyFor(pod));
  };

  const onPod = (ev: WatchEvent): string | undefined => {
    const pod = ev.object as StoredPod;
    const uid = pod.metadata.uid ?? '';
    if (ev.type === 'DELETED') {
      forgetUnschedulable(pod);
      attempts.delete(uid);
      ctx.scheduling.forget(uid);
      if (cache.removePod(uid)) moveAllToActiveOrBackoff(); // its resources are free
      return undefined;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      forgetUnschedulable(pod);
      attempts.delete(uid);
      if (isTerminal(pod)) {
        if (cache.removePod(uid)) moveAllToActiveOrBackoff();
        return undefined;
      }
      const cached = cache.podInfo(uid);
      const terminating = pod.metadata.deletionTimestamp !== undefined;
      const old = ev.old as StoredPod | undefined;
      if (!cached || old?.spec !== pod.spec || cached.terminating !== terminating) {
        const info =
          binding?.uid === uid && !terminating ? binding : podSchedInfo(pod as StoredPod);
        cache.upsertPod(info, nodeName);
      }
      return undefined;
    }
    if (!responsibleFor(pod)) {
      forgetUnschedulable(pod);
      return undefined;
    }
    const key = keyFor(pod);
    if (ev.type === 'ADDED') return key;
    if (!podUpdated(ev.old as StoredPod | undefined, pod)) return undefined;
    const u = unschedulable.get(key);
    if (!u) return key;
    unschedulable.delete(key);
    c.enqueueAfter(key, u.backoffUntil - clock.now());
    return undefined;
  };

  const onNode = (ev: WatchEvent): undefined => {
    const node = ev.object as StoredNode;
    if (ev.type === 'DELETED') {
      cache.removeNode(node.metadata.name ?? '');
      return undefined;
    }
    cache.setNode(node);
    if (ev.type === 'ADDED' || nodeUpdated(ev.old as StoredNode | undefined, node))
      moveAllToActiveOrBackoff();
    return undefined;
  };

  // Initial list, as an informer's first sync, then watch.
  for (const n of store.list<StoredNode>('Node')) cache.setNode(n);
  for (const p of store.list<StoredPod>('Pod')) {
    if (p.spec?.nodeName) {
      if (!isTerminal(p)) cache.upsertPod(podSchedInfo(p), p.spec.nodeName);
    } else if (responsibleFor(p)) c.enqueue(keyFor(p));
  }
  c.watch('Node', onNode);
  c.watch('Pod', onPod);

  // ---------------------------------------------------------------- writes

  const setPodScheduledCondition = (
    pod: StoredPod,
    cond: PodCondition,
    nominated?: string,
  ): StoredPod => {
    const st: PodStatus = { ...pod.status }; // shallow: conditions are replaced, not edited
    let changed = upsertPodCondition(st, cond, nowTs());
    if (nominated !== undefined && (st.nominatedNodeName ?? '') !== nominated) {
      if (nominated) st.nominatedNodeName = nominated;
      else delete st.nominatedNodeName;
      changed = true;
    }
    return changed ? store.updateStatus({ ...pod, status: st }, { actor: ACTOR }) : pod;
  };

  /**
   * Binding: spec.nodeName and PodScheduled=True in one write (the pods/binding subresource),
   * which here also clears status.nominatedNodeName: the pod is placed, the nomination is done.
   */
  const bind = (pod: StoredPod, info: PodSchedInfo, nodeName: string): void => {
    const ns = pod.metadata.namespace ?? 'default';
    const name = pod.metadata.name ?? '';
    binding = info;
    let bound: StoredPod;
    try {
      bound = store.bindPod(ns, name, nodeName, {
        actor: ACTOR,
        clearNominatedNodeName: true,
      }) as StoredPod;
    } finally {
      binding = undefined;
    }
    recorder.event(
      bound,
      'Normal',
      'Scheduled',
      `Successfully assigned ${ns}/${name} to ${nodeName}`,
    );
  };

  const isTerminatingByPreemption = (v: PodSchedInfo): boolean => {
    const vp = store.get<StoredPod>('Pod', v.namespace, v.name);
    return (
      vp?.metadata.deletionTimestamp !== undefined &&
      (vp.status?.conditions ?? []).some(
        (cond) =>
          cond.type === 'DisruptionTarget' &&
          cond.status === 'True' &&
          cond.reason === 'PreemptionByScheduler',
      )
    );
  };

  /** prepareCandidate: mark each victim DisruptionTarget, delete it, tell it why. */
  const evictVictims = (preemptor: StoredPod, victims: PodSchedInfo[], nodeName: string): void => {
    for (const v of victims) {
      const vp = store.get<StoredPod>('Pod', v.namespace, v.name);
      if (!vp || vp.metadata.uid !== v.uid || vp.metadata.deletionTimestamp) continue;
      const st: PodStatus = { ...vp.status };
      const cond: PodCondition = {
        type: 'DisruptionTarget',
        status: 'True',
        reason: 'PreemptionByScheduler',
        message: `${preemptor.spec?.schedulerName || SCHEDULER_NAME}: preempting to accommodate a higher priority pod`,
      };
      if (upsertPodCondition(st, cond, nowTs()))
        store.updateStatus({ ...vp, status: st }, { actor: ACTOR });
      store.delete('Pod', v.namespace, v.name, { actor: ACTOR });
      recorder.event(
        vp,
        'Normal',
        'Preempted',
        `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${nodeName}`,
      );
    }
  };

  /** handleSchedulingFailure: event, condition, back into the unschedulable pool. */
  const fail = (
    pod: StoredPod,
    key: string,
    attempt: number,
    message: string,
    nominated?: string,
  ) => {
    recorder.event(pod, 'Warning', 'FailedScheduling', truncateMessage(message));
    setPodScheduledCondition(
      pod,
      { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message },
      nominated,
    );
    const now = clock.now();
    const backoff = Math.min(INITIAL_BACKOFF_MS * 2 ** (attempt - 1), MAX_BACKOFF_MS);
    unschedulable.set(key, {
      uid: pod.metadata.uid ?? '',
      failedAt: now,
      backoffUntil: now + backoff,
    });
    ensureLeftoverFlush();
  };

  // ---------------------------------------------------------------- the scheduling cycle

  // Models pkg/scheduler/schedule_one.go scheduleOne / schedulingCycle / schedulePod
  const scheduleOne = (key: string): void => {
    const { namespace, name } = splitNsName(key);
    const pod = store.get<StoredPod>('Pod', namespace, name);
    unschedulable.delete(key);
    if (!pod || !responsibleFor(pod)) return;

    // SchedulingGates (PreEnqueue): a gated pod is not attempted.
    if ((pod.spec?.schedulingGates?.length ?? 0) > 0) {
      setPodScheduledCondition(pod, {
        type: 'PodScheduled',
        status: 'False',
        reason: 'SchedulingGated',
        message: SCHEDULING_GATED_MESSAGE,
      });
      return;
    }

    const uid = pod.metadata.uid ?? '';
    const attempt = (attempts.get(uid) ?? 0) + 1;
    attempts.set(uid, attempt);
    const info = podSchedInfo(pod);
    const fp = filterPod(pod, info);
    const nodes = cache.nodes();
    const record: DecisionRecord = {
      podUid: uid,
      pod: key,
      attempt,
      at: clock.now(),
      nodeNames: nodeNames(nodes),
      rejected: [],
    };

    if (nodes.length === 0) {
      ctx.scheduling.record({ ...record, message: ERR_NO_NODES_AVAILABLE });
      fail(pod, key, attempt, ERR_NO_NODES_AVAILABLE, '');
      return;
    }

    // findNodesThatFitPod: PreFilter, then the filters on each node.
    const rejected: Array<[number, NodeStatus]> = [];
    if (feasible.length < nodes.length) feasible = new Int32Array(nodes.length * 2);
    let feasibleCount = 0;
    const pinned = prefilterNodeNames(pod.spec?.affinity);
    let preFilterMsg = '';
    if (pinned && pinned.size === 0) {
      preFilterMsg = REASON_AFFINITY_CONFLICT;
      const conflict: NodeStatus = {
        plugin: 'NodeAffinity',
        reasons: [REASON_AFFINITY_CONFLICT],
        unresolvable: true,
      };
      nodes.forEach((_, i) => rejected.push([i, conflict]));
    } else {
      for (let i = 0; i < nodes.length; i++) {
        const n = nodes[i] as NodeInfo;
        if (pinned && !pinned.has(n.name)) {
          rejected.push([i, PREFILTERED_STATUS]);
          continue;
        }
        const s = runFilters(fp, n);
        if (s) rejected.push([i, s]);
        else feasible[feasibleCount++] = i;
      }
    }
    record.rejected = rejected;

    if (feasibleCount === 0) {
      const statuses = new Map(rejected);
      const post = preempt(pod, fp, nodes, statuses, isTerminatingByPreemption);
      const message = fitErrorMessage(nodes.length, statuses.values(), preFilterMsg, post.message);
      ctx.scheduling.record({
        ...record,
        message,
        ...(post.nominatedNode ? { nominatedNode: post.nominatedNode } : {}),
        ...(post.victims.length > 0
          ? { victims: post.victims.map((v) => `${v.namespace}/${v.name}`) }
          : {}),
      });
      if (post.nominatedNode) evictVictims(pod, post.victims, post.nominatedNode);
      fail(pod, key, attempt, message, post.nominatedNode);
      return;
    }

    // With a single feasible node upstream skips scoring altogether.
    const selected =
      feasibleCount === 1 ? (feasible[0] as number) : selectHost(fp, nodes, feasibleCount, record);
    const nodeName = (nodes[selected] as NodeInfo).name;
    record.selectedNode = nodeName;
    ctx.scheduling.record(record);
    attempts.delete(uid);
    bind(pod, info, nodeName);
  };

  /** prioritizeNodes + selectHost: the best total, ties broken uniformly at random. */
  const selectHost = (
    fp: FilterPod,
    nodes: readonly NodeInfo[],
    count: number,
    record: DecisionRecord,
  ): number => {
    const owner = fp.info.ownerUid;
    const { plugins, scores, totals } = scorer.score(
      fp,
      nodes,
      feasible,
      count,
      owner === undefined ? undefined : cache.ownerCounts(owner),
    );
    const { buf, offset } = scoreSlab.alloc(count * plugins.length);
    for (let k = 0; k < plugins.length; k++) {
      const col = scores[k] as Float64Array;
      const base = offset + k * count;
      for (let j = 0; j < count; j++) buf[base + j] = col[j] as number;
    }
    record.scores = { plugins, values: buf, offset };
    let best = -Infinity;
    let chosen = 0;
    let ties = 0;
    for (let j = 0; j < count; j++) {
      const t = totals[j] as number;
      if (t > best) {
        best = t;
        chosen = j;
        ties = 1;
      } else if (t === best) {
        ties++;
        if (rng.int(ties) === 0) chosen = j; // replace with probability 1/ties
      }
    }
    return feasible[chosen] as number;
  };

  c.onReconcile((key) => scheduleOne(key));

  return {
    cache,
    unschedulablePods: () => [...unschedulable.keys()],
  };
}
