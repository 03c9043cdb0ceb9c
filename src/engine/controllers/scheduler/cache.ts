/**
 * The scheduler cache: what kube-scheduler knows about each node without listing pods.
 *
 * Models pkg/scheduler/internal/cache/cache.go and framework.NodeInfo: per node the allocatable
 * resources, the sum of the requests of the pods bound to it (actual and "non-zero", i.e. with
 * the 100m / 200Mi defaults for containers that request nothing), the pod count, the host ports
 * in use; and per controller, how many of its pods each node runs (for spreading). Pods enter the cache
 * from the moment they are bound (spec.nodeName set) and leave when they are deleted or reach a
 * terminal phase (the scheduler's pod informer filters out Succeeded/Failed pods). Terminating
 * pods still count: their resources are not free until the kubelet is done with them.
 *
 * Everything is incremental: a watch event costs O(containers), a scheduling decision reads the
 * aggregates and never lists pods.
 *
 * Simplified: no "assumed pods" (binding is a synchronous store write here, so the watch event
 * that adds the pod to the cache arrives before the next decision); no image states; no pods
 * with (anti-)affinity lists.
 */
import type { Container, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import { milliCpu, quantityInt } from '../../api/quantity';
import type { KObject } from '../../api/types';
import { controllerOf } from '../../api/types';

type StoredPod = Pod & KObject;
type StoredNode = Node & KObject;

/** schedutil.DefaultMilliCPURequest: what a container without a cpu request counts as, for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** schedutil.DefaultMemoryRequest: 200 MiB. */
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** The PriorityClasses every cluster has; the Priority admission plugin resolves their names. */
const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  'system-node-critical': 2000001000,
  'system-cluster-critical': 2000000000,
};

export interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** What the scheduler needs to know about a pod, computed once per pod version. */
export interface PodSchedInfo {
  uid: string;
  namespace: string;
  name: string;
  /** Requests as the apiserver stores them (resourcehelper.PodRequests). */
  milliCpu: number;
  memory: number;
  /** Requests with the per-container defaults for missing values (used by LeastAllocated). */
  nonZeroMilliCpu: number;
  nonZeroMemory: number;
  hostPorts: readonly HostPort[];
  /** The controller owner's uid: pods that share it are spread across nodes. */
  ownerUid: string | undefined;
  priority: number;
  terminating: boolean;
}

interface Requests {
  cpu: number;
  memory: number;
}

/**
 * One container's requests. The API server's defaulting copies limits into missing requests; it
 * is applied here too so a pod with only limits counts what the real scheduler would see.
 */
function containerRequests(c: Container, nonZero: boolean): Requests {
  const req = c.resources?.requests;
  const lim = c.resources?.limits;
  const cpuQ = req?.cpu ?? lim?.cpu;
  const memQ = req?.memory ?? lim?.memory;
  return {
    cpu: cpuQ === undefined ? (nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0) : milliCpu(cpuQ),
    memory: memQ === undefined ? (nonZero ? DEFAULT_MEMORY_REQUEST : 0) : quantityInt(memQ),
  };
}

/**
 * Models k8s.io/component-helpers resource.PodRequests: the sum over containers, at least the
 * largest init container (restartable "sidecar" init containers add to both), plus overhead.
 */
export function podRequests(pod: Pod, nonZero: boolean): Requests {
  const spec = pod.spec;
  const reqs: Requests = { cpu: 0, memory: 0 };
  for (const c of spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    reqs.cpu += r.cpu;
    reqs.memory += r.memory;
  }
  const sidecars: Requests = { cpu: 0, memory: 0 };
  const initMax: Requests = { cpu: 0, memory: 0 };
  for (const c of spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      reqs.cpu += r.cpu;
      reqs.memory += r.memory;
      sidecars.cpu += r.cpu;
      sidecars.memory += r.memory;
      initMax.cpu = Math.max(initMax.cpu, sidecars.cpu);
      initMax.memory = Math.max(initMax.memory, sidecars.memory);
    } else {
      initMax.cpu = Math.max(initMax.cpu, r.cpu + sidecars.cpu);
      initMax.memory = Math.max(initMax.memory, r.memory + sidecars.memory);
    }
  }
  reqs.cpu = Math.max(reqs.cpu, initMax.cpu);
  reqs.memory = Math.max(reqs.memory, initMax.memory);
  const overhead = spec?.overhead;
  if (overhead) {
    reqs.cpu += milliCpu(overhead.cpu);
    reqs.memory += quantityInt(overhead.memory);
  }
  return reqs;
}

