/**
 * The Filter plugins of the default kube-scheduler profile, in the order v1.30 runs them
 * (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable, TaintToleration,
 * NodeAffinity, NodePorts, NodeResourcesFit. The first plugin that rejects a node decides its
 * status, as frameworkImpl.RunFilterPlugins stops at the first failure. Reasons are the exact
 * strings the plugins return; FitError.Error() aggregates them into the FailedScheduling message.
 *
 * Also here: the NodeAffinity PreFilter (a required `matchFields metadata.name In [...]` term —
 * how DaemonSet pods are pinned — restricts the cycle to those nodes; the others get
 * "node is filtered out by the prefilter result").
 *
 * Not modelled (the playground has no objects they would act on): NodeName (only unbound pods
 * are scheduled), volume plugins, InterPodAffinity, hard PodTopologySpread constraints.
 */
import type {
  Affinity,
  NodeSelector,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PreferredSchedulingTerm,
  Taint,
  Toleration,
} from 'kubernetes-types/core/v1';
import type { HostPort, NodeInfo, PodSchedInfo } from './cache';
import { tolerationsTolerate } from './cache';

export type FilterPlugin =
  | 'PreFilter'
  | 'NodeUnschedulable'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'NodePorts'
  | 'NodeResourcesFit'
  /** Only in preemption's own per-node verdicts. */
  | 'DefaultPreemption';

/** A node's rejection: the plugin, its reason strings, and whether preemption could help. */
export interface NodeStatus {
  readonly plugin: FilterPlugin;
  readonly reasons: readonly string[];
  /** framework.UnschedulableAndUnresolvable: preemption cannot help on this node. */
  readonly unresolvable: boolean;
}

// The reason strings, verbatim from the plugins.
export const REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const REASON_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const REASON_AFFINITY_CONFLICT = 'pod affinity terms conflict';
export const REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const REASON_TOO_MANY_PODS = 'Too many pods';
export const REASON_INSUFFICIENT_CPU = 'Insufficient cpu';
export const REASON_INSUFFICIENT_MEMORY = 'Insufficient memory';
export const REASON_PREFILTERED = 'node is filtered out by the prefilter result';

/** schedulingcorev1.ObjectNameField: the only field a node selector may match. */
const OBJECT_NAME_FIELD = 'metadata.name';
const UNSCHEDULABLE_TAINT: Taint = {
  key: 'node.kubernetes.io/unschedulable',
  effect: 'NoSchedule',
};

const status = (plugin: FilterPlugin, reasons: string[], unresolvable: boolean): NodeStatus =>
  Object.freeze({ plugin, reasons: Object.freeze(reasons), unresolvable });

const UNSCHEDULABLE_STATUS = status('NodeUnschedulable', [REASON_UNSCHEDULABLE], true);
const AFFINITY_STATUS = status('NodeAffinity', [REASON_NODE_AFFINITY], true);
const PORTS_STATUS = status('NodePorts', [REASON_NODE_PORTS], false);
export const PREFILTERED_STATUS = status('PreFilter', [REASON_PREFILTERED], true);
/** NodeResourcesFit statuses by a bitmask of (pods, cpu, memory), reasons in upstream order. */
const FIT_STATUSES: NodeStatus[] = Array.from({ length: 8 }, (_, mask) =>
  status(
    'NodeResourcesFit',
    [
      ...(mask & 1 ? [REASON_TOO_MANY_PODS] : []),
      ...(mask & 2 ? [REASON_INSUFFICIENT_CPU] : []),
      ...(mask & 4 ? [REASON_INSUFFICIENT_MEMORY] : []),
    ],
    false,
  ),
);
const taintStatuses = new Map<string, NodeStatus>();
/** The TaintToleration status of each taint object seen (its reason depends on key and value). */
const statusByTaint = new WeakMap<Taint, NodeStatus>();

// ------------------------------------------------------------------ node affinity

