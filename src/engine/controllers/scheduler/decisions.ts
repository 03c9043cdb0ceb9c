/**
 * Why a pod went where it went: per pod, the last scheduling cycle's verdict on every node (passed,
 * or the plugin and reason that rejected it), the per-plugin scores of the feasible nodes, the
 * chosen node or the FailedScheduling message. kube-scheduler-simulator writes this onto the pod
 * as annotations; here it is an in-memory log the UI reads through `ctx.scheduling`.
 *
 * Records are stored compactly (a shared node-name list, the rejections only, scores as bytes) so
 * that 10,000 decisions over 100 nodes stay cheap, and expanded on read. The log keeps the last
 * decision per pod, forgets a pod when it is deleted, and holds at most `limit` pods (oldest
 * first out).
 *
 * Also here: FitError.Error(), the text of the FailedScheduling event.
 */
import type { FilterPlugin, NodeStatus } from './filters';
import type { ScorePlugin } from './scores';
import { SCORE_WEIGHTS } from './scores';

export interface NodeFilterResult {
  node: string;
  passed: boolean;
  /** The plugin that rejected the node (`PreFilter` for nodes a DaemonSet pod is not pinned to). */
  plugin?: FilterPlugin;
  reasons?: readonly string[];
}

export interface NodeScoreResult {
  node: string;
  /** Normalized 0–100 score per plugin (before weights); skipped plugins are absent. */
  scores: Partial<Record<ScorePlugin, number>>;
  /** Σ weight × score. */
  total: number;
}

export interface SchedulingDecision {
  podUid: string;
  /** `namespace/name`. */
  pod: string;
  /** 1 for the first scheduling attempt, 2 for the first retry, ... */
  attempt: number;
  /** Virtual time of the decision (ms since the Unix epoch). */
  at: number;
  /** Every node the cycle considered, in the scheduler's node order. */
  nodes: NodeFilterResult[];
  /** The feasible nodes' scores; empty when fewer than two nodes passed (upstream skips scoring). */
  scores: NodeScoreResult[];
  /** Where the pod was bound. */
  selectedNode?: string;
  /** The FailedScheduling message when no node fit. */
  message?: string;
  /** Preemption: the node nominated for the pod and the pods evicted to make room. */
  nominatedNode?: string;
  victims?: string[];
}

/** The compact form the scheduler writes. */
export interface DecisionRecord {
  podUid: string;
  pod: string;
  attempt: number;
  at: number;
  nodeNames: readonly string[];
  /** [node index, status] for each rejected node; every other node passed the filters. */
  rejected: ReadonlyArray<readonly [number, NodeStatus]>;
  /**
   * The scores: `values[offset + k * feasibleCount + j]` is plugin k's score for the j-th
   * feasible node (feasible nodes in node order). `values` may be shared with other records.
   */
  scores?: { plugins: readonly ScorePlugin[]; values: Uint8Array; offset: number };
  selectedNode?: string;
  message?: string;
  nominatedNode?: string;
  victims?: readonly string[];
}

export class SchedulingLog {
  private readonly records = new Map<string, DecisionRecord>();

  constructor(readonly limit = 10_000) {}

  record(r: DecisionRecord): void {
    this.records.delete(r.podUid); // re-insert at the end: the newest decisions survive eviction
    this.records.set(r.podUid, r);
    if (this.records.size > this.limit) {
      const oldest = this.records.keys().next();
      if (!oldest.done) this.records.delete(oldest.value);
    }
  }

  forget(podUid: string): void {
    this.records.delete(podUid);
  }

  get size(): number {
    return this.records.size;
  }

  /** The last scheduling decision about a pod, expanded for display; undefined if none. */
  getSchedulingDecision(podUid: string): SchedulingDecision | undefined {
    const r = this.records.get(podUid);
    return r ? expand(r) : undefined;
  }
}

function expand(r: DecisionRecord): SchedulingDecision {
  const rejected = new Map(r.rejected);
  const nodes: NodeFilterResult[] = r.nodeNames.map((node, i) => {
    const s = rejected.get(i);
    return s
      ? { node, passed: false, plugin: s.plugin, reasons: [...s.reasons] }
      : { node, passed: true };
  });
  const scores: NodeScoreResult[] = [];
  if (r.scores) {
    const { plugins, values, offset } = r.scores;
    const feasible = nodes.filter((n) => n.passed);
    feasible.forEach((n, j) => {
      const byPlugin: Partial<Record<ScorePlugin, number>> = {};
      let total = 0;
      plugins.forEach((plugin, k) => {
        const v = values[offset + k * feasible.length + j] ?? 0;
        byPlugin[plugin] = v;
        total += SCORE_WEIGHTS[plugin] * v;
      });
      scores.push({ node: n.node, scores: byPlugin, total });
    });
  }
  return {
    podUid: r.podUid,
    pod: r.pod,
    attempt: r.attempt,
    at: r.at,
    nodes,
    scores,
    ...(r.selectedNode !== undefined ? { selectedNode: r.selectedNode } : {}),
    ...(r.message !== undefined ? { message: r.message } : {}),
    ...(r.nominatedNode !== undefined ? { nominatedNode: r.nominatedNode } : {}),
    ...(r.victims !== undefined ? { victims: [...r.victims] } : {}),
  };
}

// ------------------------------------------------------------------ FitError

/** framework.NoNodeAvailableMsg. */
const noNodeAvailable = (n: number): string => `0/${n} nodes are available`;

/**
 * The reasons histogram: "N reason" per distinct reason, sorted as Go's sort.Strings sorts the
 * formatted strings (so the count is part of the sort key), joined with ", ".
 */
export function reasonHistogram(statuses: Iterable<NodeStatus>): string {
  const counts = new Map<string, number>();
  for (const s of statuses)
    for (const reason of s.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  const parts = [...counts].map(([reason, n]) => `${n} ${reason}`);
  parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return parts.join(', ');
}

/**
 * FitError.Error() as of v1.30: `0/N nodes are available: <PreFilter msg>.` or
 * `0/N nodes are available: <histogram>.`, then the PostFilter (preemption) message, which
 * carries its own final period.
 */
export function fitErrorMessage(
  numAllNodes: number,
  statuses: Iterable<NodeStatus>,
  preFilterMsg = '',
  postFilterMsg = '',
): string {
  let msg = `${noNodeAvailable(numAllNodes)}:`;
  if (preFilterMsg) msg += ` ${preFilterMsg}.`;
  else {
    const hist = reasonHistogram(statuses);
    if (hist) msg += ` ${hist}.`;
  }
  if (postFilterMsg) msg += ` ${postFilterMsg}`;
  return msg;
}

/** schedule_one.go truncateMessage: events.k8s.io notes are limited to 1 kB. */
export function truncateMessage(message: string, max = 1024): string {
  if (message.length <= max) return message;
  const suffix = ' ...';
  return message.slice(0, max - suffix.length) + suffix;
}