/**
 * The host ports a pod claims. With hostNetwork every container port is a host port (the API
 * server defaults hostPort to containerPort).
 */
export function podHostPorts(pod: Pod): HostPort[] {
  const out: HostPort[] = [];
  const hostNetwork = pod.spec?.hostNetwork === true;
  for (const list of [pod.spec?.initContainers ?? [], pod.spec?.containers ?? []]) {
    for (const c of list) {
      for (const p of c.ports ?? []) {
        const port = p.hostPort ?? (hostNetwork ? p.containerPort : 0);
        if (!port || port <= 0) continue;
        out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol ?? 'TCP', port });
      }
    }
  }
  return out;
}

/** spec.priority, or the priority the Priority admission plugin gives a system class name. */
export function podPriority(pod: Pod): number {
  if (typeof pod.spec?.priority === 'number') return pod.spec.priority;
  const cls = pod.spec?.priorityClassName;
  return (cls && SYSTEM_PRIORITY_CLASSES[cls]) || 0;
}

export function podSchedInfo(pod: StoredPod): PodSchedInfo {
  const actual = podRequests(pod, false);
  const nonZero = podRequests(pod, true);
  return {
    uid: pod.metadata.uid ?? '',
    namespace: pod.metadata.namespace ?? 'default',
    name: pod.metadata.name ?? '',
    milliCpu: actual.cpu,
    memory: actual.memory,
    nonZeroMilliCpu: nonZero.cpu,
    nonZeroMemory: nonZero.memory,
    hostPorts: podHostPorts(pod),
    ownerUid: controllerOf(pod)?.uid,
    priority: podPriority(pod),
    terminating: pod.metadata.deletionTimestamp !== undefined,
  };
}

// ------------------------------------------------------------------ node side

/** The taints the node lifecycle controller adds for node conditions (TaintNodesByCondition). */
const CONDITION_TAINTS: ReadonlyArray<[condition: string, status: string, key: string]> = [
  ['MemoryPressure', 'True', 'node.kubernetes.io/memory-pressure'],
  ['DiskPressure', 'True', 'node.kubernetes.io/disk-pressure'],
  ['PIDPressure', 'True', 'node.kubernetes.io/pid-pressure'],
  ['NetworkUnavailable', 'True', 'node.kubernetes.io/network-unavailable'],
];

/**
 * A node's taints as the scheduler and the DaemonSet controller see them: spec.taints plus the
 * ones the node lifecycle controller would have added for the node's state — `not-ready` /
 * `unreachable` (NoSchedule and NoExecute) when Ready is False / Unknown (or missing), the
 * pressure taints, and `unschedulable:NoSchedule` when cordoned. Adding them here keeps
 * scheduling right whether or not a node lifecycle controller runs; taints already present are
 * not duplicated.
 */