/** A compiled node selector term: label requirements ANDed with field requirements. */
interface CompiledTerm {
  labels: readonly NodeSelectorRequirement[];
  fields: readonly NodeSelectorRequirement[];
}

/** nodeaffinity.NodeSelector: terms ORed; empty terms match nothing and are dropped. */
export interface CompiledNodeSelector {
  terms: readonly CompiledTerm[];
}

export function compileNodeSelector(ns: NodeSelector | undefined): CompiledNodeSelector {
  const terms: CompiledTerm[] = [];
  for (const t of ns?.nodeSelectorTerms ?? []) {
    const labels = t.matchExpressions ?? [];
    const fields = t.matchFields ?? [];
    if (labels.length === 0 && fields.length === 0) continue;
    terms.push({ labels, fields });
  }
  return { terms };
}

function matchRequirement(
  r: NodeSelectorRequirement,
  get: (key: string) => string | undefined,
): boolean {
  const v = get(r.key);
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && values.includes(v);
    case 'NotIn':
      return v === undefined || !values.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || values.length !== 1) return false;
      const a = Number.parseInt(v, 10);
      const b = Number.parseInt(values[0] as string, 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

function matchTerm(
  term: CompiledTerm,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  for (const r of term.labels) {
    if (!matchRequirement(r, (k) => (Object.hasOwn(labels, k) ? labels[k] : undefined)))
      return false;
  }
  for (const r of term.fields) {
    if (r.key !== OBJECT_NAME_FIELD) return false;
    if (!matchRequirement(r, () => nodeName)) return false;
  }
  return true;
}

export function matchNodeSelector(
  sel: CompiledNodeSelector,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  for (const t of sel.terms) if (matchTerm(t, labels, nodeName)) return true;
  return false;
}

/** nodeaffinity.RequiredNodeAffinity: spec.nodeSelector AND the required affinity terms. */
export interface RequiredNodeAffinity {
  nodeSelector: ReadonlyArray<[string, string]>;
  required: CompiledNodeSelector | undefined;
}

export function requiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return {
    nodeSelector: Object.entries(pod.spec?.nodeSelector ?? {}),
    required: required ? compileNodeSelector(required) : undefined,
  };
}

export function matchRequiredNodeAffinity(
  a: RequiredNodeAffinity,
  labels: Readonly<Record<string, string>>,
  nodeName: string,
): boolean {
  for (const [k, v] of a.nodeSelector) if (labels[k] !== v) return false;
  return a.required === undefined || matchNodeSelector(a.required, labels, nodeName);
}

/**
 * NodeAffinity PreFilter: the node names a required `matchFields metadata.name In` pins the pod
 * to (union over terms, intersection within a term), `undefined` when any term leaves all nodes
 * possible, or an empty set when the terms conflict.
 */
export function prefilterNodeNames(affinity: Affinity | undefined): Set<string> | undefined {
  const terms: NodeSelectorTerm[] =
    affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== OBJECT_NAME_FIELD || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    if (!termNames) return undefined; // this term allows every node (terms are ORed)
    names = names ? new Set([...names, ...termNames]) : termNames;
  }
  return names;
}

// ------------------------------------------------------------------ the pod as filters see it

/** Everything the filters read from the pod, precomputed once per scheduling cycle. */
export interface FilterPod {
  info: PodSchedInfo;
  tolerations: readonly Toleration[];
  tolerateUnschedulable: boolean;
  affinity: RequiredNodeAffinity;
  /** The pod's NoSchedule/NoExecute tolerations check is skipped when it tolerates everything. */
  toleratesAll: boolean;
  preferred: readonly PreferredSchedulingTerm[];
}

/**
 * A toleration without key and effect and with operator Exists (it tolerates every taint). A
 * loop, not Array#some: a stored pod's tolerations are a frozen array, on which V8 runs some,
 * find and filter on a slow path.
 */
function toleratesEverything(tolerations: readonly Toleration[]): boolean {
  for (let i = 0; i < tolerations.length; i++) {
    const t = tolerations[i]!;
    if (!t.key && !t.effect && t.operator === 'Exists') return true;
  }
  return false;
}

