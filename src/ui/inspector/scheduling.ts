/**
 * The scheduler's reasoning, from the decision log it keeps (engine
 * controllers/scheduler/decisions.ts): for a pod, every node's filter verdict and the feasible
 * nodes' scores; for a node, the pods placed on it (and what they chose it over) and the pending
 * pods that could not use it.
 *
 * Facts the view teaches, from kube-scheduler: filters run first and a node that fails any is out
 * (the plugin and its reason say why); the feasible nodes are scored per plugin (0–100), weighted,
 * summed; the highest total wins and a tie is broken at random (schedule_one.go selectHost);
 * with a single feasible node there is nothing to score and upstream skips scoring.
 */
import type { Pod } from 'kubernetes-types/core/v1';
import type { KObject, SchedulingDecision, ScorePlugin } from '../../engine';
import { humanDuration, SCORE_WEIGHTS } from '../../engine';
import type { Block, Item, SchedulingNodeRow, SchedulingView, SectionInput } from './model';
import { cell, field, refTo } from './model';
import { listKind, podsOnNode } from './snapshot';

const MAX_ITEMS = 50;
const MAX_PENDING_LOOKUPS = 500;

const weightOf = (plugin: string): number => SCORE_WEIGHTS[plugin as ScorePlugin] ?? 1;

/** The per-node rows and the one-line summary of a pod's last scheduling decision. */
export function buildSchedulingView(d: SchedulingDecision, now: number): SchedulingView {
  const scoreByNode = new Map(d.scores.map((s) => [s.node, s]));
  const plugins = d.scores[0] ? Object.keys(d.scores[0].scores) : [];
  const best = plugins.reduce((sum, p) => sum + weightOf(p) * 100, 0);
  const rows: SchedulingNodeRow[] = d.nodes.map((n) => {
    if (!n.passed) {
      return {
        node: n.node,
        verdict: 'rejected',
        ...(n.plugin !== undefined ? { plugin: n.plugin } : {}),
        reasons: [...(n.reasons ?? [])],
      };
    }
    const verdict =
      n.node === d.selectedNode
        ? 'selected'
        : d.selectedNode === undefined && n.node === d.nominatedNode
          ? 'nominated'
          : 'feasible';
    const s = scoreByNode.get(n.node);
    if (!s) return { node: n.node, verdict };
    return {
      node: n.node,
      verdict,
      scores: Object.entries(s.scores).map(([plugin, score]) => ({
        plugin,
        score: score ?? 0,
        weight: weightOf(plugin),
      })),
      total: s.total,
      fraction: best > 0 ? s.total / best : 0,
    };
  });
  const rank = (r: SchedulingNodeRow): number =>
    r.verdict === 'selected' || r.verdict === 'nominated' ? 0 : r.verdict === 'feasible' ? 1 : 2;
  const order = new Map(rows.map((r, i) => [r, i]));
  rows.sort(
    (a, b) => rank(a) - rank(b) || (b.total ?? 0) - (a.total ?? 0) || order.get(a)! - order.get(b)!,
  );

  const feasible = d.nodes.filter((n) => n.passed).length;
  const notes: string[] = [];
  if (feasible === 1 && d.scores.length === 0)
    notes.push('Only one node passed the filters, so the scheduler skipped scoring.');
  const chosen = d.selectedNode !== undefined ? scoreByNode.get(d.selectedNode) : undefined;
  if (chosen) {
    const tied = d.scores.filter((s) => s.total === chosen.total).length;
    if (tied > 1)
      notes.push(
        `${tied} nodes tied at ${chosen.total}: the scheduler picked one of them at random.`,
      );
  }
  const of = `${feasible} of ${d.nodes.length} node${d.nodes.length === 1 ? '' : 's'} passed the filters`;
  const summary =
    d.selectedNode !== undefined
      ? cell(`Bound to ${d.selectedNode}: ${of}.`, { tone: 'ok' })
      : cell(d.message ?? `Not scheduled: ${of}.`, { tone: 'error' });
  return {
    pod: d.pod,
    attempt: d.attempt,
    age: humanDuration(now - d.at),
    summary,
    nodes: rows,
    notes,
    ...(d.victims?.length ? { victims: [...d.victims] } : {}),
  };
}

