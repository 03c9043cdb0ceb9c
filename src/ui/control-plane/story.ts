/**
 * The control plane's story of one apply: the engine's inspection stream (API writes, watch
 * deliveries, reconciles) turned into the steps a learner can follow — kubectl → kube-apiserver →
 * etcd → the watchers that care → deployment controller → replicaset controller → scheduler →
 * kubelet → endpointslice controller → kube-proxy on every node → that node's rules.
 *
 * Pure apart from the `StoryEnv` it reads when a record arrives (the object as written, the
 * scheduler's decision, a node's rules): the bridge passes the live cluster, tests a real engine.
 *
 * What is left out, on purpose: Lease renewals and node heartbeats, the legacy Endpoints object,
 * the status bookkeeping of Deployments and ReplicaSets, watchers that only keep caches (garbage
 * collector, namespace controller…), and kube-proxy syncs that changed no rule. Repeated steps of
 * one sort (a thousand pods created) are capped and summarised.
 */
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type {
  Cluster,
  InspectionRecord,
  KObject,
  NodeDataplane,
  SchedulingDecision,
} from '../../engine';
import { dataplaneOf, iptablesSave, ipvsadmList } from '../../engine';

/** An apply that wrote more objects than this is summarised, not animated. */
export const MAX_OBJECTS = 50;
/** A story that gathered more records than this stops and is summarised. */
export const MAX_RECORDS = 2_000;
/** A story collects for at most this much virtual time. */
export const MAX_STORY_MS = 60_000;
/** …or until nothing worth a step happened for this long (the cluster settled). */
export const QUIET_MS = 15_000;
/** Steps of one sort (same kind, verb and sender) shown before the rest are counted. */
export const GROUP_CAP = 8;
/** Steps in a story at most. */
export const MAX_STEPS = 400;
/** Lines of one rules diff at most. */
export const MAX_DIFF_LINES = 120;

export interface DiffLine {
  op: '+' | '-';
  text: string;
}

export interface StoryStep {
  /** Sender's lane (see `laneOf`). */
  from: string;
  /** Receiver's lane. */
  to: string;
  /** Further receivers lit with `to` (a watch event fans out). */
  also?: readonly string[];
  /** Plain words. */
  what: string;
  /** Virtual time (ms since the Unix epoch). */
  at: number;
  /** Why: the scheduler's reasoning, the endpoints, the event's message. */
  detail?: readonly string[];
  /** kube-proxy steps: the node's rules, added and removed. */
  diff?: readonly DiffLine[];
  /** Steps of this sort that were counted instead of shown (a summary step). */
  more?: number;
}

export interface StoryEnv {
  get(kind: string, namespace: string, name: string): KObject | undefined;
  decision(podUid: string): SchedulingDecision | undefined;
  nodes(): readonly string[];
  /** A node's rules as the node tools print them (counters stripped), or none. */
  rules(node: string): readonly string[] | undefined;
}

/** The env of a live (or test) cluster. */
export function clusterStoryEnv(cluster: Pick<Cluster, 'store' | 'context'>): StoryEnv {
  return {
    get: (kind, ns, name) => cluster.store.get(kind, ns === '' ? undefined : ns, name),
    decision: (uid) => cluster.context.scheduling.getSchedulingDecision(uid),
    nodes: () => [...dataplaneOf(cluster.context).nodes.keys()].sort(),
    rules: (node) => {
      const dp = dataplaneOf(cluster.context).nodes.get(node);
      return dp ? nodeRuleLines(dp) : undefined;
    },
  };
}

/**
 * A node's rules as lines: `iptables-save -t nat` without counters (what changes is the rules,
 * not the packets), and in ipvs mode `ipvsadm -Ln` too; the comment lines are dropped.
 */
export function nodeRuleLines(dp: NodeDataplane): string[] {
  const nat = iptablesSave(dp.tables, undefined, { table: 'nat', date: '' })
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
  if (dp.mode !== 'ipvs') return nat;
  const ipvs = ipvsadmList(dp.virtualServers, { numeric: true })
    .split('\n')
    .filter((l) => l.trim() !== '');
  return [...nat, ...ipvs];
}