export function filterPod(pod: Pod, info: PodSchedInfo): FilterPod {
  const tolerations = pod.spec?.tolerations ?? [];
  return {
    info,
    tolerations,
    tolerateUnschedulable: tolerationsTolerate(tolerations, UNSCHEDULABLE_TAINT),
    affinity: requiredNodeAffinity(pod),
    toleratesAll: toleratesEverything(tolerations),
    preferred:
      pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [],
  };
}

// ------------------------------------------------------------------ the plugins

/** NodeUnschedulable: a cordoned node, unless the pod tolerates its unschedulable taint. */
export function filterNodeUnschedulable(p: FilterPod, n: NodeInfo): NodeStatus | null {
  return n.unschedulable && !p.tolerateUnschedulable ? UNSCHEDULABLE_STATUS : null;
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate (FindMatchingUntoleratedTaint). */
export function untoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
): Taint | undefined {
  for (const t of taints) {
    if (t.effect !== 'NoSchedule' && t.effect !== 'NoExecute') continue;
    if (!tolerationsTolerate(tolerations, t)) return t;
  }
  return undefined;
}

/** TaintToleration: `node(s) had untolerated taint {key: value}`. */
export function filterTaintToleration(p: FilterPod, n: NodeInfo): NodeStatus | null {
  if (p.toleratesAll || n.taints.length === 0) return null;
  const t = untoleratedTaint(n.taints, p.tolerations);
  if (!t) return null;
  // The status of a taint object is remembered, so a tainted node (the control plane) does not
  // cost every pod a new reason string to look up.
  let s = statusByTaint.get(t);
  if (s) return s;
  const reason = `node(s) had untolerated taint {${t.key}: ${t.value ?? ''}}`;
  s = taintStatuses.get(reason);
  if (!s) taintStatuses.set(reason, (s = status('TaintToleration', [reason], true)));
  statusByTaint.set(t, s);
  return s;
}

/** NodeAffinity: nodeSelector and required node affinity. */
export function filterNodeAffinity(p: FilterPod, n: NodeInfo): NodeStatus | null {
  if (p.affinity.nodeSelector.length === 0 && p.affinity.required === undefined) return null;
  return matchRequiredNodeAffinity(p.affinity, n.labels, n.name) ? null : AFFINITY_STATUS;
}

/** NodePorts: every requested host port must be free on the node. */
export function filterNodePorts(p: FilterPod, n: NodeInfo): NodeStatus | null {
  const ports: readonly HostPort[] = p.info.hostPorts;
  if (ports.length === 0 || n.usedPorts.size === 0) return null;
  for (const hp of ports) if (n.portConflict(hp)) return PORTS_STATUS;
  return null;
}

/**
 * NodeResourcesFit (fitsRequest): the pod count first, then cpu and memory; a pod that requests
 * nothing only needs a pod slot. All failing resources are reported.
 */
export function filterNodeResourcesFit(p: FilterPod, n: NodeInfo): NodeStatus | null {
  const i = p.info;
  let mask = 0;
  if (n.podCount + 1 > n.allocPods) mask |= 1;
  if (i.milliCpu > 0 && i.milliCpu > n.allocMilliCpu - n.reqMilliCpu) mask |= 2;
  if (i.memory > 0 && i.memory > n.allocMemory - n.reqMemory) mask |= 4;
  return mask === 0 ? null : (FIT_STATUSES[mask] as NodeStatus);
}

/**
 * RunFilterPlugins: the first rejection, or null when the node fits. Direct calls, in plugin
 * order: this runs once per node per pod (a million times for 10,000 pods on 100 nodes).
 */
export function runFilters(p: FilterPod, n: NodeInfo): NodeStatus | null {
  return (
    filterNodeUnschedulable(p, n) ??
    filterTaintToleration(p, n) ??
    filterNodeAffinity(p, n) ??
    filterNodePorts(p, n) ??
    filterNodeResourcesFit(p, n)
  );
}
