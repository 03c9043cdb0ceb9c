/**
 * The node lifecycle controller (kube-controller-manager's `node-lifecycle-controller`), v1.30.
 *
 * Models pkg/controller/nodelifecycle/node_lifecycle_controller.go:
 *
 *  - doNoScheduleTaintingPass (TaintNodesByCondition, GA since v1.17): a cordoned node
 *    (`spec.unschedulable: true`) gets the taint `node.kubernetes.io/unschedulable:NoSchedule`,
 *    and a node whose conditions report trouble gets the matching condition taint (`not-ready`,
 *    `unreachable`, `memory-pressure`, `disk-pressure`, `pid-pressure`, `network-unavailable`);
 *    each goes away when its cause does. Driven by node updates, as upstream's node update queue.
 *    With controller/util SwapNodeControllerTaint (a taint it adds carries timeAdded;
 *    AddOrUpdateTaint appends it after the node's other taints) — upstream makes the add and the
 *    removal two writes, here they are one. Only NoSchedule taints whose key is one of these are
 *    the pass's: a user's taints are never touched.
 *
 *  - monitorNodeHealth, every node-monitor-period (5 s): tryUpdateNodeHealth keeps, per node, the
 *    probe timestamp — the controller's own time when it last saw the kubelet's Ready heartbeat or
 *    the node Lease's renewTime move (the kubelet's clock is never trusted). When that is older
 *    than node-monitor-grace-period (40 s, the v1.30 default; 60 s node-startup-grace-period for a
 *    node that never posted Ready), the node's Ready, MemoryPressure, DiskPressure and
 *    PIDPressure conditions become `Unknown` / `NodeStatusUnknown` / "Kubelet stopped posting
 *    node status." (lastHeartbeatTime kept, lastTransitionTime now); the event `NodeNotReady`
 *    is recorded about the node, and MarkPodsNotReady turns the Ready condition of each pod on it
 *    False, with a `NodeNotReady` warning about each pod.
 *
 *  - processTaintBaseEviction + doNoExecuteTaintingPass: from the next pass on, a node whose
 *    Ready is Unknown (False) gets `node.kubernetes.io/unreachable:NoExecute` (`not-ready`), the
 *    two swapped at once if the other is there; the taint eviction controller
 *    (taint-eviction.ts) then evicts the pods that do not tolerate it. Taints go through a
 *    rate-limited queue (--node-eviction-rate 0.1 per second, burst 1: a second node waits 10 s).
 *    Once Ready is True again, markNodeAsReachable removes both NoExecute taints.
 *
 *  - handleDisruption, with one zone: when every node is not Ready (the control plane cannot
 *    tell a dead cluster from its own network failure) no node is tainted and the NoExecute
 *    taints are removed ("master disruption mode"); when more than 2 nodes and at least 55 %
 *    (--unhealthy-zone-threshold) are not Ready, tainting stops (or slows to 0.01 per second
 *    above 50 nodes, --large-cluster-size-threshold).
 *
 * The monitor ticks on background timers: steady-state ticking must not keep settle() busy, and
 * a node going NotReady happens as time passes (`sleep 45`, advance()), as on a real cluster.
 * Each tick reads every node's Ready condition and Lease: ~100 lookups on the 100-node benchmark,
 * no writes while nodes are healthy.
 *
 * The scheduler and the DaemonSet controller do not wait for these taints: they already treat a
 * cordoned or unhealthy node as if it carried them (scheduler/cache.ts effectiveTaints), as the
 * NodeUnschedulable plugin does for cordon upstream.
 *
 * Simplified: all nodes are one zone (topology labels are ignored); the `RegisteredNode` event
 * of a new node is not recorded; the NoExecute tainting pass runs right after each monitor pass
 * and when the rate limiter allows, not on its own 100 ms ticker.
 */
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, NodeCondition, Pod, PodCondition, Taint } from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { formatTimestamp, parseTimestamp } from '../sim/clock';
import { ensurePodNodeIndex } from './kubelet/kubelet';
import { NODE_LEASE_NAMESPACE } from './node-status';
import { keyFor } from './runner';

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_NODE_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
const ACTOR = 'node-lifecycle-controller';

