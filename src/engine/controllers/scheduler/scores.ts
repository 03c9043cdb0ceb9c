/**
 * The Score plugins of the default profile (v1.30 weights), each giving 0–100 per feasible node
 * after its NormalizeScore; the total is Σ weight × score and the highest total wins.
 *
 *  - NodeResourcesFit, LeastAllocated (weight 1): mean over cpu and memory of
 *    (allocatable − requested) × 100 / allocatable, with the "non-zero" requests (a container
 *    that asks for nothing counts 100m / 200Mi, so empty pods still spread).
 *  - NodeResourcesBalancedAllocation (weight 1): (1 − |cpuFraction − memFraction| / 2) × 100,
 *    with the real requests.
 *  - TaintToleration (weight 3): fewer intolerable PreferNoSchedule taints is better.
 *  - NodeAffinity (weight 2): the summed weights of matching preferred terms (skipped when the
 *    pod has none).
 *  - PodTopologySpread (weight 2), the system default constraint on `kubernetes.io/hostname`
 *    (maxSkew 3, ScheduleAnyway): fewer pods of the same controller on a node is better.
 *    Simplified: upstream selects "the same pods" with the label selectors of the Services,
 *    ReplicaSets and StatefulSets matching the pod; here it is the pods sharing the pod's
 *    controller owner, which is what those selectors pick out in practice. Pods without a
 *    controller are not spread (upstream: unless a Service selects them). The zone constraint
 *    is left out: the playground's nodes carry no zone label, so upstream skips it too.
 *
 * Left out: ImageLocality (nodes report no images here, so it would score 0 everywhere) and
 * InterPodAffinity (pod affinity is not modelled).
 */
import type { Toleration } from 'kubernetes-types/core/v1';
import type { NodeInfo } from './cache';
import { tolerationsTolerate } from './cache';
import type { CompiledNodeSelector, FilterPod } from './filters';
import { compileNodeSelector, matchNodeSelector } from './filters';

export type ScorePlugin =
  | 'NodeResourcesFit'
  | 'NodeResourcesBalancedAllocation'
  | 'TaintToleration'
  | 'NodeAffinity'
  | 'PodTopologySpread';

export const SCORE_PLUGINS: readonly ScorePlugin[] = [
  'TaintToleration',
  'NodeAffinity',
  'NodeResourcesFit',
  'PodTopologySpread',
  'NodeResourcesBalancedAllocation',
];

export const SCORE_WEIGHTS: Readonly<Record<ScorePlugin, number>> = {
  TaintToleration: 3,
  NodeAffinity: 2,
  NodeResourcesFit: 1,
  PodTopologySpread: 2,
  NodeResourcesBalancedAllocation: 1,
};

export const MAX_NODE_SCORE = 100;
/** The system default hostname constraint's maxSkew. */
const HOSTNAME_MAX_SKEW = 3;

/** leastRequestedScore, integer arithmetic as in Go. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** NodeResourcesFit LeastAllocated score of one node. */
export function leastAllocatedScore(p: FilterPod, n: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  if (n.allocMilliCpu > 0) {
    sum += leastRequested(n.nonZeroMilliCpu + p.info.nonZeroMilliCpu, n.allocMilliCpu);
    weights++;
  }
  if (n.allocMemory > 0) {
    sum += leastRequested(n.nonZeroMemory + p.info.nonZeroMemory, n.allocMemory);
    weights++;
  }
  return weights === 0 ? 0 : Math.trunc(sum / weights);
}

/** NodeResourcesBalancedAllocation score of one node (the two-resource form of the std dev). */
export function balancedAllocationScore(p: FilterPod, n: NodeInfo): number {
  if (n.allocMilliCpu > 0 && n.allocMemory > 0) {
    const cpu = Math.min(1, (n.reqMilliCpu + p.info.milliCpu) / n.allocMilliCpu);
    const mem = Math.min(1, (n.reqMemory + p.info.memory) / n.allocMemory);
    return Math.trunc((1 - Math.abs((cpu - mem) / 2)) * MAX_NODE_SCORE);
  }
  return MAX_NODE_SCORE; // one resource (or none): the deviation is 0
}

