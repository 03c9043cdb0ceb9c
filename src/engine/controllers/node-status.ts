/**
 * The kubelet's heartbeats: its node Lease, renewed every 10 s, and the Node's status, posted
 * again every 5 minutes when nothing changed (so the conditions' lastHeartbeatTime advances).
 *
 * Models, for v1.30 with the NodeLease design (KEP-589):
 *  - k8s.io/component-helpers/apimachinery/lease/controller.go (the kubelet's lease controller):
 *    ensureLease creates `kube-node-lease/<node>` (holderIdentity the node, leaseDurationSeconds
 *    40, renewTime now, owned by the Node via setNodeOwnerFunc), then each sync renews renewTime;
 *    syncs run every renewInterval = 0.25 × 40 s, jittered by up to 4 % (wait.JitterUntil);
 *  - pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus: every nodeStatusUpdateFrequency
 *    (10 s) the kubelet builds its status but only writes it when it changed or when
 *    nodeStatusReportFrequency (5 min) passed since the last report; each condition's
 *    lastHeartbeatTime is then the report time, its lastTransitionTime unchanged;
 *  - recordNodeSchedulableEvent: the first status sync after `kubectl cordon`/`uncordon` records
 *    `NodeNotSchedulable`/`NodeSchedulable` ("Node node1 status is now: ...") about the node.
 *
 * Both loops share one per-node tick here, on background timers (steady-state housekeeping must
 * not keep settle() busy). Each tick is a couple of map lookups and, for the lease, one write:
 * the 100-node benchmark pays ~10 writes per virtual second.
 *
 * A node annotated `playground/fault=down` (faults.ts) is a machine that is off: its kubelet
 * posts nothing, neither lease renewals nor status, and the node lifecycle controller marks the
 * node Unknown once the grace period passes. When the annotation goes, the kubelet is back at
 * once (the watch queues it): it renews the lease and, as the kubelet's condition setters do
 * (pkg/kubelet/nodestatus/setters.go MemoryPressureCondition … ReadyCondition), turns every
 * condition back to what it observes — pressure conditions False, Ready True with
 * `KubeletReady` — with lastTransitionTime now for each that changed and one event per change
 * (`NodeHasSufficientMemory`, `NodeHasNoDiskPressure`, `NodeHasSufficientPID`, `NodeReady`).
 *
 * Simplified: the status carries nothing that changes on its own (no images list, no resource
 * pressure), so besides such recoveries only the 5-minute reports happen. A node that comes back
 * is the same boot (no `Starting`/`Rebooted` events): the playground's `down` freezes the
 * machine rather than rebooting it.
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import type { Lease } from 'kubernetes-types/coordination/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { formatMicroTimestamp, formatTimestamp, parseTimestamp } from '../sim/clock';
import type { Rng } from '../sim/rng';
import type { EventRecorder } from './events';
import { nodeIsDown } from './faults';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** kubelet --node-lease-duration-seconds default. */
const LEASE_DURATION_SECONDS = 40;
/** renewIntervalFraction 0.25 × the lease duration. */
const RENEW_INTERVAL_MS = 10_000;
/** wait.JitterUntil's jitterFactor for the lease controller. */
const RENEW_JITTER = 0.04;
/** kubelet config nodeStatusReportFrequency default. */
const STATUS_REPORT_MS = 5 * 60_000;

type StoredNode = Node & KObject;
type StoredLease = Lease & KObject;

interface Heartbeat {
  rng: Rng;
  recorder: EventRecorder;
  /** spec.unschedulable at the last status sync (the kubelet's lastNodeUnschedulable). */
  unschedulable: boolean;
}

