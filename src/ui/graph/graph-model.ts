/**
 * The cluster graph as data: a snapshot of the cluster (the zustand store's `objects`) and the
 * view options in, React Flow nodes and edges out. Pure and deterministic, unit-tested without
 * React or a DOM.
 *
 * - Nodes are group boxes holding their pods; pods sit in stable slots (slots.ts): a pod keeps
 *   its slot while it lives, a new pod takes the first free one. Unscheduled pods wait in an
 *   "Unscheduled" box after the last node.
 * - Services float in a row above the nodes, with an edge to each endpoint of their
 *   EndpointSlices (ready: solid; not ready: dashed). An endpoint without a pod behind it whose
 *   address is a node's (the `kubernetes` Service → the API server's host) points at the node.
 * - With `showOwnership`, Deployments stand over their ReplicaSets above the services, and
 *   ReplicaSets and DaemonSets have edges to their pods.
 * - A box draws at most MAX_POD_CARDS pods (those in its first slots, so the picture stays
 *   stable); the rest are counted on one "+N more pods" card in the next slot, with their
 *   statuses, and get no edges. A thousand pod cards are unreadable anyway, and drawing them
 *   cost the page frames of a second and more.
 * - At most `maxNewPodCards` cards appear per build; the others keep their (empty) slots for
 *   now, and `deferred` tells the caller to build again soon.
 * - `memory` carries the slots and the previous output between calls: a node or edge whose
 *   inputs did not change is returned as the same object, so React Flow and the memoised
 *   components skip it (a 200-pod cluster re-renders only what changed).
 */
import { Position } from '@xyflow/react';
import type { Edge, Node } from '@xyflow/react';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { KObject } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';
import {
  NODE_GAP,
  POD_H,
  POD_W,
  SERVICE_H,
  SERVICE_W,
  WORKLOAD_H,
  WORKLOAD_W,
  nodeBoxSize,
  podSlotPosition,
  serviceSlotPosition,
  workloadColumnX,
  workloadLevelY,
} from './geometry';
import { assignGroups, slotExtent } from './slots';
import type { SlotTables } from './slots';
import { isControlPlane, nodeView, podView, serviceView, workloadView } from './views';
import type { NodeView, PodView, ServiceView, WorkloadView } from './views';

export const SYSTEM_NAMESPACE = 'kube-system';
export const UNSCHEDULED_ID = 'Unscheduled';
/** The kube-proxy mode the node badge shows (the networking issue makes it switchable). */
export const DEFAULT_PROXY_MODE = 'iptables';

export interface GraphOptions {
  /** `''` for all namespaces. */
  namespace: string;
  showOwnership: boolean;
  /** Hide kube-system's pods, services and workloads (only when showing all namespaces). */
  collapseSystem: boolean;
}

export const DEFAULT_OPTIONS: GraphOptions = {
  namespace: '',
  showOwnership: false,
  collapseSystem: false,
};

export interface XY {
  x: number;
  y: number;
}

export interface GraphInput {
  objects: ObjectsByKind;
  options: GraphOptions;
  selected?: ObjectRef | undefined;
  /** Objects the editor's cursor is on. */
  focused?: readonly ObjectRef[];
  /** Positions the user dragged, by graph id (relative to the parent box for pods). */
  positions?: Readonly<Record<string, XY>>;
  proxyMode?: string;
  /**
   * How many pod cards that were not drawn last time may appear in this build (default: all).
   * The pane passes a small number and builds again while some wait (Graph.deferred): a burst
   * of new pods then mounts over a few frames instead of in one long one.
   */
  maxNewPodCards?: number;
}

export interface NodeBoxData extends Record<string, unknown> {
  /** `undefined` for the Unscheduled box. */
  view: NodeView | undefined;
  proxyMode: string;
  podCount: number;
  /** Pods of kube-system hidden by "Collapse kube-system". */
  collapsedSystemPods: number;
  /** Pods hidden by the namespace filter. */
  otherNamespacePods: number;
  focused: boolean;
}
export interface OverflowCardData extends Record<string, unknown> {
  /** Pods of the box without a card of their own. */
  count: number;
  /** Their kubectl STATUS values with counts, most frequent first: `[['Pending', 780]]`. */
  statuses: Array<[string, number]>;
}
export interface PodCardData extends Record<string, unknown> {
  view: PodView;
  focused: boolean;
}
export interface ServiceCardData extends Record<string, unknown> {
  view: ServiceView;
  /** Ready endpoints / all endpoints. */
  endpoints: string;
  focused: boolean;
}
export interface WorkloadCardData extends Record<string, unknown> {
  view: WorkloadView;
  focused: boolean;
}

