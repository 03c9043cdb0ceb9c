/**
 * The DaemonSet controller (kube-controller-manager's `daemonset` controller): one pod per
 * eligible node — kube-proxy on every node, including the tainted control plane.
 *
 * Models pkg/controller/daemon/daemon_controller.go (syncDaemonSet, manage, podsShouldBeOnNode,
 * NodeShouldRunDaemonPod, syncNodes, updateDaemonSetStatus) and update.go (rollingUpdate):
 *  - a node is eligible when the template's nodeName / nodeSelector / required node affinity
 *    match it and the pod tolerates its NoSchedule and NoExecute taints; a pod already running
 *    stays as long as it tolerates the NoExecute ones;
 *  - pods get the tolerations every DaemonSet pod gets (util.AddOrUpdateDaemonPodTolerations:
 *    not-ready and unreachable NoExecute, disk-, memory-, pid-pressure and unschedulable
 *    NoSchedule, network-unavailable NoSchedule with hostNetwork), the labels
 *    `controller-revision-hash` and `pod-template-generation`, `generateName: <ds>-`, a
 *    controller owner reference, and a required node affinity term `matchFields metadata.name
 *    In [<node>]` so the default scheduler binds each one to its node;
 *  - pods on nodes that are no longer eligible are deleted, failed pods are deleted (with a
 *    per-node back-off: 1 s doubling, at most 15 min) and replaced, surplus pods on a node are
 *    deleted, oldest kept;
 *  - status: desired/current/updated NumberScheduled, numberReady, numberAvailable
 *    (minReadySeconds), numberMisscheduled, numberUnavailable, observedGeneration;
 *  - RollingUpdate with maxUnavailable (an int or a percentage of the desired count, default 1):
 *    old pods that are not available are replaced first, then up to maxUnavailable old pods are
 *    deleted at a time; a node gets its new pod once the old one is gone. OnDelete does nothing.
 *
 * Simplified, and why:
 *  - no ControllerRevision objects (this API server does not serve them): the revision hash is
 *    computed from the template each sync, so `kubectl rollout history/undo ds` has nothing to
 *    read; the template generation is the `deprecated.daemonset.template.generation`
 *    annotation when the API server set it, else metadata.generation;
 *  - maxSurge > 0 is treated as 0 (the surge path is not modelled);
 *  - no expectations cache and no slow-start batches (the store is never stale, so a sync sees
 *    the pods the previous one wrote); no adoption of orphan pods;
 *  - pods bound to a node that was removed are force-deleted here; upstream that is the pod
 *    garbage collector's job (gcOrphaned), which the playground does not run.
 */
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1';
import type {
  Affinity,
  Node,
  NodeSelectorRequirement,
  Pod,
  PodSpec,
  PodTemplateSpec,
  Toleration,
} from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import { controllerOf, deepClone, deepEqual, newControllerRef, splitNsName } from '../api/types';
import type { ClusterContext } from '../context';
import { parseTimestamp } from '../sim/clock';
import type { EventRecorder } from './events';
import { isPodAvailable, isPodReady, podAvailableAt } from './pod-util';
import { computeHash } from './pod-template-hash';
import type { ReconcileResult } from './runner';
import { keyFor, ownerKey } from './runner';
import { effectiveTaints } from './scheduler/cache';
import {
  matchRequiredNodeAffinity,
  requiredNodeAffinity,
  untoleratedTaint,
} from './scheduler/filters';

export const DAEMONSET_CONTROLLER = 'daemonset-controller';
/** apps.DefaultDaemonSetUniqueLabelKey. */
export const CONTROLLER_REVISION_HASH_LABEL = 'controller-revision-hash';
/** extensions.DaemonSetTemplateGenerationKey. */
export const POD_TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The annotation the API server keeps the template generation in for apps/v1. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** failedPodsBackoff = flowcontrol.NewBackOff(1s, 15min). */
const FAILED_POD_BACKOFF_MS = 1_000;
const FAILED_POD_BACKOFF_MAX_MS = 15 * 60_000;

type DaemonSetObj = DaemonSet & KObject;
type PodObj = Pod & KObject;
type NodeObj = Node & KObject;

