/**
 * The node lifecycle controller's NoSchedule tainting (TaintNodesByCondition, GA since v1.17):
 * a cordoned node (`spec.unschedulable: true`) gets the taint
 * `node.kubernetes.io/unschedulable:NoSchedule`, and a node whose conditions report trouble gets
 * the matching condition taint (`not-ready`, `unreachable`, `memory-pressure`, `disk-pressure`,
 * `pid-pressure`, `network-unavailable`); each goes away when its cause does.
 *
 * Models pkg/controller/nodelifecycle/node_lifecycle_controller.go doNoScheduleTaintingPass with
 * controller/util SwapNodeControllerTaint (a taint it adds carries timeAdded; AddOrUpdateTaint
 * appends it after the node's other taints) — upstream makes the add and the removal two writes,
 * here they are one. Only NoSchedule taints whose key is one of these are the controller's: a
 * user's taints are never touched.
 *
 * The scheduler and the DaemonSet controller do not wait for these taints: they already treat a
 * cordoned or unhealthy node as if it carried them (scheduler/cache.ts effectiveTaints), as the
 * NodeUnschedulable plugin does for cordon upstream. The NoExecute taints (taint-based eviction
 * after the node-monitor grace period) are not modelled.
 */
import type { Node, Taint } from 'kubernetes-types/core/v1';
import type { KObject } from '../api/types';
import type { ClusterContext } from '../context';
import { formatTimestamp } from '../sim/clock';
import { keyFor } from './runner';

export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
const ACTOR = 'node-lifecycle-controller';

type StoredNode = Node & KObject;

/** nodeConditionToTaintKeyStatusMap: condition type → status → taint key. */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: 'node.kubernetes.io/not-ready', Unknown: 'node.kubernetes.io/unreachable' },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const CONTROLLER_TAINT_KEYS = new Set([
  TAINT_NODE_UNSCHEDULABLE,
  ...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)),
]);

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

export function startNodeLifecycleController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  const c = ctx.newController(ACTOR);
  // Only nodes whose taints are out of step are queued (heartbeats change nothing here).
  c.watch('Node', (ev) => {
    if (ev.type === 'DELETED') return undefined;
    const { add, remove } = taintDiff(ev.object as StoredNode);
    return add.length > 0 || remove.size > 0 ? keyFor(ev.object) : undefined;
  });

  // The informer's initial list: every node is checked once.
  for (const n of store.list('Node')) c.enqueue(keyFor(n));

  // Models node_lifecycle_controller.go doNoScheduleTaintingPass + SwapNodeControllerTaint.
  c.onReconcile((name) => {
    const node = store.get<StoredNode>('Node', undefined, name);
    if (!node) return;
    const { add, remove } = taintDiff(node);
    if (add.length === 0 && remove.size === 0) return;
    const timeAdded = formatTimestamp(clock.now());
    const taints: Taint[] = [
      ...(node.spec?.taints ?? []).filter((t) => !(isControllerTaint(t) && remove.has(t.key))),
      ...add.map((key) => ({ key, effect: 'NoSchedule', timeAdded })),
    ];
    const spec = { ...node.spec };
    if (taints.length > 0) spec.taints = taints;
    else delete spec.taints;
    store.update(
      { ...node, metadata: { ...node.metadata }, spec },
      { actor: ACTOR, transfer: true },
    );
  });
}
