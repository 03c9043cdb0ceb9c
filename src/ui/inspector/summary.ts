/**
 * What the inspector shows when nothing is selected: the cluster at a glance (its nodes, how many
 * pods are in each state) and shortcuts to the objects a learner created.
 */
import type { KObject } from '../../engine';
import { podStatusColumns } from '../../engine';
import type { ObjectRef, ObjectsByKind } from '../state/cluster-store';
import type { Cell } from './model';
import { podStatusTone, refTo } from './model';
import { nodeRoles, nodeStatusCell } from './node-sections';
import { byNamespaceName, listKind, smallest } from './snapshot';

export interface SummaryLink {
  ref: ObjectRef;
  label: string;
  /** Muted text after the label (a node's role). */
  note?: string;
  detail?: Cell;
}

export interface ClusterSummary {
  nodes: SummaryLink[];
  podTotal: number;
  /** Pod count per kubectl STATUS word, most common first. */
  podsByStatus: Array<{ status: string; count: number; tone: Cell['tone'] }>;
  /** Pods, Deployments and Services outside the system namespaces, and how many more there are. */
  pods: SummaryLink[];
  workloads: SummaryLink[];
  services: SummaryLink[];
  morePods: number;
  moreWorkloads: number;
  moreServices: number;
}

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);
const MAX_LINKS = 8;

/** Objects outside the system namespaces: the first few in name order, and how many in all. */
function userObjects(objects: ObjectsByKind, kind: string): { first: KObject[]; total: number } {
  const user: KObject[] = [];
  for (const o of listKind(objects, kind))
    if (!SYSTEM_NAMESPACES.has(o.metadata.namespace ?? '')) user.push(o);
  return { first: smallest(user, MAX_LINKS, byNamespaceName), total: user.length };
}

const label = (o: KObject): string =>
  o.metadata.namespace && o.metadata.namespace !== 'default'
    ? `${o.metadata.namespace}/${o.metadata.name ?? ''}`
    : (o.metadata.name ?? '');

/**
 * Pods' STATUS words, remembered per (frozen) pod object from one summary to the next: the
 * summary counts every pod on every change, and only changed pods are new objects. (The word
 * depends on the object only; the clock changes just the RESTARTS text, so any time will do.)
 * A Map per generation, not a WeakMap: at 10,000 pods its lookups are several times faster.
 */
let statusWords = new Map<KObject, string>();

function podStatusWords(pods: Iterable<KObject>): Map<KObject, string> {
  const previous = statusWords;
  const next = new Map<KObject, string>();
  for (const p of pods) {
    let w = previous.get(p);
    if (w === undefined)
      w = podStatusColumns(p as Parameters<typeof podStatusColumns>[0], 0).status;
    next.set(p, w);
  }
  statusWords = next;
  return next;
}

export function clusterSummary(objects: ObjectsByKind): ClusterSummary {
  const nodes = [...listKind(objects, 'Node')].sort(byNamespaceName).map((n): SummaryLink => ({
    ref: refTo(n),
    label: n.metadata.name ?? '',
    note: nodeRoles(n).join(', ') || 'worker',
    detail: nodeStatusCell(n),
  }));
  const words = podStatusWords(listKind(objects, 'Pod'));
  const counts = new Map<string, number>();
  for (const status of words.values()) counts.set(status, (counts.get(status) ?? 0) + 1);
  const podsByStatus = [...counts]
    .map(([status, count]) => ({ status, count, tone: podStatusTone(status) }))
    .sort((a, b) => b.count - a.count || (a.status < b.status ? -1 : 1));
  const pods = userObjects(objects, 'Pod');
  const deployments = userObjects(objects, 'Deployment');
  const services = userObjects(objects, 'Service');
  const link = (o: KObject, detail: Cell): SummaryLink => ({
    ref: refTo(o),
    label: label(o),
    detail,
  });
  return {
    nodes,
    podTotal: words.size,
    podsByStatus,
    pods: pods.first.map((p) => {
      const status = words.get(p) ?? '';
      return link(p, { text: status, tone: podStatusTone(status) });
    }),
    workloads: deployments.first.map((d) => {
      const spec = d.spec as { replicas?: number } | undefined;
      const ready = (d.status as { readyReplicas?: number } | undefined)?.readyReplicas ?? 0;
      const desired = spec?.replicas ?? 1;
      return link(d, { text: `${ready}/${desired}`, tone: ready >= desired ? 'ok' : 'warn' });
    }),
    services: services.first.map((s) => {
      const type = (s.spec as { type?: string } | undefined)?.type ?? 'ClusterIP';
      return link(s, { text: type, tone: 'muted' });
    }),
    morePods: pods.total - pods.first.length,
    moreWorkloads: deployments.total - deployments.first.length,
    moreServices: services.total - services.first.length,
  };
}