export type NodeBoxNode = Node<NodeBoxData, 'k8sNode'>;
export type PodCardNode = Node<PodCardData, 'pod'>;
export type ServiceCardNode = Node<ServiceCardData, 'service'>;
export type WorkloadCardNode = Node<WorkloadCardData, 'workload'>;
export type OverflowCardNode = Node<OverflowCardData, 'overflow'>;
export type GraphNode =
  NodeBoxNode | PodCardNode | OverflowCardNode | ServiceCardNode | WorkloadCardNode;

/**
 * Pod cards a box draws at most (two columns, less the overflow card's slot). Pods in later
 * slots are summed up on the overflow card.
 */
export const MAX_POD_CARDS = 31;

export interface GraphEdgeData extends Record<string, unknown> {
  kind: 'endpoint' | 'owner';
  /** Endpoint edges: the endpoint's `conditions.ready`. */
  ready: boolean;
  /** Which corridor and lane the wire takes (edge-path.ts): the source's slot. */
  lane: number;
}
export type GraphEdge = Edge<GraphEdgeData>;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface GraphMemory {
  slots: SlotTables;
  /** The filters the slots were assigned under. */
  filterKey: string;
  nodes: ReadonlyMap<string, GraphNode>;
  edges: ReadonlyMap<string, GraphEdge>;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Namespaces for the filter, sorted. */
  namespaces: string[];
  /**
   * The box around everything drawn. It changes when a top-level box appears, disappears,
   * moves or changes size — the pane refits the view then (unless the user moved it), never on
   * a mere status change.
   */
  bounds: Rect;
  memory: GraphMemory;
  /** Pods that would have a card but wait for a later build (see GraphInput.maxNewPodCards). */
  deferred: number;
}

/** The graph id of an object: `Kind/namespace/name` or `Kind/name`. */
export function graphId(ref: ObjectRef): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}

/** The object behind a graph id (undefined for the Unscheduled box). */
export function refOfGraphId(id: string): ObjectRef | undefined {
  const parts = id.split('/');
  if (parts.length === 2) return { kind: parts[0]!, name: parts[1]! };
  if (parts.length === 3) return { kind: parts[0]!, namespace: parts[1]!, name: parts[2]! };
  return undefined;
}

/** Graph ids by object (objects are frozen; a thousand pods are looked up on every build). */
const ids = new WeakMap<KObject, string>();
const idOf = (o: KObject): string => {
  let id = ids.get(o);
  if (id === undefined) {
    id = graphId({
      kind: o.kind,
      name: o.metadata.name ?? '',
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
    });
    ids.set(o, id);
  }
  return id;
};

const byKey = (a: KObject, b: KObject): number => {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const a1 = a.metadata.name ?? '';
  const b1 = b.metadata.name ?? '';
  return a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
};

/** Control plane first, then by name: the nodes' fixed left-to-right order. */
function nodeOrder(a: KObject, b: KObject): number {
  const ca = isControlPlane(a);
  const cb = isControlPlane(b);
  if (ca !== cb) return ca ? -1 : 1;
  return byKey(a, b);
}

function controllerOf(o: KObject): { kind: string; name: string } | undefined {
  const ref = o.metadata.ownerReferences?.find((r) => r.controller === true);
  return ref ? { kind: ref.kind, name: ref.name } : undefined;
}

const values = (objects: ObjectsByKind, kind: string): Iterable<KObject> =>
  objects.get(kind)?.values() ?? [];

/** A 1×1 handle centred on (x, y). */
function handle(
  type: 'source' | 'target',
  position: Position,
  x: number,
  y: number,
  id: string | null = null,
) {
  return { id, type, position, x: x - 0.5, y: y - 0.5, width: 1, height: 1 };
}

