/**
 * DefaultPreemption, the PostFilter that runs when no node fits.
 *
 * Models pkg/scheduler/framework/plugins/defaultpreemption/default_preemption.go and
 * framework/preemption/preemption.go (Preempt → PodEligibleToPreemptOthers, findCandidates,
 * nodesWherePreemptionMightHelp, DryRunPreemption, SelectVictimsOnNode, pickOneNodeForPreemption):
 *  - nodes rejected as UnschedulableAndUnresolvable (taints, node affinity, cordoned, pinned
 *    elsewhere) are "Preemption is not helpful for scheduling";
 *  - on the others, every pod of lower priority is a potential victim; no such pod gives
 *    "No preemption victims found for incoming pod"; if the pod still does not fit with all of
 *    them gone, the node keeps the filter's reason;
 *  - otherwise victims are reprieved, highest priority first, while the pod still fits, and the
 *    node with the least important victims is chosen.
 * With no candidate, the PostFilter message is `preemption: ` + a FitError over those statuses,
 * which the FailedScheduling message ends with.
 *
 * Simplified: no PodDisruptionBudgets (none exist here), no extenders, no "nominated pods"
 * reservation of the freed room; ties between candidate nodes go to the first in node order.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodSchedInfo } from './cache';
import { NodeInfo } from './cache';
import { fitErrorMessage } from './decisions';
import type { FilterPod, NodeStatus } from './filters';
import { runFilters } from './filters';

export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';

const notHelpful: NodeStatus = Object.freeze({
  plugin: 'DefaultPreemption',
  reasons: Object.freeze([PREEMPTION_NOT_HELPFUL]),
  unresolvable: true,
});
const noVictims: NodeStatus = Object.freeze({
  plugin: 'DefaultPreemption',
  reasons: Object.freeze([NO_PREEMPTION_VICTIMS]),
  unresolvable: true,
});

export interface PreemptionResult {
  /** The PostFilter message (`preemption: ...`), or '' when a node was found. */
  message: string;
  /** The node to nominate; '' clears an earlier nomination; absent leaves it alone. */
  nominatedNode?: string;
  victims: PodSchedInfo[];
}

/** podTerminatingByPreemption: a victim the scheduler already evicted and that is still going. */
export type IsTerminatingByPreemption = (p: PodSchedInfo) => boolean;

/** A throwaway copy of a node's aggregates without some of its pods. */
function nodeWithout(n: NodeInfo, removed: ReadonlySet<string>): NodeInfo {
  const copy = new NodeInfo(n.name);
  if (n.node) copy.setNode(n.node);
  for (const p of n.pods.values()) if (!removed.has(p.uid)) copy.addPod(p);
  return copy;
}

/** MoreImportantPod: higher priority first (start times are not tracked; uid keeps it stable). */
function moreImportantFirst(a: PodSchedInfo, b: PodSchedInfo): number {
  return b.priority - a.priority || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

interface Candidate {
  node: NodeInfo;
  victims: PodSchedInfo[];
}

/** SelectVictimsOnNode: the victims that make room, or the status explaining why none can. */
function selectVictimsOnNode(p: FilterPod, n: NodeInfo): Candidate | NodeStatus {
  const potential = [...n.pods.values()].filter((v) => v.priority < p.info.priority);
  if (potential.length === 0) return noVictims;
  const removed = new Set(potential.map((v) => v.uid));
  const status = runFilters(p, nodeWithout(n, removed));
  if (status) return status;
  potential.sort(moreImportantFirst);
  const victims: PodSchedInfo[] = [];
  for (const v of potential) {
    removed.delete(v.uid); // try to reprieve
    if (runFilters(p, nodeWithout(n, removed))) {
      removed.add(v.uid);
      victims.push(v);
    }
  }
  return { node: n, victims };
}

/** pickOneNodeForPreemption (without the PDB and start-time criteria). */
function pickOne(candidates: Candidate[]): Candidate {
  const highest = (c: Candidate): number => Math.max(...c.victims.map((v) => v.priority));
  // Upstream adds MaxInt32+1 to each priority so that negative priorities still sum upwards.
  const sum = (c: Candidate): number => c.victims.reduce((s, v) => s + v.priority + 2147483648, 0);
  let best = candidates[0] as Candidate;
  for (const c of candidates.slice(1)) {
    const d =
      highest(c) - highest(best) || sum(c) - sum(best) || c.victims.length - best.victims.length;
    if (d < 0) best = c;
  }
  return best;
}

/**
 * Run DefaultPreemption for a pod no node fits. `statuses` is the filter verdict per node index
 * (every node is rejected, so every index has one).
 */
export function preempt(
  pod: Pod,
  p: FilterPod,
  nodes: readonly NodeInfo[],
  statuses: ReadonlyMap<number, NodeStatus>,
  terminatingByPreemption: IsTerminatingByPreemption,
): PreemptionResult {
  // PodEligibleToPreemptOthers
  if (pod.spec?.preemptionPolicy === 'Never') {
    return { message: 'preemption: not eligible due to preemptionPolicy=Never.', victims: [] };
  }
  const nominated = pod.status?.nominatedNodeName;
  if (nominated) {
    const idx = nodes.findIndex((n) => n.name === nominated);
    const nomStatus = idx >= 0 ? statuses.get(idx) : undefined;
    const nomNode = idx >= 0 ? nodes[idx] : undefined;
    if (nomNode && !nomStatus?.unresolvable) {
      for (const v of nomNode.pods.values()) {
        if (v.priority < p.info.priority && terminatingByPreemption(v)) {
          return {
            message: 'preemption: not eligible due to a terminating pod on the nominated node.',
            victims: [],
          };
        }
      }
    }
  }

  // findCandidates → nodesWherePreemptionMightHelp + DryRunPreemption
  const outcome: NodeStatus[] = [];
  const candidates: Candidate[] = [];
  nodes.forEach((n, i) => {
    const s = statuses.get(i);
    if (!s || s.unresolvable) {
      outcome.push(notHelpful);
      return;
    }
    const r = selectVictimsOnNode(p, n);
    if ('victims' in r) candidates.push(r);
    else outcome.push(r);
  });
  if (candidates.length === 0) {
    return {
      message: `preemption: ${fitErrorMessage(nodes.length, outcome)}`,
      nominatedNode: '',
      victims: [],
    };
  }
  const chosen = pickOne(candidates);
  return { message: '', nominatedNode: chosen.node.name, victims: chosen.victims };
}