/** The lines removed (in `before`'s order) then added (in `after`'s order), as multisets. */
export function diffLines(before: readonly string[], after: readonly string[]): DiffLine[] {
  const left = new Map<string, number>();
  for (const l of after) left.set(l, (left.get(l) ?? 0) + 1);
  const removed: DiffLine[] = [];
  const kept = new Map<string, number>();
  for (const l of before) {
    const n = left.get(l) ?? 0;
    if (n > 0) {
      left.set(l, n - 1);
      kept.set(l, (kept.get(l) ?? 0) + 1);
    } else removed.push({ op: '-', text: l });
  }
  const added: DiffLine[] = [];
  for (const l of after) {
    const n = kept.get(l) ?? 0;
    if (n > 0) kept.set(l, n - 1);
    else added.push({ op: '+', text: l });
  }
  return [...removed, ...added];
}

/** The lane a component draws in: controllers by name, node agents per node. */
export function laneOf(actor: string): string {
  if (actor === 'kubectl' || actor.startsWith('kubectl')) return 'kubectl';
  if (MAIN_CONTROLLERS.has(actor)) return actor;
  if (actor.startsWith('kubelet/') || actor.startsWith('kube-proxy/')) return actor;
  if (actor.endsWith('-controller')) return 'kube-controller-manager';
  return actor;
}

const MAIN_CONTROLLERS = new Set([
  'deployment-controller',
  'replicaset-controller',
  'endpointslice-controller',
  'default-scheduler',
]);

/** Every lane of a cluster with these nodes, grouped as the diagram draws them. */
export function lanesOf(nodes: readonly string[]): {
  api: string[];
  controllerManager: string[];
  scheduler: string;
  nodes: string[][];
} {
  return {
    api: ['kubectl', 'kube-apiserver', 'etcd'],
    // The controllers that run inside kube-controller-manager.
    controllerManager: [
      'deployment-controller',
      'replicaset-controller',
      'endpointslice-controller',
      'kube-controller-manager',
    ],
    scheduler: 'default-scheduler',
    nodes: nodes.map((n) => [`kubelet/${n}`, `kube-proxy/${n}`, `rules/${n}`]),
  };
}

/** A lane's label in sentences ("sent to deployment controller, kube-proxy on node1"). */
export function laneLabel(lane: string): string {
  if (lane === 'default-scheduler') return 'kube-scheduler';
  if (lane === 'kube-controller-manager') return 'other controllers';
  if (lane.endsWith('-controller')) return lane.slice(0, -'-controller'.length) + ' controller';
  const slash = lane.indexOf('/');
  if (slash < 0) return lane;
  const what = lane.slice(0, slash);
  return `${what === 'rules' ? 'the rules' : what} on ${lane.slice(slash + 1)}`;
}

/** A lane's label on its chip (the card around it names the process or the node). */
export function chipLabel(lane: string): string {
  if (lane === 'default-scheduler') return 'kube-scheduler';
  if (lane === 'kube-controller-manager') return 'others';
  if (lane.endsWith('-controller')) return lane.slice(0, -'-controller'.length);
  const slash = lane.indexOf('/');
  return slash < 0 ? lane : lane.slice(0, slash);
}

/** Receivers in a sentence: node agents of one sort together ("kube-proxy on master, node1"). */
export function receiversText(lanes: readonly string[]): string {
  const out: string[] = [];
  const perNode = new Map<string, string[]>();
  for (const l of lanes) {
    const slash = l.indexOf('/');
    if (slash < 0) {
      out.push(laneLabel(l));
      continue;
    }
    const what = l.slice(0, slash);
    let nodes = perNode.get(what);
    if (!nodes) {
      nodes = [];
      perNode.set(what, nodes);
      out.push(`\0${what}`);
    }
    nodes.push(l.slice(slash + 1));
  }
  return out
    .map((o) =>
      o.startsWith('\0')
        ? `${o === '\0rules' ? 'the rules' : o.slice(1)} on ${perNode.get(o.slice(1))!.join(', ')}`
        : o,
    )
    .join(', ');
}

const PAST: Record<string, string> = {
  create: 'created',
  update: 'updated',
  updateStatus: 'updated the status of',
  delete: 'deleted',
  remove: 'removed',
};

/** Watchers that act on what they are told (the rest only keep caches). */
function actingWatcher(watcher: string): boolean {
  return (
    MAIN_CONTROLLERS.has(watcher) || watcher === 'kubelet' || watcher.startsWith('kube-proxy/')
  );
}

type WriteRecord = Extract<InspectionRecord, { type: 'write' }>;