/** v1helper.AddOrUpdateTolerationInPodSpec: replace a matching toleration, else append. */
function addOrUpdateToleration(list: Toleration[], t: Toleration): Toleration[] {
  const same = (a: Toleration): boolean =>
    (a.key ?? '') === (t.key ?? '') &&
    (a.effect ?? '') === (t.effect ?? '') &&
    (a.operator ?? '') === (t.operator ?? '') &&
    (a.value ?? '') === (t.value ?? '');
  if (list.some((a) => same(a) && deepEqual(a, t))) return list;
  let replaced = false;
  const out = list.map((a) => {
    if (!same(a)) return a;
    replaced = true;
    return t;
  });
  if (!replaced) out.push(t);
  return out;
}

/** util.AddOrUpdateDaemonPodTolerations: what every DaemonSet pod tolerates. */
export function daemonPodTolerations(spec: PodSpec | undefined): Toleration[] {
  let list = [...(spec?.tolerations ?? [])];
  const add = (key: string, effect: string): void => {
    list = addOrUpdateToleration(list, { key, operator: 'Exists', effect });
  };
  add('node.kubernetes.io/not-ready', 'NoExecute');
  add('node.kubernetes.io/unreachable', 'NoExecute');
  add('node.kubernetes.io/disk-pressure', 'NoSchedule');
  add('node.kubernetes.io/memory-pressure', 'NoSchedule');
  add('node.kubernetes.io/pid-pressure', 'NoSchedule');
  add('node.kubernetes.io/unschedulable', 'NoSchedule');
  if (spec?.hostNetwork) add('node.kubernetes.io/network-unavailable', 'NoSchedule');
  return list;
}

/**
 * util.ReplaceDaemonSetPodNodeNameNodeAffinity: pin the pod to one node with a required
 * `matchFields metadata.name In [node]` in every term (keeping the terms' label expressions).
 */
export function replaceNodeNameAffinity(
  affinity: Affinity | undefined,
  nodeName: string,
): Affinity {
  const req: NodeSelectorRequirement = {
    key: 'metadata.name',
    operator: 'In',
    values: [nodeName],
  };
  const out: Affinity = deepClone(affinity ?? {});
  const na = out.nodeAffinity ?? {};
  const terms = na.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  const merged =
    terms.length === 0
      ? [{ matchFields: [req] }]
      : terms.map((t) => ({
          ...(t.matchExpressions ? { matchExpressions: t.matchExpressions } : {}),
          matchFields: [req],
        }));
  out.nodeAffinity = {
    ...na,
    requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: merged },
  };
  return out;
}

/** util.GetTargetNodeName: spec.nodeName, or the node a DaemonSet pod's affinity pins it to. */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution
      ?.nodeSelectorTerms ?? [];
  for (const t of terms) {
    for (const r of t.matchFields ?? []) {
      if (r.key === 'metadata.name' && r.operator === 'In' && r.values?.length === 1)
        return r.values[0];
    }
  }
  return undefined;
}

/** Per-template derived data, keyed by the (frozen, replaced-on-write) template object. */
interface TemplateInfo {
  hash: string;
  tolerations: Toleration[];
  affinity: ReturnType<typeof requiredNodeAffinity>;
}
const templateInfos = new WeakMap<object, TemplateInfo>();

function templateInfo(ds: DaemonSetObj): TemplateInfo {
  const template: PodTemplateSpec = ds.spec?.template ?? {};
  let info = templateInfos.get(template);
  if (!info) {
    info = {
      hash: computeHash(template, ds.status?.collisionCount),
      tolerations: daemonPodTolerations(template.spec),
      affinity: requiredNodeAffinity({ spec: template.spec ?? { containers: [] } }),
    };
    templateInfos.set(template, info);
  }
  return info;
}

/** util.GetTemplateGeneration (falling back to metadata.generation, see the header). */
function templateGeneration(ds: DaemonSetObj): string {
  return (
    ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION] ?? String(ds.metadata.generation ?? 1)
  );
}