/** --node-monitor-period default. */
export const NODE_MONITOR_PERIOD_MS = 5_000;
/** --node-monitor-grace-period default (40 s in v1.30; 50 s from v1.32). */
export const NODE_MONITOR_GRACE_PERIOD_MS = 40_000;
/** --node-startup-grace-period default: for a node whose kubelet never posted Ready. */
const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
/** --node-eviction-rate, --secondary-node-eviction-rate (per second); the limiter's burst is 1. */
const EVICTION_LIMITER_QPS = 0.1;
const SECONDARY_EVICTION_LIMITER_QPS = 0.01;
/** --unhealthy-zone-threshold, --large-cluster-size-threshold. */
const UNHEALTHY_ZONE_THRESHOLD = 0.55;
const LARGE_CLUSTER_THRESHOLD = 50;
/** A node with this label does not count towards disruption (isNodeExcludedFromDisruptionChecks). */
const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

/** Work-queue keys beside node names (which never contain '#'). */
const MONITOR_KEY = '#monitorNodeHealth';
const NO_EXECUTE_KEY = '#doNoExecuteTaintingPass';

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;
type StoredLease = Lease & KObject;

/** nodeConditionToTaintKeyStatusMap: condition type → status → taint key. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NODE_NOT_READY, Unknown: TAINT_NODE_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONTROLLER_TAINT_KEYS = new Set([
  TAINT_NODE_UNSCHEDULABLE,
  ...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)),
]);

/**
 * The conditions tryUpdateNodeHealth sets Unknown (NetworkUnavailable is left alone: the
 * network plugin owns it, not the kubelet).
 */
const KUBELET_CONDITION_TYPES = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

/** The NoSchedule taint keys the node's state calls for, in upstream's order. */
function wantedTaintKeys(node: Node): string[] {
  const keys: string[] = [];
  for (const c of node.status?.conditions ?? []) {
    const key = Object.hasOwn(CONDITION_TAINTS, c.type)
      ? CONDITION_TAINTS[c.type]?.[c.status]
      : undefined;
    if (key) keys.push(key);
  }
  if (node.spec?.unschedulable === true) keys.push(TAINT_NODE_UNSCHEDULABLE);
  return keys;
}

const isControllerTaint = (t: Taint): boolean =>
  t.effect === 'NoSchedule' && CONTROLLER_TAINT_KEYS.has(t.key);

/** The taints to add and the keys to remove (TaintSetDiff on key and effect). */
function taintDiff(node: Node): { add: string[]; remove: Set<string> } {
  const wanted = wantedTaintKeys(node);
  const have = new Set((node.spec?.taints ?? []).filter(isControllerTaint).map((t) => t.key));
  const add = wanted.filter((k, i) => !have.has(k) && wanted.indexOf(k) === i);
  const remove = new Set([...have].filter((k) => !wanted.includes(k)));
  return { add, remove };
}

/** taintutils.TaintExists for a NoExecute template (MatchTaint: key and effect). */
const hasNoExecuteTaint = (node: Node, key: string): boolean =>
  (node.spec?.taints ?? []).some((t) => t.key === key && t.effect === 'NoExecute');

const findCondition = <C extends { type: string }>(
  list: readonly C[] | undefined,
  type: string,
): C | undefined => list?.find((c) => c.type === type);

/** nodeHealthData: what the controller last saw of a node, and when it last saw it move. */
interface NodeHealth {
  /** The controller's time when the kubelet was last seen alive (heartbeat or lease renewal). */
  probeTimestamp: number;
  /** Whether the node had a Ready condition, and its lastHeartbeatTime, at the last look. */
  hadReady: boolean;
  heartbeat: string | undefined;
  /** The Lease's renewTime at the last look. */
  renewTime: string | undefined;
}

/** The node's Ready condition before and after tryUpdateNodeHealth. */
interface HealthResult {
  observed: NodeCondition;
  current: NodeCondition | undefined;
}

type ZoneState = 'Initial' | 'Normal' | 'PartialDisruption' | 'FullDisruption';