export function startNodeHeartbeats(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  const beats = new Map<string, Heartbeat>();
  const c = ctx.newController('kubelet-heartbeat');
  c.watch('Node', (ev) => {
    const name = ev.object.metadata.name ?? '';
    if (ev.type === 'DELETED') {
      beats.delete(name);
      return undefined;
    }
    // A new node's kubelet starts both loops at once, and so does one whose machine comes back
    // (the `down` fault removed); other node changes are seen at the next tick.
    if (ev.type === 'ADDED') return name;
    return nodeIsDown(ev.old) && !nodeIsDown(ev.object) ? name : undefined;
  });

  // Kubelets of nodes that exist already start now.
  for (const n of store.list('Node')) c.enqueue(n.metadata.name ?? '');

  c.onReconcile((name) => {
    const node = store.get<StoredNode>('Node', undefined, name);
    if (!node) {
      beats.delete(name);
      return;
    }
    let beat = beats.get(name);
    if (!beat) {
      beat = {
        rng: ctx.rng(`kubelet/${name}/heartbeat`),
        recorder: ctx.events.newRecorder({ component: 'kubelet', host: name }),
        unschedulable: false,
      };
      beats.set(name, beat);
    }
    // A machine that is off posts nothing; its loops start again when the fault is removed.
    if (nodeIsDown(node)) return;
    const actor = `kubelet/${name}`;
    // Each step is the kubelet's own retry loop: a failure waits for the next tick.
    try {
      syncLease(node, beat, actor);
    } catch (e) {
      if (!isApiError(e)) throw e;
    }
    try {
      syncNodeStatus(node, beat, actor);
    } catch (e) {
      if (!isApiError(e)) throw e;
    }
    const jitter = Math.floor(beat.rng.float() * RENEW_JITTER * RENEW_INTERVAL_MS);
    c.enqueueAfter(name, RENEW_INTERVAL_MS + jitter, { background: true });
  });

  /** A MicroTime for now: the clock's milliseconds plus the microseconds it does not keep. */
  const microNow = (beat: Heartbeat): string =>
    formatMicroTimestamp(clock.now()).replace(
      /000Z$/,
      `${String(beat.rng.int(1000)).padStart(3, '0')}Z`,
    );

  // Models lease/controller.go sync (ensureLease, then retryUpdateLease).
  function syncLease(node: StoredNode, beat: Heartbeat, actor: string): void {
    const name = node.metadata.name ?? '';
    const lease = store.get<StoredLease>('Lease', NODE_LEASE_NAMESPACE, name);
    if (!lease) {
      const fresh: StoredLease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name,
          namespace: NODE_LEASE_NAMESPACE,
          // setNodeOwnerFunc: the node owns its lease, so the garbage collector removes it.
          ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid ?? '' }],
        },
        spec: {
          holderIdentity: name,
          leaseDurationSeconds: LEASE_DURATION_SECONDS,
          renewTime: microNow(beat),
        },
      };
      store.create(fresh, { actor, transfer: true });
      return;
    }
    const renewed: StoredLease = {
      ...lease,
      metadata: { ...lease.metadata },
      spec: { ...lease.spec, renewTime: microNow(beat) },
    };
    store.update(renewed, { actor, transfer: true });
  }

  // Models kubelet_node_status.go tryUpdateNodeStatus (+ recordNodeSchedulableEvent).
  function syncNodeStatus(node: StoredNode, beat: Heartbeat, actor: string): void {
    const name = node.metadata.name ?? '';
    const unschedulable = node.spec?.unschedulable === true;
    if (unschedulable !== beat.unschedulable) {
      beat.unschedulable = unschedulable;
      recordNodeStatusEvent(beat, name, unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable');
    }
    const conditions = node.status?.conditions ?? [];
    if (conditions.length === 0) return;
    // The condition setters: a condition whose status is not what the kubelet observes (after
    // the node lifecycle controller set it Unknown) is replaced, and the change recorded. The
    // status is written when something changed, else every nodeStatusReportFrequency.
    const now = clock.now();
    let changed = false;
    for (const cond of conditions) {
      const want = postedFor(cond.type);
      if (want && want.status !== cond.status) changed = true;
    }
    if (!changed && now - lastReport(node) < STATUS_REPORT_MS) return;
    const stamp = formatTimestamp(now);
    const posted: NodeCondition[] = conditions.map((cond) => {
      const want = postedFor(cond.type);
      if (!want || cond.status === want.status) return { ...cond, lastHeartbeatTime: stamp };
      recordNodeStatusEvent(beat, name, want.event);
      return {
        ...cond,
        status: want.status,
        reason: want.reason,
        message: want.message,
        lastHeartbeatTime: stamp,
        lastTransitionTime: stamp,
      };
    });
    store.updateStatus(
      { ...node, status: { ...node.status, conditions: posted } },
      { actor, transfer: true },
    );
  }

  /** recordNodeStatusEvent: about the kubelet's node reference (kind Node, its name as uid). */
  function recordNodeStatusEvent(beat: Heartbeat, name: string, reason: string): void {
    const nodeRef: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
    beat.recorder.event(nodeRef, 'Normal', reason, `Node ${name} status is now: ${reason}`);
  }
}

/**
 * What the kubelet's condition setters post for a healthy node (pkg/kubelet/nodestatus/setters.go),
 * with the event each records when its condition changes to it. In setter order.
 */
const KUBELET_CONDITIONS: Readonly<
  Record<string, { status: string; reason: string; message: string; event: string }>
> = {
  MemoryPressure: {
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
    event: 'NodeHasSufficientMemory',
  },
  DiskPressure: {
    status: 'False',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
    event: 'NodeHasNoDiskPressure',
  },
  PIDPressure: {
    status: 'False',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
    event: 'NodeHasSufficientPID',
  },
  Ready: {
    status: 'True',
    reason: 'KubeletReady',
    message: 'kubelet is posting ready status',
    event: 'NodeReady',
  },
};

const postedFor = (type: string) =>
  Object.hasOwn(KUBELET_CONDITIONS, type) ? KUBELET_CONDITIONS[type] : undefined;

/** When the kubelet last reported: the Ready condition's heartbeat, else the node's creation. */
function lastReport(node: StoredNode): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const t = parseTimestamp(ready?.lastHeartbeatTime ?? node.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? -Infinity : t;
}
