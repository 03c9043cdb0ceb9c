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
 * Simplified: the status carries nothing that changes on its own (no images list, no resource
 * pressure), so only the 5-minute reports happen; a node that stops heartbeating (and the node
 * lifecycle controller's NotReady/unreachable handling) is not modelled yet.
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import type { Lease } from 'kubernetes-types/coordination/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { formatMicroTimestamp, formatTimestamp, parseTimestamp } from '../sim/clock';
import type { Rng } from '../sim/rng';
import type { EventRecorder } from './events';

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
    // A new node's kubelet starts both loops at once; later node changes are seen at the next tick.
    return ev.type === 'ADDED' ? name : undefined;
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
    const unschedulable = node.spec?.unschedulable === true;
    if (unschedulable !== beat.unschedulable) {
      beat.unschedulable = unschedulable;
      const reason = unschedulable ? 'NodeNotSchedulable' : 'NodeSchedulable';
      // The kubelet's node reference: kind Node, and the node's name as its uid.
      const name = node.metadata.name ?? '';
      const nodeRef: KObject = { apiVersion: 'v1', kind: 'Node', metadata: { name, uid: name } };
      beat.recorder.event(nodeRef, 'Normal', reason, `Node ${name} status is now: ${reason}`);
    }
    const conditions = node.status?.conditions ?? [];
    if (conditions.length === 0) return;
    const now = clock.now();
    const last = lastReport(node);
    if (now - last < STATUS_REPORT_MS) return;
    const stamp = formatTimestamp(now);
    const beaten: NodeCondition[] = conditions.map((cond) => ({
      ...cond,
      lastHeartbeatTime: stamp,
    }));
    store.updateStatus(
      { ...node, status: { ...node.status, conditions: beaten } },
      { actor, transfer: true },
    );
  }
}

/** When the kubelet last reported: the Ready condition's heartbeat, else the node's creation. */
function lastReport(node: StoredNode): number {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const t = parseTimestamp(ready?.lastHeartbeatTime ?? node.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? -Infinity : t;
}