export function startNodeLifecycleController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  ensurePodNodeIndex(store);
  const recorder = ctx.events.newRecorder({ component: 'node-controller' });
  const c = ctx.newController(ACTOR);

  const health = new Map<string, NodeHealth>();
  /** nodesToRetry: nodes whose pods could not all be marked NotReady. */
  const retry = new Set<string>();
  /**
   * zoneNoExecuteTainter (one zone), a RateLimitedTimedQueue: nodes to taint, by name. The
   * map's keys are its set (a node in it is not queued again); `true` means still queued.
   */
  const tainter = new Map<string, boolean>();
  /** The token bucket (burst 1): when the next token is there; Infinity with rate 0. */
  let limiterQps = EVICTION_LIMITER_QPS;
  let nextTokenAt = -Infinity;
  let zoneState: ZoneState = 'Initial';

  // Only nodes whose NoSchedule taints are out of step are queued (heartbeats change nothing).
  c.watch('Node', (ev) => {
    if (ev.type === 'DELETED') {
      const name = ev.object.metadata.name ?? '';
      health.delete(name);
      retry.delete(name);
      tainter.delete(name);
      return undefined;
    }
    const { add, remove } = taintDiff(ev.object as StoredNode);
    return add.length > 0 || remove.size > 0 ? keyFor(ev.object) : undefined;
  });

  // The informer's initial list: every node is checked once; the monitor starts at once.
  for (const n of store.list('Node')) c.enqueue(keyFor(n));
  c.enqueue(MONITOR_KEY);

  c.onReconcile((key) => {
    if (key === MONITOR_KEY) {
      // wait.UntilWithContext: the next pass is due one period on, whatever this one does.
      c.enqueueAfter(MONITOR_KEY, NODE_MONITOR_PERIOD_MS, { background: true });
      monitorNodeHealth();
      doNoExecuteTaintingPass();
    } else if (key === NO_EXECUTE_KEY) {
      doNoExecuteTaintingPass();
    } else {
      doNoScheduleTaintingPass(key);
    }
  });

  // Models node_lifecycle_controller.go doNoScheduleTaintingPass + SwapNodeControllerTaint.
  function doNoScheduleTaintingPass(name: string): void {
    const node = store.get<StoredNode>('Node', undefined, name);
    if (!node) return;
    const { add, remove } = taintDiff(node);
    if (add.length === 0 && remove.size === 0) return;
    const timeAdded = formatTimestamp(clock.now());
    writeTaints(node, [
      ...(node.spec?.taints ?? []).filter((t) => !(isControllerTaint(t) && remove.has(t.key))),
      ...add.map((key) => ({ key, effect: 'NoSchedule', timeAdded })),
    ]);
  }

  function writeTaints(node: StoredNode, taints: Taint[]): StoredNode {
    const spec = { ...node.spec };
    if (taints.length > 0) spec.taints = taints;
    else delete spec.taints;
    return store.update(
      { ...node, metadata: { ...node.metadata }, spec },
      { actor: ACTOR, transfer: true },
    );
  }

  // Models node_lifecycle_controller.go monitorNodeHealth (one zone).
  function monitorNodeHealth(): void {
    const readyConditions: Array<NodeCondition | undefined> = [];
    for (const listed of store.list<StoredNode>('Node')) {
      const name = listed.metadata.name ?? '';
      let result: HealthResult;
      try {
        result = tryUpdateNodeHealth(listed);
      } catch (e) {
        if (!isApiError(e)) throw e;
        retry.add(name); // upstream retries a few times, then marks the node for retry
        continue;
      }
      const { observed, current } = result;
      if (listed.metadata.labels?.[LABEL_EXCLUDE_DISRUPTION] === undefined) {
        readyConditions.push(current);
      }
      if (!current) continue;
      const node = store.get<StoredNode>('Node', undefined, name);
      if (!node) continue;
      try {
        processTaintBaseEviction(node, observed);
      } catch (e) {
        if (!isApiError(e)) throw e; // "Will retry in next iteration"
      }
      let markPods = false;
      if (current.status !== 'True' && observed.status === 'True') {
        // Report the node event only once, when the status changed.
        recordNodeStatusChange(node, 'NodeNotReady');
        markPods = true;
      } else if (retry.has(name) && observed.status !== 'True') {
        markPods = true;
      }
      if (markPods && !markPodsNotReady(name)) {
        retry.add(name);
        continue;
      }
      retry.delete(name);
    }
    handleDisruption(readyConditions);
  }

  // Models node_lifecycle_controller.go tryUpdateNodeHealth.
  function tryUpdateNodeHealth(node: StoredNode): HealthResult {
    const now = clock.now();
    const name = node.metadata.name ?? '';
    const conditions = node.status?.conditions ?? [];
    const ready = findCondition(conditions, 'Ready');
    const created = node.metadata.creationTimestamp ?? '';
    // Without a Ready condition the kubelet never posted status: a fake Unknown one, dated at
    // the node's creation, stands in, and the startup grace period applies.
    const observed: NodeCondition = ready ?? {
      type: 'Ready',
      status: 'Unknown',
      lastHeartbeatTime: created,
      lastTransitionTime: created,
    };
    const gracePeriod = ready ? NODE_MONITOR_GRACE_PERIOD_MS : NODE_STARTUP_GRACE_PERIOD_MS;
    let h = health.get(name);
    if (!h) {
      const createdMs = parseTimestamp(created);
      h = {
        probeTimestamp: ready || Number.isNaN(createdMs) ? now : createdMs,
        hadReady: ready !== undefined,
        heartbeat: ready?.lastHeartbeatTime,
        renewTime: undefined,
      };
      health.set(name, h);
    } else if (h.hadReady !== (ready !== undefined) || h.heartbeat !== ready?.lastHeartbeatTime) {
      // The kubelet posted status since the last look (or the Ready condition came or went).
      h.probeTimestamp = now;
      h.hadReady = ready !== undefined;
      h.heartbeat = ready?.lastHeartbeatTime;
    }
    // Always update the probe time if the node lease was renewed.
    const renewTime = store.get<StoredLease>('Lease', NODE_LEASE_NAMESPACE, name)?.spec?.renewTime;
    if (
      renewTime &&
      renewTime !== h.renewTime &&
      (h.renewTime === undefined || parseTimestamp(h.renewTime) < parseTimestamp(renewTime))
    ) {
      h.renewTime = renewTime;
      h.probeTimestamp = now;
    }

    if (!(now > h.probeTimestamp + gracePeriod)) return { observed, current: ready };

    // The kubelet stopped posting: every condition it owns becomes Unknown, whatever it was.
    const stamp = formatTimestamp(now);
    const next: NodeCondition[] = conditions.map((cond) =>
      KUBELET_CONDITION_TYPES.includes(cond.type) && cond.status !== 'Unknown'
        ? {
            ...cond,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: stamp,
          }
        : cond,
    );
    for (const type of KUBELET_CONDITION_TYPES) {
      if (findCondition(conditions, type)) continue;
      next.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: created,
        lastTransitionTime: stamp,
      });
    }
    const current = findCondition(next, 'Ready');
    if (current?.status === observed.status && current.reason === observed.reason) {
      return { observed, current: ready };
    }
    store.updateStatus(
      { ...node, status: { ...node.status, conditions: next } },
      { actor: ACTOR, transfer: true },
    );
    return { observed, current };
  }

  // Models node_lifecycle_controller.go processTaintBaseEviction (observed: Ready before this pass).
  function processTaintBaseEviction(node: StoredNode, observed: NodeCondition): void {
    const name = node.metadata.name ?? '';
    if (observed.status === 'False' || observed.status === 'Unknown') {
      const [want, opposite] =
        observed.status === 'False'
          ? [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]
          : [TAINT_NODE_UNREACHABLE, TAINT_NODE_NOT_READY];
      // Already tainted with the other one: swap them straight away, past the queue.
      if (hasNoExecuteTaint(node, opposite)) {
        swapNodeControllerTaint(node, want, opposite);
        return;
      }
      // markNodeForTainting: a node whose taint went missing is queued afresh.
      if (!hasNoExecuteTaint(node, want)) tainter.delete(name);
      if (!tainter.has(name)) tainter.set(name, true);
    } else if (observed.status === 'True') {
      markNodeAsReachable(node);
    }
  }

  // Models node_lifecycle_controller.go doNoExecuteTaintingPass (RateLimitedTimedQueue.Try).
  function doNoExecuteTaintingPass(): void {
    const now = clock.now();
    for (const [name, queued] of tainter) {
      if (!queued) continue;
      if (now < nextTokenAt) {
        // Rate limited: try again when the bucket has a token.
        if (nextTokenAt !== Infinity) {
          c.enqueueAfter(NO_EXECUTE_KEY, nextTokenAt - now, { background: true });
        }
        return;
      }
      nextTokenAt = now + 1000 / limiterQps;
      const node = store.get<StoredNode>('Node', undefined, name);
      const ready = findCondition(node?.status?.conditions, 'Ready');
      if (!node || !ready) {
        tainter.set(name, false);
        continue;
      }
      // "Because we want to mimic NodeStatus.Condition["Ready"] we make "unreachable" and "not
      // ready" taints mutually exclusive."
      try {
        if (ready.status === 'False') {
          swapNodeControllerTaint(node, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE);
        } else if (ready.status === 'Unknown') {
          swapNodeControllerTaint(node, TAINT_NODE_UNREACHABLE, TAINT_NODE_NOT_READY);
        }
        tainter.set(name, false); // out of the queue, still in the set
      } catch (e) {
        if (!isApiError(e)) throw e; // stays queued: the next pass tries again
      }
    }
  }

  // Models controller/util/node SwapNodeControllerTaint (AddOrUpdateTaint, RemoveTaintOffNode).
  function swapNodeControllerTaint(node: StoredNode, add: string, remove: string): void {
    const taint: Taint = { key: add, effect: 'NoExecute', timeAdded: formatTimestamp(clock.now()) };
    let replaced = false;
    const taints = (node.spec?.taints ?? []).flatMap((t) => {
      if (t.effect === 'NoExecute' && t.key === remove) return [];
      if (t.effect === 'NoExecute' && t.key === add) {
        replaced = true;
        return [taint];
      }
      return [t];
    });
    if (!replaced) taints.push(taint);
    writeTaints(node, taints);
  }

  // Models node_lifecycle_controller.go markNodeAsReachable.
  function markNodeAsReachable(node: StoredNode): void {
    tainter.delete(node.metadata.name ?? '');
    const taints = node.spec?.taints ?? [];
    const kept = taints.filter(
      (t) =>
        !(
          t.effect === 'NoExecute' &&
          (t.key === TAINT_NODE_UNREACHABLE || t.key === TAINT_NODE_NOT_READY)
        ),
    );
    if (kept.length !== taints.length) writeTaints(node, kept);
  }

  // Models controller/util/node RecordNodeStatusChange: about the node (its real uid).
  function recordNodeStatusChange(node: StoredNode, status: string): void {
    const name = node.metadata.name ?? '';
    const ref: KObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, uid: node.metadata.uid ?? '' },
    };
    recorder.event(ref, 'Normal', status, `Node ${name} status is now: ${status}`);
  }

  /**
   * Models controller/util/node MarkPodsNotReady: each pod on the node whose Ready condition is
   * not False yet gets it False (reason and message kept, lastTransitionTime now), then a
   * `NodeNotReady` warning. Only Ready: ContainersReady stays the kubelet's last word. False when
   * some pod could not be updated (the node is retried at the next pass).
   */
  function markPodsNotReady(nodeName: string): boolean {
    const stamp = formatTimestamp(clock.now());
    let ok = true;
    for (const pod of store.byIndex<StoredPod>('Pod', 'nodeName', nodeName)) {
      const conditions = pod.status?.conditions ?? [];
      const i = conditions.findIndex((cond) => cond.type === 'Ready');
      const cond = conditions[i];
      if (!cond || cond.status === 'False') continue;
      const next: PodCondition[] = [...conditions];
      next[i] = { ...cond, status: 'False', lastTransitionTime: stamp };
      try {
        store.updateStatus(
          {
            apiVersion: pod.apiVersion,
            kind: pod.kind,
            metadata: pod.metadata,
            status: { ...pod.status, conditions: next },
          },
          { actor: ACTOR, transfer: true },
        );
      } catch (e) {
        if (!isApiError(e)) throw e;
        // NotFound: the pod was already deleted; there is nothing left to do with it.
        if (e.reason === 'NotFound') continue;
        ok = false;
      }
      // After the status update, to be sure the pod still exists.
      recorder.event(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
    return ok;
  }

  // Models node_lifecycle_controller.go handleDisruption + ComputeZoneState (one zone).
  function handleDisruption(readyConditions: ReadonlyArray<NodeCondition | undefined>): void {
    if (readyConditions.length === 0) return;
    let ready = 0;
    for (const cond of readyConditions) if (cond?.status === 'True') ready++;
    const notReady = readyConditions.length - ready;
    const state: ZoneState =
      ready === 0
        ? 'FullDisruption'
        : notReady > 2 && notReady / readyConditions.length >= UNHEALTHY_ZONE_THRESHOLD
          ? 'PartialDisruption'
          : 'Normal';
    if (state === zoneState) return;
    const was = zoneState;
    zoneState = state;
    if (state === 'FullDisruption') {
      // "Controller detected that all Nodes are not-Ready. Entering master disruption mode":
      // no node is tainted, and the NoExecute taints go, so no pod is evicted.
      for (const node of store.list<StoredNode>('Node')) {
        try {
          markNodeAsReachable(node);
        } catch (e) {
          if (!isApiError(e)) throw e;
        }
      }
      swapLimiter(0);
      return;
    }
    if (was === 'FullDisruption') {
      // Exiting master disruption mode: every node gets a fresh grace period.
      const now = clock.now();
      for (const h of health.values()) h.probeTimestamp = now;
    }
    // setLimiterInZone.
    if (state === 'Normal') swapLimiter(EVICTION_LIMITER_QPS);
    else {
      swapLimiter(
        readyConditions.length > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_LIMITER_QPS : 0,
      );
    }
  }

  // Models scheduler.RateLimitedTimedQueue SwapLimiter (burst 1).
  function swapLimiter(qps: number): void {
    if (qps === limiterQps) return;
    const now = clock.now();
    // A limiter without a token now hands over a drained one.
    const drained = now < nextTokenAt;
    limiterQps = qps;
    nextTokenAt = qps <= 0 ? Infinity : drained ? now + 1000 / qps : -Infinity;
  }
}