/** util.IsPodUpdated: the pod carries the current hash or the current template generation. */
function isPodUpdated(pod: PodObj, hash: string, generation: string): boolean {
  const labels = pod.metadata.labels ?? {};
  return (
    labels[CONTROLLER_REVISION_HASH_LABEL] === hash ||
    labels[POD_TEMPLATE_GENERATION_LABEL] === generation
  );
}

/**
 * NodeShouldRunDaemonPod: [shouldRun, shouldContinueRunning]. Taints include the ones the node
 * lifecycle controller sets for the node's conditions and cordon (effectiveTaints).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSetObj): [boolean, boolean] {
  const name = node.metadata?.name ?? '';
  const tmplNodeName = ds.spec?.template?.spec?.nodeName;
  if (tmplNodeName && tmplNodeName !== name) return [false, false];
  const info = templateInfo(ds);
  if (!matchRequiredNodeAffinity(info.affinity, node.metadata?.labels ?? {}, name))
    return [false, false];
  const taints = effectiveTaints(node);
  if (untoleratedTaint(taints, info.tolerations)) {
    const noExecute = taints.filter((t) => t.effect === 'NoExecute');
    return [false, untoleratedTaint(noExecute, info.tolerations) === undefined];
  }
  return [true, true];
}

/** podByCreationTimestampAndPhase: bound pods first, then oldest, then by name. */
function podByCreation(a: PodObj, b: PodObj): number {
  const aBound = !!a.spec?.nodeName;
  const bBound = !!b.spec?.nodeName;
  if (aBound !== bBound) return aBound ? -1 : 1;
  const ta = parseTimestamp(a.metadata.creationTimestamp ?? '');
  const tb = parseTimestamp(b.metadata.creationTimestamp ?? '');
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta - tb;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** intstr.GetScaledValueFromIntOrPercent (rounding up). */
function scaledValue(v: number | string | undefined, total: number, fallback: number): number {
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (m) return Math.ceil((Number(m[1]) * total) / 100);
  const n = Number.parseInt(v, 10);
  return Number.isNaN(n) ? fallback : n;
}

interface DsContext {
  ctx: ClusterContext;
  recorder: EventRecorder;
  /** failedPodsBackoff: `<ds uid>/<node>` → current delay and when it was last bumped. */
  failedBackoff: Map<string, { delay: number; last: number }>;
  enqueueAfter(key: string, ms: number): void;
}

export function startDaemonSetController(ctx: ClusterContext): void {
  const { store } = ctx;
  const c = ctx.newController(DAEMONSET_CONTROLLER);
  const dsc: DsContext = {
    ctx,
    recorder: ctx.events.newRecorder({ component: DAEMONSET_CONTROLLER }),
    failedBackoff: new Map(),
    enqueueAfter: (key, ms) => c.enqueueAfter(key, ms),
  };
  const allDaemonSets = (): string[] => store.list('DaemonSet').map(keyFor);

  c.watch('DaemonSet', (ev) => {
    // Our own status writes need no new sync: only spec (generation) and deletion changes do.
    if (
      ev.type === 'MODIFIED' &&
      ev.old &&
      ev.old.metadata.generation === ev.object.metadata.generation &&
      ev.old.metadata.deletionTimestamp === ev.object.metadata.deletionTimestamp
    ) {
      return undefined;
    }
    return keyFor(ev.object);
  });
  c.watch('Pod', (ev) => {
    const k = ownerKey(ev.object, 'DaemonSet');
    const old = ev.old && ownerKey(ev.old, 'DaemonSet');
    if (!k && !old) return undefined; // most pods: no DaemonSet to wake, nothing to allocate
    const keys: string[] = [];
    if (k) keys.push(k);
    if (old && old !== k) keys.push(old);
    return keys;
  });
  c.watch('Node', (ev) => {
    if (ev.type !== 'MODIFIED' || !ev.old) return allDaemonSets();
    const o = ev.old as NodeObj;
    const n = ev.object as NodeObj;
    // shouldIgnoreNodeUpdate: only labels and taints (incl. condition taints) change eligibility.
    if (
      deepEqual(o.metadata.labels, n.metadata.labels) &&
      deepEqual(effectiveTaints(o), effectiveTaints(n))
    ) {
      return undefined;
    }
    return allDaemonSets();
  });
  c.onReconcile((key) => syncDaemonSet(dsc, key));
  for (const k of allDaemonSets()) c.enqueue(k);
}

/**
 * getNodesToDaemonPods: the DaemonSet's pods grouped by the node they run on or are pinned to.
 * Terminal pods that are already being deleted are left out (nothing more to do with them).
 */
function nodeToDaemonPods(dsc: DsContext, ds: DaemonSetObj): Map<string, PodObj[]> {
  const uid = ds.metadata.uid ?? '';
  const out = new Map<string, PodObj[]>();
  for (const pod of dsc.ctx.store.dependentsOf<PodObj>(uid, 'Pod')) {
    if (controllerOf(pod)?.uid !== uid) continue;
    if (isTerminal(pod) && pod.metadata.deletionTimestamp) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    let list = out.get(node);
    if (!list) out.set(node, (list = []));
    list.push(pod);
  }
  return out;
}

/** Models daemon_controller.go syncDaemonSet: manage, then rollingUpdate, then status. */
export function syncDaemonSet(dsc: DsContext, key: string): ReconcileResult | void {
  const { namespace, name } = splitNsName(key);
  const ds = dsc.ctx.store.get<DaemonSetObj>('DaemonSet', namespace, name);
  if (!ds || ds.metadata.deletionTimestamp) return;
  const nodes = dsc.ctx.store.list<NodeObj>('Node');
  const { hash } = templateInfo(ds);
  const generation = templateGeneration(ds);
  const wrote = manage(dsc, ds, nodes, hash, generation);
  const strategy = ds.spec?.updateStrategy?.type ?? 'RollingUpdate';
  // Upstream waits for its expectations (the creates/deletes above) before rolling.
  if (!wrote && strategy === 'RollingUpdate') rollingUpdate(dsc, ds, nodes, hash, generation);
  return updateDaemonSetStatus(dsc, ds, nodes, hash, generation);
}

/** Models daemon_controller.go manage + podsShouldBeOnNode. Returns true if it wrote anything. */
function manage(
  dsc: DsContext,
  ds: DaemonSetObj,
  nodes: readonly NodeObj[],
  hash: string,
  generation: string,
): boolean {
  const byNode = nodeToDaemonPods(dsc, ds);
  const create: string[] = [];
  const del: Array<{ pod: PodObj; force: boolean }> = [];
  const now = dsc.ctx.clock.now();
  const dsKey = keyFor(ds);
  for (const node of nodes) {
    const nodeName = node.metadata.name ?? '';
    const [shouldRun, shouldContinueRunning] = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(nodeName);
    if (shouldRun && !pods) {
      create.push(nodeName);
    } else if (shouldContinueRunning) {
      const running: PodObj[] = [];
      for (const pod of pods ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        if (pod.status?.phase === 'Failed') {
          // Failed pods are deleted so they can be replaced, with back-off against a kubelet
          // that keeps rejecting them.
          const bk = `${ds.metadata.uid ?? ''}/${nodeName}`;
          const b = dsc.failedBackoff.get(bk);
          if (b && now < b.last + b.delay) {
            dsc.enqueueAfter(dsKey, b.last + b.delay - now);
            continue;
          }
          const delay =
            b && now - b.last <= 2 * FAILED_POD_BACKOFF_MAX_MS
              ? Math.min(b.delay * 2, FAILED_POD_BACKOFF_MAX_MS)
              : FAILED_POD_BACKOFF_MS;
          dsc.failedBackoff.set(bk, { delay, last: now });
          dsc.recorder.event(
            ds,
            'Warning',
            'FailedDaemonPod',
            `Found failed daemon pod ${pod.metadata.namespace ?? ''}/${pod.metadata.name ?? ''} on node ${nodeName}, will try to kill it`,
          );
          del.push({ pod, force: false });
        } else if (pod.status?.phase === 'Succeeded') {
          del.push({ pod, force: false });
        } else {
          running.push(pod);
        }
      }
      // Without surge, keep only the oldest of several pods on one node.
      if (running.length > 1) {
        running.sort(podByCreation);
        for (const extra of running.slice(1)) del.push({ pod: extra, force: false });
      }
    } else if (pods) {
      for (const pod of pods) if (!pod.metadata.deletionTimestamp) del.push({ pod, force: false });
    }
  }
  // Pods for nodes that no longer exist: unscheduled ones are ours to delete (getUnscheduled-
  // PodsWithoutNode); bound ones are the pod GC's, done here with its grace period of 0.
  const existing = new Set(nodes.map((n) => n.metadata.name ?? ''));
  for (const [nodeName, pods] of byNode) {
    if (existing.has(nodeName)) continue;
    for (const pod of pods) {
      if (!pod.spec?.nodeName) {
        if (!pod.metadata.deletionTimestamp) del.push({ pod, force: false });
      } else del.push({ pod, force: true });
    }
  }
  syncNodes(dsc, ds, del, create, hash, generation);
  return create.length > 0 || del.length > 0;
}

/**
 * util.CreatePodTemplate + controller.GetPodFromTemplate: the pod for one node, with the
 * DaemonSet tolerations, revision labels, owner reference and node pinning.
 */
export function newDaemonPod(
  ds: DaemonSetObj,
  nodeName: string,
  hash: string,
  generation: string,
): PodObj {
  const template: PodTemplateSpec = deepClone(ds.spec?.template ?? {});
  const spec: PodSpec = template.spec ?? { containers: [] };
  spec.tolerations = daemonPodTolerations(spec);
  spec.affinity = replaceNodeNameAffinity(spec.affinity, nodeName);
  const ref = newControllerRef(ds);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name ?? ''}-`,
      namespace: ds.metadata.namespace ?? 'default',
      labels: {
        ...template.metadata?.labels,
        [POD_TEMPLATE_GENERATION_LABEL]: generation,
        [CONTROLLER_REVISION_HASH_LABEL]: hash,
      },
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ownerReferences: [ref],
    },
    spec,
  };
}

/** Models daemon_controller.go syncNodes: delete, then create, with an event for each. */
function syncNodes(
  dsc: DsContext,
  ds: DaemonSetObj,
  del: ReadonlyArray<{ pod: PodObj; force: boolean }>,
  create: readonly string[],
  hash: string,
  generation: string,
): void {
  const { store } = dsc.ctx;
  let firstError: unknown;
  for (const { pod, force } of del) {
    const name = pod.metadata.name ?? '';
    try {
      store.delete('Pod', pod.metadata.namespace, name, {
        actor: DAEMONSET_CONTROLLER,
        ...(force ? { gracePeriodSeconds: 0 } : {}),
      });
      dsc.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (e) {
      if (isApiError(e) && e.reason === 'NotFound') continue;
      dsc.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${errText(e)}`);
      firstError ??= e;
    }
  }
  for (const nodeName of create) {
    try {
      const created = store.create(newDaemonPod(ds, nodeName, hash, generation), {
        actor: DAEMONSET_CONTROLLER,
      });
      dsc.recorder.event(
        ds,
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${created.metadata.name ?? ''}`,
      );
    } catch (e) {
      dsc.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${errText(e)}`);
      firstError ??= e;
    }
  }
  if (firstError !== undefined) throw firstError; // the runner requeues with back-off
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The number of nodes that should run the daemon pod (updatedDesiredNodeCounts). */
function desiredNumber(ds: DaemonSetObj, nodes: readonly NodeObj[]): number {
  let n = 0;
  for (const node of nodes) if (nodeShouldRunDaemonPod(node, ds)[0]) n++;
  return n;
}