/** The pod handle owner edges end at (endpoint edges take the pod's first, left handle). */
export const OWNER_HANDLE = 'owner';

/**
 * Handles declared up front (no DOM measuring): sources at the bottom centre, targets at the top
 * centre — or, for pods, in the middle of the left side (endpoints) and of the right side
 * (owners), so an edge reaches a pod low in its node box through the gap beside the box instead
 * of across the pods above it.
 */
function handles(width: number, height: number, source: boolean, target: 'top' | 'left' | false) {
  const out = [];
  if (target === 'top') out.push(handle('target', Position.Top, width / 2, 0));
  if (target === 'left') {
    out.push(handle('target', Position.Left, 0, height / 2));
    out.push(handle('target', Position.Right, width, height / 2, OWNER_HANDLE));
  }
  if (source) out.push(handle('source', Position.Bottom, width / 2, height));
  return out;
}

function shallowEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  if (a === b) return true;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

/** Equal for rendering: the same position, size, flags and data (compared field by field). */
function sameNode(a: GraphNode, b: GraphNode): boolean {
  return (
    a.type === b.type &&
    a.position.x === b.position.x &&
    a.position.y === b.position.y &&
    a.width === b.width &&
    a.height === b.height &&
    a.selected === b.selected &&
    a.parentId === b.parentId &&
    a.ariaLabel === b.ariaLabel &&
    shallowEqual(a.data, b.data)
  );
}

function sameEdge(a: GraphEdge, b: GraphEdge): boolean {
  return (
    a.source === b.source &&
    a.target === b.target &&
    a.className === b.className &&
    a.data?.lane === b.data?.lane &&
    a.ariaLabel === b.ariaLabel
  );
}

/**
 * The graph ids to highlight for the objects the editor's cursor is on: the objects, and what
 * they own down to the pods (a Deployment's ReplicaSets and their Pods; a ReplicaSet's or
 * DaemonSet's Pods) — with ownership hidden, a Deployment is seen through its pods.
 */
export function expandFocus(focused: readonly ObjectRef[], objects: ObjectsByKind): Set<string> {
  const ids = new Set(focused.map(graphId));
  if (ids.size === 0) return ids;
  const ownedBy = (o: KObject, kinds: readonly string[]): boolean => {
    const owner = controllerOf(o);
    if (!owner || !kinds.includes(owner.kind)) return false;
    return ids.has(
      graphId({ kind: owner.kind, namespace: o.metadata.namespace ?? '', name: owner.name }),
    );
  };
  for (const rs of values(objects, 'ReplicaSet'))
    if (ownedBy(rs, ['Deployment'])) ids.add(idOf(rs));
  for (const pod of values(objects, 'Pod')) {
    if (ownedBy(pod, ['ReplicaSet', 'DaemonSet'])) ids.add(idOf(pod));
  }
  return ids;
}