/** helper.DefaultNormalizeScore. */
function defaultNormalize(scores: Float64Array, count: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < count; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  if (max === 0) {
    if (reverse) for (let i = 0; i < count; i++) scores[i] = MAX_NODE_SCORE;
    return;
  }
  for (let i = 0; i < count; i++) {
    const s = Math.trunc((MAX_NODE_SCORE * (scores[i] as number)) / max);
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}

/** The plugins that scored in a cycle, in SCORE_PLUGINS order (shared lists: no allocation). */
const PLUGIN_SETS: ReadonlyArray<readonly ScorePlugin[]> = [0, 1, 2, 3].map((mask) =>
  SCORE_PLUGINS.filter(
    (pl) =>
      (pl !== 'NodeAffinity' || (mask & 1) !== 0) &&
      (pl !== 'PodTopologySpread' || (mask & 2) !== 0),
  ),
);

export interface ScoreResult {
  /** The plugins that scored (skipped ones are absent), in SCORE_PLUGINS order. */
  plugins: readonly ScorePlugin[];
  /** scores[k][j]: the normalized score of plugins[k] for feasible node j. */
  scores: readonly Float64Array[];
  /** Σ weight × score per feasible node. */
  totals: Float64Array;
}

/**
 * prioritizeNodes: runs every score plugin over the feasible nodes. Buffers are reused from one
 * cycle to the next (10,000 pods × 100 nodes must not allocate per node), so a result is valid
 * only until the next call.
 */
export class Scorer {
  private buffers: Float64Array[] = [];
  private size = 0;

  private ensure(count: number): void {
    if (count <= this.size) return;
    this.size = Math.max(count, this.size * 2, 16);
    this.buffers = Array.from(
      { length: SCORE_PLUGINS.length + 1 },
      () => new Float64Array(this.size),
    );
  }

  /**
   * Score `count` feasible nodes: `nodes[idx[0]]` … `nodes[idx[count-1]]`. `ownerCounts` is how
   * many pods of the pod's controller each node runs (SchedulerCache.ownerCounts).
   */
  score(
    p: FilterPod,
    nodes: readonly NodeInfo[],
    idx: ArrayLike<number>,
    count: number,
    ownerCounts: ReadonlyMap<NodeInfo, number> | undefined,
  ): ScoreResult {
    this.ensure(count);
    // Indexed reads rather than array destructuring, which runs the iterator protocol.
    const b = this.buffers;
    const taint = b[0]!;
    const aff = b[1]!;
    const fit = b[2]!;
    const spread = b[3]!;
    const balanced = b[4]!;
    const totals = b[5]!;
    const hasAffinity = p.preferred.length > 0;
    const owner = p.info.ownerUid;
    const hasSpread = owner !== undefined;

    // TaintToleration: intolerable PreferNoSchedule taints (reversed when normalized).
    let preferTolerations: Toleration[] | undefined;
    // NodeAffinity: the summed weights of the matching preferred terms.
    let terms: Array<{ weight: number; sel: CompiledNodeSelector }> | undefined;
    if (hasAffinity) {
      terms = p.preferred.map((t) => ({
        weight: t.weight,
        sel: compileNodeSelector({ nodeSelectorTerms: [t.preference] }),
      }));
    }
    // PodTopologySpread: raw = round(count × log(#nodes + 2) + maxSkew − 1) on labelled nodes.
    const weight = Math.log(count + 2); // topologyNormalizingWeight(len(filteredNodes))
    let min = Number.MAX_SAFE_INTEGER;
    let max = 0;

    // How many of the owner's pods each node runs, put on the nodes themselves for the loop
    // below (and cleared after it): the owner has a few pods, there are many feasible nodes,
    // and a field read per node is cheaper than a map lookup per node. Nodes without any read 0.
    if (hasSpread && ownerCounts) for (const [n, cnt] of ownerCounts) n.ownerPods = cnt;

    for (let j = 0; j < count; j++) {
      const n = nodes[idx[j] as number] as NodeInfo;
      let bad = 0;
      if (n.preferNoScheduleTaints.length > 0) {
        preferTolerations ??= p.tolerations.filter(
          (t) => !t.effect || t.effect === 'PreferNoSchedule',
        );
        for (const t of n.preferNoScheduleTaints)
          if (!tolerationsTolerate(preferTolerations, t)) bad++;
      }
      taint[j] = bad;
      if (terms) {
        let s = 0;
        for (const t of terms) if (matchNodeSelector(t.sel, n.labels, n.name)) s += t.weight;
        aff[j] = s;
      }
      fit[j] = leastAllocatedScore(p, n);
      balanced[j] = balancedAllocationScore(p, n);
      if (hasSpread) {
        let s = 0;
        if (n.hasHostnameLabel) {
          const cnt = n.ownerPods;
          s = Math.round(cnt * weight + (HOSTNAME_MAX_SKEW - 1));
        }
        spread[j] = s;
        if (s < min) min = s;
        if (s > max) max = s;
      }
    }

    if (hasSpread && ownerCounts) for (const n of ownerCounts.keys()) n.ownerPods = 0;

    defaultNormalize(taint, count, true);
    if (hasAffinity) defaultNormalize(aff, count, false);
    if (hasSpread) {
      for (let j = 0; j < count; j++) {
        spread[j] =
          max === 0
            ? MAX_NODE_SCORE
            : Math.trunc((MAX_NODE_SCORE * (max + min - (spread[j] as number))) / max);
      }
    }

    const wT = SCORE_WEIGHTS.TaintToleration;
    const wA = SCORE_WEIGHTS.NodeAffinity;
    const wF = SCORE_WEIGHTS.NodeResourcesFit;
    const wS = SCORE_WEIGHTS.PodTopologySpread;
    const wB = SCORE_WEIGHTS.NodeResourcesBalancedAllocation;
    for (let j = 0; j < count; j++) {
      totals[j] =
        wT * (taint[j] as number) +
        (hasAffinity ? wA * (aff[j] as number) : 0) +
        wF * (fit[j] as number) +
        (hasSpread ? wS * (spread[j] as number) : 0) +
        wB * (balanced[j] as number);
    }
    const scores: Float64Array[] = [taint];
    if (hasAffinity) scores.push(aff);
    scores.push(fit);
    if (hasSpread) scores.push(spread);
    scores.push(balanced);
    return {
      plugins: PLUGIN_SETS[(hasAffinity ? 1 : 0) | (hasSpread ? 2 : 0)] as readonly ScorePlugin[],
      scores,
      totals,
    };
  }
}