export function effectiveTaints(node: Node): readonly Taint[] {
  const spec = node.spec?.taints ?? [];
  const extra: Taint[] = [];
  // (Loops, not some/find: V8 runs those on a slow path over frozen, stored arrays.)
  const has = (key: string, effect: string): boolean => {
    for (const t of spec) if (t.key === key && t.effect === effect) return true;
    for (const t of extra) if (t.key === key && t.effect === effect) return true;
    return false;
  };
  const add = (key: string, effect: string): void => {
    if (!has(key, effect)) extra.push({ key, effect });
  };
  const conditions = node.status?.conditions ?? [];
  let ready: (typeof conditions)[number] | undefined;
  for (const c of conditions) {
    if (c.type === 'Ready') {
      ready = c;
      break;
    }
  }
  if (!ready || ready.status !== 'True') {
    const key =
      ready?.status === 'False' ? 'node.kubernetes.io/not-ready' : 'node.kubernetes.io/unreachable';
    if (ready) {
      add(key, 'NoSchedule');
      add(key, 'NoExecute');
    } else add('node.kubernetes.io/not-ready', 'NoSchedule');
  }
  for (const [type, status, key] of CONDITION_TAINTS) {
    for (const c of conditions) {
      if (c.type === type && c.status === status) {
        add(key, 'NoSchedule');
        break;
      }
    }
  }
  if (node.spec?.unschedulable) add('node.kubernetes.io/unschedulable', 'NoSchedule');
  return extra.length === 0 ? spec : [...spec, ...extra];
}