function podReady(pod: Pod | undefined): boolean {
  return pod?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function ref(r: { kind: string; namespace: string; name: string }): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

/**
 * Builds one story as the records arrive (`add`). `steps` is the story so far; `skipped` says
 * why it stopped early (a large apply); `done(now)` says whether it has finished collecting.
 */
export class StoryBuilder {
  readonly steps: StoryStep[] = [];
  records = 0;
  objects = 0;
  skipped: string | undefined;
  readonly startedAt: number;
  lastStepAt: number;
  private rules = new Map<string, readonly string[]>();
  private groups = new Map<string, { shown: number; summary: StoryStep | undefined }>();
  /** The write whose watch deliveries are being gathered, and their step. */
  private watchOf: { rv: string; step: StoryStep | undefined; suppressed: boolean } | undefined;
  private ready = new Map<string, boolean>();
  private replicas = new Map<string, number | undefined>();
  private slices = new Map<string, string>();

  constructor(
    private readonly env: StoryEnv,
    startedAt: number,
  ) {
    this.startedAt = startedAt;
    this.lastStepAt = startedAt;
    // The "before" of every node's rules.
    for (const n of env.nodes()) {
      const r = env.rules(n);
      if (r) this.rules.set(n, r);
    }
  }

  /** True once the story has nothing more to collect at virtual time `now`. */
  done(now: number): boolean {
    return (
      this.skipped !== undefined ||
      now - this.startedAt >= MAX_STORY_MS ||
      now - this.lastStepAt >= QUIET_MS
    );
  }

  add(rec: InspectionRecord): void {
    if (this.skipped !== undefined) return;
    this.records++;
    if (this.records > MAX_RECORDS) {
      this.skipped = `Not animated: the cluster's reaction took more than ${MAX_RECORDS.toLocaleString('en-US')} API writes, watch events and reconciles (a large apply). The first steps are shown.`;
      return;
    }
    if (rec.type === 'write') this.write(rec);
    else if (rec.type === 'watch') this.watch(rec);
    else if (rec.controller.startsWith('kube-proxy/') && rec.key === 'sync')
      this.proxySync(rec.controller.slice('kube-proxy/'.length), rec.at);
  }

  private write(rec: WriteRecord): void {
    this.watchOf = undefined;
    if (rec.actor === 'kubectl') {
      this.objects++;
      if (this.objects > MAX_OBJECTS) {
        this.skipped = `Not animated: this command wrote more than ${MAX_OBJECTS} objects. Large applies are summarised to keep the page responsive.`;
        return;
      }
    }
    const obj =
      rec.verb === 'delete' || rec.verb === 'remove'
        ? undefined
        : this.env.get(rec.kind, rec.namespace, rec.name);
    const from = laneOf(rec.actor);
    const what = ref(rec);

    if (rec.kind === 'Event') {
      if (!rec.actor.startsWith('kubelet/') || !obj) return;
      const ev = obj as KObject & {
        reason?: string;
        message?: string;
        involvedObject?: { name?: string; namespace?: string };
      };
      const pod = `${ev.involvedObject?.namespace ?? rec.namespace}/${ev.involvedObject?.name ?? ''}`;
      this.push(
        `Event:${ev.reason ?? ''}:${from}`,
        {
          from,
          to: 'kube-apiserver',
          what: `${rec.actor.replace('/', ' on ')} recorded Event ${ev.reason ?? ''} for Pod ${pod}`,
          at: rec.at,
          detail: [ev.message ?? ''],
        },
        `kubelet ${ev.reason ?? ''} events`,
      );
      return;
    }
    if (rec.kind === 'Lease' || rec.kind === 'Endpoints' || rec.kind === 'Node') return;

    let detail: string[] | undefined;
    let sentence = `${rec.actor} ${PAST[rec.verb] ?? rec.verb} ${what}`;
    if (rec.kind === 'Pod' && rec.verb === 'updateStatus') {
      const key = `${rec.namespace}/${rec.name}`;
      const now = podReady(obj as Pod | undefined);
      const was = this.ready.get(key) ?? false;
      this.ready.set(key, now);
      if (now === was) return;
      sentence = `${rec.actor.replace('/', ' on ')} reported ${what} ${now ? 'Ready' : 'not Ready'}`;
      detail = [
        now
          ? 'Its containers run and pass their readiness checks: it can now be an endpoint of a Service.'
          : 'It stopped being ready: Services stop sending it traffic.',
      ];
    } else if (rec.kind === 'Pod' && rec.actor === 'default-scheduler' && rec.verb === 'update') {
      const pod = obj as (Pod & KObject) | undefined;
      const node = pod?.spec?.nodeName;
      if (!node) return;
      sentence = `kube-scheduler bound ${what} to ${node}`;
      detail = schedulerWhy(this.env.decision(pod.metadata.uid ?? ''), node);
    } else if (rec.kind === 'EndpointSlice') {
      const slice = obj as (EndpointSlice & KObject) | undefined;
      detail = slice ? sliceLines(slice) : ['(deleted)'];
      const key = `${rec.namespace}/${rec.name}`;
      const sig = detail.join('\n');
      if (rec.verb !== 'create' && this.slices.get(key) === sig) return;
      this.slices.set(key, sig);
      const ready = slice?.endpoints?.filter((e) => e.conditions?.ready === true).length ?? 0;
      const total = slice?.endpoints?.length ?? 0;
      if (slice) sentence += `: ${ready} of ${total} endpoint${total === 1 ? '' : 's'} ready`;
    } else if (rec.verb === 'updateStatus') {
      return; // Deployment / ReplicaSet status bookkeeping.
    } else if (rec.verb === 'update' && rec.actor !== 'kubectl') {
      if (rec.kind !== 'ReplicaSet') return;
      const key = `${rec.namespace}/${rec.name}`;
      const n = (obj?.spec as { replicas?: number } | undefined)?.replicas;
      if (this.replicas.has(key) && this.replicas.get(key) === n) return;
      this.replicas.set(key, n);
      sentence = `${rec.actor} scaled ${what} to ${n ?? 0} replicas`;
    } else if (rec.kind === 'ReplicaSet' && rec.verb === 'create') {
      const key = `${rec.namespace}/${rec.name}`;
      const n = (obj?.spec as { replicas?: number } | undefined)?.replicas;
      this.replicas.set(key, n);
      sentence += ` with ${n ?? 0} replicas`;
    }
    if (rec.actor === 'kubectl') sentence = `kubectl sent ${rec.verb} ${what}`;

    const group = `${rec.kind}:${rec.verb}:${from}`;
    const summary = `${rec.actor} ${PAST[rec.verb] ?? rec.verb} ${rec.kind}`;
    const shown = this.push(
      group,
      { from, to: 'kube-apiserver', what: sentence, at: rec.at, ...(detail ? { detail } : {}) },
      summary,
    );
    if (!shown) {
      this.watchOf = { rv: rec.resourceVersion, step: undefined, suppressed: true };
      return;
    }
    this.addStep({
      from: 'kube-apiserver',
      to: 'etcd',
      what:
        rec.verb === 'delete' || rec.verb === 'remove'
          ? `kube-apiserver ${rec.verb === 'remove' ? 'removed' : 'marked deleted'} ${what} in etcd, resourceVersion ${rec.resourceVersion}`
          : `kube-apiserver stored ${what}, resourceVersion ${rec.resourceVersion}`,
      at: rec.at,
    });
    this.watchOf = { rv: rec.resourceVersion, step: undefined, suppressed: false };
  }

  private watch(rec: Extract<InspectionRecord, { type: 'watch' }>): void {
    const w = this.watchOf;
    if (!w || w.suppressed || w.rv !== rec.resourceVersion || !actingWatcher(rec.watcher)) return;
    let lane = rec.watcher;
    if (rec.watcher === 'kubelet') {
      if (rec.kind !== 'Pod') return;
      const node = (this.env.get('Pod', rec.namespace, rec.name) as Pod | undefined)?.spec
        ?.nodeName;
      if (!node) return;
      lane = `kubelet/${node}`;
    } else if (rec.watcher === 'default-scheduler') {
      const pod = this.env.get('Pod', rec.namespace, rec.name) as Pod | undefined;
      if (rec.kind !== 'Pod' || pod?.spec?.nodeName || rec.event === 'DELETED') return;
    }
    lane = laneOf(lane);
    if (!w.step) {
      w.step = {
        from: 'kube-apiserver',
        to: lane,
        what: `watch: ${rec.event} ${ref(rec)} sent to ${receiversText([lane])}`,
        at: rec.at,
      };
      this.addStep(w.step);
      return;
    }
    const step = w.step;
    if (step.to === lane || step.also?.includes(lane)) return;
    const also = [...(step.also ?? []), lane];
    step.also = also;
    step.what = `watch: ${rec.event} ${ref(rec)} sent to ${receiversText([step.to, ...also])}`;
  }

  private proxySync(node: string, at: number): void {
    const after = this.env.rules(node);
    if (!after) return;
    const before = this.rules.get(node) ?? [];
    this.rules.set(node, after);
    const diff = diffLines(before, after);
    if (diff.length === 0) return;
    const plus = diff.filter((d) => d.op === '+').length;
    const minus = diff.length - plus;
    const seps = diff.filter((d) => d.op === '+' && d.text.startsWith('-A KUBE-SEP-')).length;
    const detail =
      seps > 0
        ? [
            'New KUBE-SEP rules: a Service can now DNAT to a ready endpoint. Until this sync, packets to the Service could not reach it.',
          ]
        : undefined;
    const shown = diff.slice(0, MAX_DIFF_LINES);
    this.push(
      `sync:${node}`,
      {
        from: `kube-proxy/${node}`,
        to: `rules/${node}`,
        what: `kube-proxy on ${node} rewrote its rules: +${plus} −${minus} lines`,
        at,
        diff:
          diff.length > MAX_DIFF_LINES
            ? [...shown, { op: '+', text: `… ${diff.length - MAX_DIFF_LINES} more lines` }]
            : shown,
        ...(detail ? { detail } : {}),
      },
      `kube-proxy syncs on ${node}`,
    );
  }

  /** Adds a step unless its group is full (then counts it in the group's summary). */
  private push(group: string, step: StoryStep, summary: string): boolean {
    const g = this.groups.get(group) ?? { shown: 0, summary: undefined };
    this.groups.set(group, g);
    if (g.shown < GROUP_CAP) {
      g.shown++;
      return this.addStep(step);
    }
    if (!g.summary) {
      g.summary = { from: step.from, to: step.to, what: '', at: step.at, more: 0 };
      if (!this.addStep(g.summary)) return false;
    }
    g.summary.more = (g.summary.more ?? 0) + 1;
    g.summary.what = `… and ${g.summary.more} more like this: ${summary}`;
    this.lastStepAt = step.at;
    return false;
  }

  private addStep(step: StoryStep): boolean {
    if (this.steps.length >= MAX_STEPS) return false;
    this.steps.push(step);
    this.lastStepAt = step.at;
    return true;
  }
}

/** The scheduler's reasoning for placing a pod on `node`, from its decision log. */
export function schedulerWhy(d: SchedulingDecision | undefined, node: string): string[] {
  if (!d) return [`Bound to ${node}.`];
  const passed = d.nodes.filter((n) => n.passed).length;
  const lines = [`${passed} of ${d.nodes.length} nodes passed the filters.`];
  for (const n of d.nodes) {
    if (!n.passed)
      lines.push(
        `${n.node}: rejected by ${n.plugin ?? 'a filter'}: ${(n.reasons ?? []).join('; ')}`,
      );
  }
  if (d.scores.length === 0) {
    if (passed === 1) lines.push(`Only ${node} fits, so there was nothing to score.`);
    return lines;
  }
  const sorted = [...d.scores].sort((a, b) => b.total - a.total || (a.node < b.node ? -1 : 1));
  lines.push(`Scores: ${sorted.map((s) => `${s.node} ${s.total}`).join(', ')}.`);
  const chosen = d.scores.find((s) => s.node === node);
  const tied = chosen ? d.scores.filter((s) => s.total === chosen.total).length : 0;
  lines.push(
    tied > 1
      ? `${tied} nodes tied at ${chosen?.total ?? 0}: ${node} was picked at random among them.`
      : `${node} scored highest.`,
  );
  return lines;
}

/** One line per endpoint: address, ready or not, the pod behind it. */
export function sliceLines(slice: EndpointSlice): string[] {
  const eps = slice.endpoints ?? [];
  if (eps.length === 0) return ['No endpoints: no pod matches the selector yet.'];
  return eps.map((e) => {
    const ready = e.conditions?.ready === true;
    return `${e.addresses[0] ?? '?'} ${ready ? 'ready' : 'not ready'}${e.targetRef?.name ? ` (${e.targetRef.name})` : ''}`;
  });
}