/**
 * Models update.go rollingUpdate (the maxSurge = 0 branch). Returns true if it deleted pods.
 */
function rollingUpdate(
  dsc: DsContext,
  ds: DaemonSetObj,
  nodes: readonly NodeObj[],
  hash: string,
  generation: string,
): boolean {
  const now = dsc.ctx.clock.now();
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const desired = desiredNumber(ds, nodes);
  let maxUnavailable = scaledValue(
    ds.spec?.updateStrategy?.rollingUpdate?.maxUnavailable,
    desired,
    1,
  );
  if (maxUnavailable <= 0) maxUnavailable = 1;
  const byNode = nodeToDaemonPods(dsc, ds);
  // Walk nodes in the node list's order (upstream walks a Go map: any order).
  const order = [
    ...nodes.map((n) => n.metadata.name ?? '').filter((n) => byNode.has(n)),
    ...[...byNode.keys()].filter((n) => !nodes.some((x) => x.metadata.name === n)),
  ];
  let numUnavailable = 0;
  const allowedReplacement: PodObj[] = [];
  const candidates: PodObj[] = [];
  for (const nodeName of order) {
    // findUpdatedPodsOnNode: at most one new and one old live pod, else let manage clean up.
    let newPod: PodObj | undefined;
    let oldPod: PodObj | undefined;
    let ok = true;
    for (const pod of byNode.get(nodeName) ?? []) {
      if (pod.metadata.deletionTimestamp) continue;
      if (isPodUpdated(pod, hash, generation)) {
        if (newPod) ok = false;
        newPod = pod;
      } else {
        if (oldPod) ok = false;
        oldPod = pod;
      }
    }
    if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
      numUnavailable++;
      continue;
    }
    if (newPod) {
      if (!isPodAvailable(newPod, minReady, now)) numUnavailable++;
      continue;
    }
    if (!oldPod) continue;
    if (!isPodAvailable(oldPod, minReady, now)) allowedReplacement.push(oldPod);
    else if (numUnavailable < maxUnavailable) candidates.push(oldPod);
  }
  const remaining = Math.max(0, Math.min(maxUnavailable - numUnavailable, candidates.length));
  const toDelete = [...allowedReplacement, ...candidates.slice(0, remaining)];
  if (toDelete.length === 0) return false;
  syncNodes(
    dsc,
    ds,
    toDelete.map((pod) => ({ pod, force: false })),
    [],
    hash,
    generation,
  );
  return true;
}