/** TolerationsTolerateTaint (k8s.io/api core/v1 toleration.go ToleratesTaint). */
export function toleratesTaint(tol: Toleration, taint: Taint): boolean {
  if (tol.effect && tol.effect !== taint.effect) return false;
  if (tol.key && tol.key !== taint.key) return false;
  switch (tol.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (tol.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerationsTolerate(tols: readonly Toleration[], taint: Taint): boolean {
  for (const t of tols) if (toleratesTaint(t, taint)) return true;
  return false;
}

interface CachedPod {
  info: PodSchedInfo;
  node: string;
}

/** framework.NodeInfo: one node and the aggregates of the pods bound to it. */
export class NodeInfo {
  node: StoredNode | undefined;
  allocMilliCpu = 0;
  allocMemory = 0;
  allocPods = 0;
  taints: readonly Taint[] = [];
  /** The PreferNoSchedule subset of `taints`, for the TaintToleration score. */
  preferNoScheduleTaints: readonly Taint[] = [];
  unschedulable = false;
  labels: Readonly<Record<string, string>> = {};
  /** PodTopologySpread counts only nodes that carry the topology key. */
  hasHostnameLabel = false;
  /**
   * Scratch for Scorer.score: the scored pod's controller's pods on this node while a score is
   * being computed, 0 otherwise.
   */
  ownerPods = 0;

  reqMilliCpu = 0;
  reqMemory = 0;
  nonZeroMilliCpu = 0;
  nonZeroMemory = 0;
  podCount = 0;
  /** `protocol/port` → host IP → how many pods hold it. */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** uid → the pods bound here (for preemption and the UI). */
  readonly pods = new Map<string, PodSchedInfo>();

  constructor(readonly name: string) {}

  setNode(node: StoredNode): void {
    this.node = node;
    const alloc = node.status?.allocatable ?? node.status?.capacity ?? {};
    this.allocMilliCpu = milliCpu(alloc.cpu);
    this.allocMemory = quantityInt(alloc.memory);
    this.allocPods = quantityInt(alloc.pods);
    this.taints = effectiveTaints(node);
    this.preferNoScheduleTaints = this.taints.filter((t) => t.effect === 'PreferNoSchedule');
    this.unschedulable = node.spec?.unschedulable === true;
    this.labels = node.metadata.labels ?? {};
    this.hasHostnameLabel = Object.hasOwn(this.labels, 'kubernetes.io/hostname');
  }

  addPod(p: PodSchedInfo): void {
    this.pods.set(p.uid, p);
    this.apply(p, 1);
  }

  removePod(p: PodSchedInfo): void {
    if (!this.pods.delete(p.uid)) return;
    this.apply(p, -1);
  }

  private apply(p: PodSchedInfo, sign: 1 | -1): void {
    this.reqMilliCpu += sign * p.milliCpu;
    this.reqMemory += sign * p.memory;
    this.nonZeroMilliCpu += sign * p.nonZeroMilliCpu;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    this.podCount += sign;
    for (const hp of p.hostPorts) {
      const key = `${hp.protocol}/${hp.port}`;
      let byIp = this.usedPorts.get(key);
      if (!byIp) this.usedPorts.set(key, (byIp = new Map()));
      const n = (byIp.get(hp.ip) ?? 0) + sign;
      if (n > 0) byIp.set(hp.ip, n);
      else byIp.delete(hp.ip);
      if (byIp.size === 0) this.usedPorts.delete(key);
    }
  }

  /** HostPortInfo.CheckConflict: 0.0.0.0 conflicts with every address on the same port. */
  portConflict(hp: HostPort): boolean {
    const byIp = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!byIp) return false;
    if (hp.ip === '0.0.0.0') return true;
    return byIp.has(hp.ip) || byIp.has('0.0.0.0');
  }
}

/**
 * Node infos by name plus the pods bound to them. `nodes()` is the ordered list of existing
 * nodes a scheduling cycle walks (a fresh array whenever the set of nodes changes, so decision
 * records can keep a reference to the list they were made against).
 */
export class SchedulerCache {
  private readonly infos = new Map<string, NodeInfo>();
  private readonly podsByUid = new Map<string, CachedPod>();
  /** controller uid → node → its non-terminating pods there (for spreading: one small map per owner). */
  private readonly owners = new Map<string, Map<NodeInfo, number>>();
  private order: NodeInfo[] | undefined;

  nodes(): readonly NodeInfo[] {
    if (!this.order) this.order = [...this.infos.values()].filter((n) => n.node !== undefined);
    return this.order;
  }

  get(name: string): NodeInfo | undefined {
    return this.infos.get(name);
  }

  private infoFor(name: string): NodeInfo {
    let info = this.infos.get(name);
    if (!info) this.infos.set(name, (info = new NodeInfo(name)));
    return info;
  }

  setNode(node: StoredNode): void {
    const info = this.infoFor(node.metadata.name ?? '');
    if (!info.node) this.order = undefined;
    info.setNode(node);
  }

  removeNode(name: string): void {
    const info = this.infos.get(name);
    if (!info) return;
    info.node = undefined;
    this.order = undefined;
    // A node's pods stay accounted to it (as upstream's "ghost" NodeInfo) until they go.
    if (info.podCount === 0) this.infos.delete(name);
  }

  hasPod(uid: string): boolean {
    return this.podsByUid.has(uid);
  }

  /** How many live pods of a controller each node runs (undefined: none anywhere). */
  ownerCounts(ownerUid: string): ReadonlyMap<NodeInfo, number> | undefined {
    return this.owners.get(ownerUid);
  }

  private countOwner(p: PodSchedInfo, node: NodeInfo, sign: 1 | -1): void {
    if (!p.ownerUid || p.terminating) return;
    let byNode = this.owners.get(p.ownerUid);
    if (!byNode) this.owners.set(p.ownerUid, (byNode = new Map()));
    const n = (byNode.get(node) ?? 0) + sign;
    if (n > 0) byNode.set(node, n);
    else byNode.delete(node);
    if (byNode.size === 0) this.owners.delete(p.ownerUid);
  }

  /** Add or refresh a bound pod. */
  upsertPod(info: PodSchedInfo, nodeName: string): void {
    const cur = this.podsByUid.get(info.uid);
    if (cur) {
      const old = this.infos.get(cur.node);
      if (old && old.pods.has(cur.info.uid)) {
        old.removePod(cur.info);
        this.countOwner(cur.info, old, -1);
      }
    }
    const node = this.infoFor(nodeName);
    node.addPod(info);
    this.countOwner(info, node, 1);
    this.podsByUid.set(info.uid, { info, node: nodeName });
  }

  /** The cached info of a bound pod, for cheap refreshes (e.g. only deletionTimestamp changed). */
  podInfo(uid: string): PodSchedInfo | undefined {
    return this.podsByUid.get(uid)?.info;
  }

  removePod(uid: string): boolean {
    const cur = this.podsByUid.get(uid);
    if (!cur) return false;
    this.podsByUid.delete(uid);
    const info = this.infos.get(cur.node);
    if (info) {
      info.removePod(cur.info);
      this.countOwner(cur.info, info, -1);
      if (!info.node && info.podCount === 0) this.infos.delete(cur.node);
    }
    return true;
  }
}