export function buildGraph(input: GraphInput, memory?: GraphMemory): Graph {
  const { objects, options } = input;
  const positions = input.positions ?? {};
  const proxyMode = input.proxyMode ?? DEFAULT_PROXY_MODE;
  const allNamespaces = options.namespace === '';
  const collapse = allNamespaces && options.collapseSystem;
  const visibleNs = (ns: string | undefined): boolean =>
    allNamespaces ? !(collapse && ns === SYSTEM_NAMESPACE) : ns === options.namespace;

  const selectedId = input.selected ? graphId(input.selected) : undefined;
  const focusedIds = expandFocus(input.focused ?? [], objects);

  // --- Namespaces for the filter ---------------------------------------------------------------
  const nsSet = new Set<string>();
  for (const ns of values(objects, 'Namespace')) nsSet.add(ns.metadata.name ?? '');
  for (const p of values(objects, 'Pod')) nsSet.add(p.metadata.namespace ?? '');
  nsSet.delete('');
  const namespaces = [...nsSet].sort();

  // --- Group the pods by node -----------------------------------------------------------------
  const k8sNodes = [...values(objects, 'Node')].sort(nodeOrder);
  const nodeIds = new Map<string, string>(); // node name → graph id
  for (const n of k8sNodes) nodeIds.set(n.metadata.name ?? '', idOf(n));
  const podGroups = new Map<string, KObject[]>();
  for (const id of nodeIds.values()) podGroups.set(id, []);
  podGroups.set(UNSCHEDULED_ID, []);
  const hidden = new Map<string, { system: number; other: number }>();
  const visiblePods = new Map<string, KObject>(); // graph id → pod
  for (const pod of values(objects, 'Pod')) {
    const nodeName = podView(pod).nodeName;
    const parent = (nodeName && nodeIds.get(nodeName)) || UNSCHEDULED_ID;
    if (!visibleNs(pod.metadata.namespace)) {
      const h = hidden.get(parent) ?? { system: 0, other: 0 };
      if (collapse && pod.metadata.namespace === SYSTEM_NAMESPACE) h.system++;
      else h.other++;
      hidden.set(parent, h);
      continue;
    }
    podGroups.get(parent)!.push(pod);
    visiblePods.set(idOf(pod), pod);
  }

  // --- Services and workloads that are shown --------------------------------------------------
  const services = [...values(objects, 'Service')]
    .filter((s) => visibleNs(s.metadata.namespace))
    .sort(byKey);

  /** Workload columns: a Deployment with its ReplicaSets, or a lone ReplicaSet / DaemonSet. */
  const columns = new Map<string, { head: KObject | undefined; replicaSets: KObject[] }>();
  if (options.showOwnership) {
    for (const d of values(objects, 'Deployment')) {
      if (visibleNs(d.metadata.namespace)) columns.set(idOf(d), { head: d, replicaSets: [] });
    }
    for (const ds of values(objects, 'DaemonSet')) {
      if (visibleNs(ds.metadata.namespace)) columns.set(idOf(ds), { head: ds, replicaSets: [] });
    }
    for (const rs of values(objects, 'ReplicaSet')) {
      if (!visibleNs(rs.metadata.namespace)) continue;
      const spec = rs.spec as { replicas?: number } | undefined;
      const status = rs.status as { replicas?: number } | undefined;
      // Old ReplicaSets a Deployment keeps for rollbacks (scaled to 0, no pods) stay out of the
      // picture: kubectl lists them, but drawn they would only crowd it.
      if ((spec?.replicas ?? 1) === 0 && (status?.replicas ?? 0) === 0) continue;
      const owner = controllerOf(rs);
      const ownerId =
        owner?.kind === 'Deployment'
          ? graphId({
              kind: 'Deployment',
              namespace: rs.metadata.namespace ?? '',
              name: owner.name,
            })
          : undefined;
      const column = ownerId ? columns.get(ownerId) : undefined;
      if (column) column.replicaSets.push(rs);
      else columns.set(idOf(rs), { head: undefined, replicaSets: [rs] });
    }
  }
  const columnIds = [...columns.keys()].sort();

  // --- Slots ------------------------------------------------------------------------------------
  const groups = new Map<string, string[]>();
  for (const [parent, pods] of podGroups) groups.set(parent, pods.sort(byKey).map(idOf));
  groups.set('services', services.map(idOf));
  groups.set('workloads', columnIds);
  for (const [id, column] of columns) {
    if (!column.head) continue;
    const rsOrder = column.replicaSets.sort((a, b) => {
      const ta = a.metadata.creationTimestamp ?? '';
      const tb = b.metadata.creationTimestamp ?? '';
      return ta !== tb ? (ta < tb ? -1 : 1) : byKey(a, b);
    });
    groups.set(`rs:${id}`, rsOrder.map(idOf));
  }
  // Slots are stable while the filters stay; a new filter packs the boxes afresh (keeping the
  // slots of hidden pods would leave holes where they were).
  const filterKey = `${options.namespace}|${collapse}`;
  const slots = assignGroups(memory?.filterKey === filterKey ? memory.slots : undefined, groups);
  const slotOf = (group: string, id: string): number => slots.get(group)?.get(id) ?? 0;

  // --- Nodes ------------------------------------------------------------------------------------
  // Three lists, concatenated top row first: keyboard focus then moves through the picture from
  // the top (workloads, services) down to the node boxes, each box followed by its pods.
  const out: GraphNode[] = [];
  const serviceNodes: GraphNode[] = [];
  const workloadNodes: GraphNode[] = [];
  const flags = (id: string) => ({
    selected: id === selectedId,
    focused: focusedIds.has(id),
  });
  const a11y = (kind: string, selected: boolean) =>
    selected
      ? { 'aria-roledescription': kind, 'aria-current': 'true' as const }
      : { 'aria-roledescription': kind };

  let newCards = input.maxNewPodCards ?? Infinity;
  let deferred = 0;
  let cursor = 0;
  const boxes: Array<{ id: string; node: KObject | undefined }> = k8sNodes.map((n) => ({
    id: idOf(n),
    node: n,
  }));
  if (podGroups.get(UNSCHEDULED_ID)!.length > 0)
    boxes.push({ id: UNSCHEDULED_ID, node: undefined });
  for (const { id, node } of boxes) {
    const pods = podGroups.get(id)!;
    const h = hidden.get(id) ?? { system: 0, other: 0 };
    const extent = slotExtent(slots.get(id)!);
    const size = nodeBoxSize(Math.min(extent, MAX_POD_CARDS + 1), h.system + h.other > 0);
    const view = node ? nodeView(node) : undefined;
    const { selected, focused } = flags(id);
    const readiness = view
      ? view.unschedulable
        ? `${view.ready} (SchedulingDisabled)`
        : view.ready
      : '';
    out.push({
      id,
      type: 'k8sNode',
      position: positions[id] ?? { x: cursor, y: 0 },
      width: size.width,
      height: size.height,
      measured: { ...size },
      handles: handles(size.width, size.height, false, 'top'),
      selected,
      selectable: node !== undefined,
      ariaLabel: view
        ? `Node ${view.name}, ${readiness}, ${view.role}, ${view.ip}${view.fault ? `, fault ${view.fault}` : ''}`
        : `Unscheduled pods, ${pods.length}`,
      domAttributes: a11y(view ? 'node' : 'group', selected),
      data: {
        view,
        proxyMode,
        podCount: pods.length,
        collapsedSystemPods: h.system,
        otherNamespacePods: h.other,
        focused,
      },
    });
    cursor += size.width + NODE_GAP;

    const overflow = new Map<string, number>();
    let overflowCount = 0;
    for (const pod of pods) {
      const pid = idOf(pod);
      const pv = podView(pod);
      const slot = slotOf(id, pid);
      if (slot >= MAX_POD_CARDS) {
        overflow.set(pv.status, (overflow.get(pv.status) ?? 0) + 1);
        overflowCount++;
        visiblePods.delete(pid);
        continue;
      }
      if (!memory?.nodes.has(pid)) {
        // A card not drawn last time: it appears now if the build has room for one more.
        if (newCards <= 0) {
          deferred++;
          visiblePods.delete(pid);
          continue;
        }
        newCards--;
      }
      const f = flags(pid);
      out.push({
        id: pid,
        type: 'pod',
        parentId: id,
        extent: 'parent',
        position: positions[pid] ?? podSlotPosition(slot),
        width: POD_W,
        height: POD_H,
        measured: { width: POD_W, height: POD_H },
        handles: handles(POD_W, POD_H, false, 'left'),
        selected: f.selected,
        ariaLabel: `Pod ${pv.name}, ${pv.status}, ${pv.nodeName || 'unscheduled'}${pv.fault ? `, fault ${pv.fault}` : ''}`,
        domAttributes: a11y('pod', f.selected),
        data: { view: pv, focused: f.focused },
      });
    }
    if (overflowCount > 0) {
      const statuses = [...overflow].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const where = view ? `on ${view.name}` : 'unscheduled';
      out.push({
        id: `overflow:${id}`,
        type: 'overflow',
        parentId: id,
        extent: 'parent',
        position: podSlotPosition(MAX_POD_CARDS),
        width: POD_W,
        height: POD_H,
        measured: { width: POD_W, height: POD_H },
        selectable: false,
        draggable: false,
        ariaLabel: `${overflowCount} more pods ${where}: ${statuses.map(([st, n]) => `${n} ${st}`).join(', ')}`,
        domAttributes: { 'aria-roledescription': 'pods' },
        data: { count: overflowCount, statuses },
      });
    }
  }

  // --- Services and their endpoints -------------------------------------------------------------
  const slicesByService = new Map<string, EndpointSlice[]>();
  for (const s of values(objects, 'EndpointSlice')) {
    const svc = s.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${s.metadata.namespace ?? ''}/${svc}`;
    const list = slicesByService.get(key) ?? [];
    list.push(s as EndpointSlice & KObject);
    slicesByService.set(key, list);
  }
  const nodeByIp = new Map<string, string>();
  for (const n of k8sNodes) {
    const ip = nodeView(n).ip;
    if (ip) nodeByIp.set(ip, idOf(n));
  }

  const edges: GraphEdge[] = [];
  for (const svc of services) {
    const sid = idOf(svc);
    const sv = serviceView(svc);
    // One edge per target; a pod listed by two slices is ready when either says so.
    const targets = new Map<string, boolean>();
    for (const slice of slicesByService.get(`${sv.namespace}/${sv.name}`) ?? []) {
      for (const ep of slice.endpoints ?? []) {
        // EndpointConditions.ready: "nil should be interpreted as true".
        const ready = ep.conditions?.ready !== false;
        let target: string | undefined;
        if (ep.targetRef?.kind === 'Pod') {
          target = graphId({
            kind: 'Pod',
            namespace: ep.targetRef.namespace ?? sv.namespace,
            name: ep.targetRef.name ?? '',
          });
        } else if (!ep.targetRef) {
          target = ep.addresses.map((a) => nodeByIp.get(a)).find((x) => x !== undefined);
        }
        if (target) targets.set(target, (targets.get(target) ?? false) || ready);
      }
    }
    const f = flags(sid);
    let readyCount = 0;
    for (const r of targets.values()) if (r) readyCount++;
    serviceNodes.push({
      id: sid,
      type: 'service',
      position: positions[sid] ?? serviceSlotPosition(slotOf('services', sid)),
      width: SERVICE_W,
      height: SERVICE_H,
      measured: { width: SERVICE_W, height: SERVICE_H },
      handles: handles(SERVICE_W, SERVICE_H, true, false),
      selected: f.selected,
      ariaLabel: `Service ${sv.name}, ${sv.type}, ${sv.clusterIP}`,
      domAttributes: a11y('service', f.selected),
      data: { view: sv, endpoints: `${readyCount}/${targets.size}`, focused: f.focused },
    });
    for (const [target, ready] of targets) {
      if (!visiblePods.has(target) && !target.startsWith('Node/')) continue;
      const targetName = target.slice(target.lastIndexOf('/') + 1);
      edges.push({
        id: `endpoint:${sid}->${target}`,
        source: sid,
        target,
        type: 'lane',
        selectable: false,
        focusable: false,
        className: ready ? 'k8s-edge endpoint ready' : 'k8s-edge endpoint not-ready',
        ariaLabel: `Endpoint of Service ${sv.name}: ${target.split('/')[0]} ${targetName}, ${ready ? 'ready' : 'not ready'}`,
        data: { kind: 'endpoint', ready, lane: slotOf('services', sid) },
      });
    }
  }

  // --- Workloads and ownership ------------------------------------------------------------------
  if (options.showOwnership) {
    const workloadNode = (w: KObject, x: number, level: number): WorkloadCardNode => {
      const wid = idOf(w);
      const wv = workloadView(w);
      const f = flags(wid);
      return {
        id: wid,
        type: 'workload',
        position: positions[wid] ?? { x, y: workloadLevelY(level) },
        width: WORKLOAD_W,
        height: WORKLOAD_H,
        measured: { width: WORKLOAD_W, height: WORKLOAD_H },
        handles: handles(WORKLOAD_W, WORKLOAD_H, true, wv.kind === 'ReplicaSet' && 'top'),
        selected: f.selected,
        ariaLabel: `${wv.kind} ${wv.name}, ${wv.ready} ready`,
        domAttributes: a11y(
          wv.kind === 'ReplicaSet' ? 'replica set' : wv.kind.toLowerCase(),
          f.selected,
        ),
        data: { view: wv, focused: f.focused },
      };
    };
    const laneOf = new Map<string, number>();
    const ownerEdge = (source: string, target: string, label: string): GraphEdge => ({
      id: `owner:${source}->${target}`,
      source,
      target,
      ...(target.startsWith('Pod/') ? { targetHandle: OWNER_HANDLE } : {}),
      type: 'lane',
      selectable: false,
      focusable: false,
      className: 'k8s-edge owner',
      ariaLabel: label,
      data: { kind: 'owner', ready: true, lane: laneOf.get(source) ?? 0 },
    });
    const workloadIds = new Set<string>();
    for (const id of columnIds) {
      const column = columns.get(id)!;
      if (column.head) workloadIds.add(id);
      for (const rs of column.replicaSets) workloadIds.add(idOf(rs));
      const columnSlot = slotOf('workloads', id);
      laneOf.set(id, columnSlot);
      for (const rs of column.replicaSets) laneOf.set(idOf(rs), columnSlot);
      const x = workloadColumnX(columnSlot);
      if (column.head) {
        const group = `rs:${id}`;
        const level = column.head.kind === 'Deployment' ? slotExtent(slots.get(group)!) : 0;
        workloadNodes.push(workloadNode(column.head, x, level));
        for (const rs of column.replicaSets) {
          const rsId = idOf(rs);
          workloadNodes.push(workloadNode(rs, x, slotOf(group, rsId)));
          edges.push(
            ownerEdge(
              id,
              rsId,
              `Deployment ${column.head.metadata.name} owns ReplicaSet ${rs.metadata.name}`,
            ),
          );
        }
      } else {
        for (const rs of column.replicaSets) workloadNodes.push(workloadNode(rs, x, 0));
      }
    }
    for (const [pid, pod] of visiblePods) {
      const owner = controllerOf(pod);
      if (!owner) continue;
      const oid = graphId({
        kind: owner.kind,
        namespace: pod.metadata.namespace ?? '',
        name: owner.name,
      });
      const present = workloadIds.has(oid);
      if (present)
        edges.push(
          ownerEdge(oid, pid, `${owner.kind} ${owner.name} owns Pod ${pod.metadata.name}`),
        );
    }
  }

  // --- Reuse what did not change ------------------------------------------------------------------
  const prevNodes = memory?.nodes;
  const prevEdges = memory?.edges;
  const nodes = [...workloadNodes, ...serviceNodes, ...out].map((n) => {
    const prev = prevNodes?.get(n.id);
    return prev && sameNode(prev, n) ? prev : n;
  });
  const finalEdges = edges.map((e) => {
    const prev = prevEdges?.get(e.id);
    return prev && sameEdge(prev, e) ? prev : e;
  });
  return {
    nodes,
    edges: finalEdges,
    namespaces,
    deferred,
    bounds: boundsOf(nodes),
    memory: {
      slots,
      filterKey,
      nodes: new Map(nodes.map((n) => [n.id, n])),
      edges: new Map(finalEdges.map((e) => [e.id, e])),
    },
  };
}

/** The box around the top-level nodes (pods stay inside their boxes). */
function boundsOf(nodes: readonly GraphNode[]): Rect {
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (const n of nodes) {
    if (n.parentId) continue;
    x1 = Math.min(x1, n.position.x);
    y1 = Math.min(y1, n.position.y);
    x2 = Math.max(x2, n.position.x + (n.width ?? 0));
    y2 = Math.max(y2, n.position.y + (n.height ?? 0));
  }
  return x1 === Infinity
    ? { x: 0, y: 0, width: 0, height: 0 }
    : { x: x1, y: y1, width: x2 - x1, height: y2 - y1 };
}

/**
 * `buildGraph` with its memory kept between calls: what the pane calls on every store change.
 * The same input twice gives the same (identical) output.
 */
export function createGraphBuilder(): (input: GraphInput) => Graph {
  let memory: GraphMemory | undefined;
  return (input) => {
    const graph = buildGraph(input, memory);
    memory = graph.memory;
    return graph;
  };
}

/** Dragged positions of pods that no longer exist (pods are ephemeral; forget them). */
export function stalePodPositions(
  positions: Readonly<Record<string, XY>>,
  objects: ObjectsByKind,
): string[] {
  const pods = objects.get('Pod');
  return Object.keys(positions).filter((id) => {
    if (!id.startsWith('Pod/')) return false;
    const ref = refOfGraphId(id);
    return !ref || !pods?.has(`${ref.namespace ?? ''}/${ref.name}`);
  });
}