/** Models daemon_controller.go updateDaemonSetStatus (+ storeDaemonSetStatus). */
function updateDaemonSetStatus(
  dsc: DsContext,
  ds: DaemonSetObj,
  nodes: readonly NodeObj[],
  hash: string,
  generation: string,
): ReconcileResult | void {
  const { store, clock } = dsc.ctx;
  const now = clock.now();
  const minReady = ds.spec?.minReadySeconds ?? 0;
  const byNode = nodeToDaemonPods(dsc, ds);
  let desired = 0;
  let current = 0;
  let ready = 0;
  let available = 0;
  let updated = 0;
  let misscheduled = 0;
  let nextAvailable: number | undefined;
  for (const node of nodes) {
    const [shouldRun] = nodeShouldRunDaemonPod(node, ds);
    const pods = byNode.get(node.metadata.name ?? '');
    if (shouldRun) {
      desired++;
      if (!pods || pods.length === 0) continue;
      current++;
      const pod = [...pods].sort(podByCreation)[0] as PodObj;
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
        else {
          const at = podAvailableAt(pod, minReady);
          if (at !== undefined && (nextAvailable === undefined || at < nextAvailable))
            nextAvailable = at;
        }
      }
      if (isPodUpdated(pod, hash, generation)) updated++;
    } else if (pods && pods.length > 0) {
      misscheduled++;
    }
  }
  const status: DaemonSetStatus = {
    ...(ds.status?.collisionCount !== undefined
      ? { collisionCount: ds.status.collisionCount }
      : {}),
    ...(ds.status?.conditions ? { conditions: ds.status.conditions } : {}),
    currentNumberScheduled: current,
    desiredNumberScheduled: desired,
    numberAvailable: available,
    numberMisscheduled: misscheduled,
    numberReady: ready,
    observedGeneration: ds.metadata.generation ?? 1,
    updatedNumberScheduled: updated,
    ...(desired - available > 0 ? { numberUnavailable: desired - available } : {}),
  };
  if (!deepEqual(status, ds.status)) {
    store.updateStatus({ ...ds, status }, { actor: DAEMONSET_CONTROLLER });
  }
  if (nextAvailable !== undefined) return { requeueAfter: Math.max(1, nextAvailable - now) };
}