/** The Scheduling section of a pod. */
export function podSchedulingBlocks(input: SectionInput): Block[] {
  const pod = input.obj as Pod & KObject;
  const d = input.scheduling.getSchedulingDecision(pod.metadata.uid ?? '');
  if (d) return [{ type: 'scheduling', view: buildSchedulingView(d, input.now) }];
  const scheduler = pod.spec?.schedulerName ?? 'default-scheduler';
  if (pod.spec?.nodeName) {
    const why =
      pod.metadata.annotations?.['kubernetes.io/config.mirror'] !== undefined
        ? 'It is a static pod: the kubelet on its node runs it from a manifest file, without the scheduler.'
        : 'No decision is recorded for it: it was bound before the log began, or spec.nodeName was set directly.';
    return [{ type: 'note', text: `Running on ${pod.spec.nodeName}. ${why}` }];
  }
  return [
    {
      type: 'note',
      text:
        scheduler === 'default-scheduler'
          ? 'Waiting for the scheduler: no decision yet.'
          : `Waiting for scheduler "${scheduler}", which this cluster does not run.`,
      tone: 'info',
    },
  ];
}

/** The Scheduler decisions section of a node: who was placed here, who could not be. */
export function nodeSchedulingBlocks(input: SectionInput): Block[] {
  const nodeName = input.obj.metadata.name ?? '';
  const placed: Array<{ item: Item; at: number }> = [];
  for (const pod of podsOnNode(input.objects, nodeName)) {
    const d = input.scheduling.getSchedulingDecision(pod.metadata.uid ?? '');
    if (!d || d.selectedNode !== nodeName) continue;
    const feasible = d.nodes.filter((n) => n.passed).length;
    const here = d.scores.find((s) => s.node === nodeName);
    const others = d.scores
      .filter((s) => s.node !== nodeName)
      .sort((a, b) => b.total - a.total || (a.node < b.node ? -1 : 1));
    const runnerUp = others[0];
    const fields = [field('Filters', `${feasible} of ${d.nodes.length} nodes passed`)];
    if (here && runnerUp) {
      fields.push(
        field(
          'Runner-up',
          `${runnerUp.node}, score ${runnerUp.total}${runnerUp.total === here.total ? ' (a tie, broken at random)' : ''}`,
        ),
      );
    }
    const rejected = d.nodes.filter((n) => !n.passed);
    if (rejected.length > 0) {
      fields.push(
        field('Rejected', rejected.map((n) => `${n.node} (${n.plugin ?? 'filter'})`).join(', ')),
      );
    }
    fields.push(field('Decided', `${humanDuration(input.now - d.at)} ago, attempt ${d.attempt}`));
    placed.push({
      at: d.at,
      item: {
        key: pod.metadata.uid ?? d.pod,
        title: cell(pod.metadata.name ?? '', { ref: refTo(pod) }),
        subtitle: pod.metadata.namespace ?? '',
        badges: here ? [cell(`score ${here.total}`, { tone: 'ok' })] : [],
        fields,
      },
    });
  }
  placed.sort((a, b) => b.at - a.at || (a.item.key < b.item.key ? -1 : 1));

  // Pending pods that already failed a scheduling cycle. Each lookup expands a decision over
  // every node, so a burst of thousands of pending pods is sampled, not read in full.
  const refused: Item[] = [];
  let lookups = 0;
  for (const pod of listKind(input.objects, 'Pod')) {
    if ((pod.spec as { nodeName?: string } | undefined)?.nodeName) continue;
    if (++lookups > MAX_PENDING_LOOKUPS) break;
    const d = input.scheduling.getSchedulingDecision(pod.metadata.uid ?? '');
    const verdict = d?.nodes.find((n) => n.node === nodeName);
    if (!verdict || verdict.passed) continue;
    refused.push({
      key: pod.metadata.uid ?? '',
      title: cell(pod.metadata.name ?? '', { ref: refTo(pod) }),
      subtitle: pod.metadata.namespace ?? '',
      badges: [cell(verdict.plugin ?? 'filter', { tone: 'error' })],
      fields: [field('Reason', (verdict.reasons ?? []).join('; '))],
    });
  }

  const blocks: Block[] = [];
  if (placed.length > 0) {
    blocks.push({
      type: 'items',
      label: 'Placed here by the scheduler',
      items: placed.slice(0, MAX_ITEMS).map((p) => p.item),
      ...(placed.length > MAX_ITEMS ? { more: placed.length - MAX_ITEMS } : {}),
    });
  }
  if (refused.length > 0) {
    blocks.push({
      type: 'items',
      label: 'Pending pods this node cannot take',
      items: refused.slice(0, MAX_ITEMS),
      ...(refused.length > MAX_ITEMS ? { more: refused.length - MAX_ITEMS } : {}),
    });
  }
  if (blocks.length === 0) {
    blocks.push({
      type: 'note',
      text: 'No scheduler decisions about this node yet. Static pods, and pods that set spec.nodeName, bypass the scheduler.',
    });
  }
  return blocks;
}
