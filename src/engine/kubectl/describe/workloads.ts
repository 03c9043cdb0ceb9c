/**
 * `kubectl describe deployment | replicaset | daemonset`.
 *
 * Models kubectl 1.30 pkg/describe/describe.go describeDeployment, printReplicaSetsByLabels,
 * describeReplicaSet, describeDaemonSet and getPodStatusForController, with
 * pkg/util/deployment GetAllReplicaSets (the ReplicaSets a Deployment controls, sorted by
 * creation time; the new one is the oldest whose template matches the Deployment's ignoring the
 * pod-template-hash label; every other one is an old one, even when scaled to zero).
 */
import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector } from '../../api/selectors';
import type { KObject } from '../../api/types';
import type { ReplicaSetObj } from '../../controllers/deployment/util';
import { byCreationTimestamp, findNewReplicaSet } from '../../controllers/deployment/util';
import type { DescribeContext } from './context';
import { describeEvents, eventsFor } from './events';
import {
  controllerString,
  formatLabels,
  formatLabelSelector,
  intOrString,
  printAnnotationsMultiline,
  printLabelsMultiline,
  rfc1123z,
  selectorString,
} from './format';
import { describePodTemplate } from './pod';
import type { StoredPod } from './pod';
import { LEVEL_0, LEVEL_1, tabbedString } from './prefix-writer';

type StoredDeployment = Deployment & KObject;
type StoredReplicaSet = ReplicaSet & KObject;
type StoredDaemonSet = DaemonSet & KObject;

/** The objects of `kind` whose controller reference is `owner` and that its selector matches. */
function controlledBy<T extends KObject>(
  ctx: DescribeContext,
  owner: KObject,
  kind: string,
  selector: LabelSelector | undefined,
): T[] {
  const sel = fromLabelSelector(selector);
  const uid = owner.metadata.uid ?? '';
  return ctx.store
    .dependentsOf<T>(uid, kind)
    .filter(
      (o) =>
        o.metadata.namespace === owner.metadata.namespace &&
        o.metadata.ownerReferences?.some((r) => r.controller === true && r.uid === uid) === true &&
        sel.matches(o.metadata.labels),
    );
}

// Models describe.go DeploymentDescriber.Describe + describeDeployment.
export function describeDeployment(obj: KObject, ctx: DescribeContext): string {
  const d = obj as StoredDeployment;
  const spec = d.spec;
  const status = d.status ?? {};
  const rsList = controlledBy<StoredReplicaSet>(ctx, d, 'ReplicaSet', spec?.selector).sort(
    byCreationTimestamp,
  );
  const newRS = findNewReplicaSet(d, rsList as unknown as ReplicaSetObj[]) as
    StoredReplicaSet | undefined;
  const oldRSs = rsList.filter((rs) => rs !== newRS);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${d.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${d.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(d.metadata.creationTimestamp)}\n`);
    printLabelsMultiline(w, 'Labels', d.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', d.metadata.annotations);
    w.write(LEVEL_0, `Selector:\t${selectorString(spec?.selector)}\n`);
    w.write(
      LEVEL_0,
      `Replicas:\t${spec?.replicas ?? 1} desired | ${status.updatedReplicas ?? 0} updated | ` +
        `${status.replicas ?? 0} total | ${status.availableReplicas ?? 0} available | ` +
        `${status.unavailableReplicas ?? 0} unavailable\n`,
    );
    w.write(LEVEL_0, `StrategyType:\t${spec?.strategy?.type ?? ''}\n`);
    w.write(LEVEL_0, `MinReadySeconds:\t${spec?.minReadySeconds ?? 0}\n`);
    const ru = spec?.strategy?.rollingUpdate;
    if (ru) {
      w.write(
        LEVEL_0,
        `RollingUpdateStrategy:\t${intOrString(ru.maxUnavailable)} max unavailable, ` +
          `${intOrString(ru.maxSurge)} max surge\n`,
      );
    }
    describePodTemplate(spec?.template, w);
    if (status.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
      w.write(LEVEL_1, '----\t------\t------\n');
      for (const c of status.conditions)
        w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
    }
    if (oldRSs.length > 0 || newRS) {
      w.write(LEVEL_0, `OldReplicaSets:\t${replicaSetsList(oldRSs)}\n`);
      w.write(LEVEL_0, `NewReplicaSet:\t${replicaSetsList(newRS ? [newRS] : [])}\n`);
    }
    if (ctx.showEvents) describeEvents(eventsFor(d, ctx), w, ctx.now);
  });
}

/** printReplicaSetsByLabels: `name (status.replicas/spec.replicas replicas created), ...`. */
function replicaSetsList(rss: readonly StoredReplicaSet[]): string {
  const list = rss
    .map(
      (rs) =>
        `${rs.metadata.name ?? ''} (${rs.status?.replicas ?? 0}/${rs.spec?.replicas ?? 1} replicas created)`,
    )
    .join(', ');
  return list === '' ? '<none>' : list;
}

/** getPodStatusForController: the controller's pods counted by phase. */
function podPhases(
  ctx: DescribeContext,
  owner: KObject,
  selector: LabelSelector | undefined,
): { running: number; waiting: number; succeeded: number; failed: number } {
  const n = { running: 0, waiting: 0, succeeded: 0, failed: 0 };
  for (const pod of controlledBy<StoredPod>(ctx, owner, 'Pod', selector)) {
    switch (pod.status?.phase) {
      case 'Running':
        n.running++;
        break;
      case 'Pending':
        n.waiting++;
        break;
      case 'Succeeded':
        n.succeeded++;
        break;
      case 'Failed':
        n.failed++;
        break;
    }
  }
  return n;
}

// Models describe.go ReplicaSetDescriber.Describe + describeReplicaSet.
export function describeReplicaSet(obj: KObject, ctx: DescribeContext): string {
  const rs = obj as StoredReplicaSet;
  const p = podPhases(ctx, rs, rs.spec?.selector);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${rs.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${rs.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${formatLabelSelector(rs.spec?.selector)}\n`);
    printLabelsMultiline(w, 'Labels', rs.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', rs.metadata.annotations);
    const controlled = controllerString(rs.metadata);
    if (controlled) w.write(LEVEL_0, `Controlled By:\t${controlled}\n`);
    w.write(
      LEVEL_0,
      `Replicas:\t${rs.status?.replicas ?? 0} current / ${rs.spec?.replicas ?? 1} desired\n`,
    );
    w.write(LEVEL_0, 'Pods Status:\t');
    w.write(
      LEVEL_0,
      `${p.running} Running / ${p.waiting} Waiting / ${p.succeeded} Succeeded / ${p.failed} Failed\n`,
    );
    describePodTemplate(rs.spec?.template, w);
    if (rs.status?.conditions?.length) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\tReason\n');
      w.write(LEVEL_1, '----\t------\t------\n');
      for (const c of rs.status.conditions)
        w.write(LEVEL_1, `${c.type} \t${c.status}\t${c.reason ?? ''}\n`);
    }
    if (ctx.showEvents) describeEvents(eventsFor(rs, ctx), w, ctx.now);
  });
}

// Models describe.go DaemonSetDescriber.Describe + describeDaemonSet.
export function describeDaemonSet(obj: KObject, ctx: DescribeContext): string {
  const ds = obj as StoredDaemonSet;
  const s = ds.status;
  const p = podPhases(ctx, ds, ds.spec?.selector);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${ds.metadata.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${ds.metadata.namespace ?? ''}\n`);
    w.write(LEVEL_0, `Selector:\t${selectorString(ds.spec?.selector)}\n`);
    w.write(LEVEL_0, `Node-Selector:\t${nodeSelectorString(ds)}\n`);
    printLabelsMultiline(w, 'Labels', ds.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', ds.metadata.annotations);
    w.write(LEVEL_0, `Desired Number of Nodes Scheduled: ${s?.desiredNumberScheduled ?? 0}\n`);
    w.write(LEVEL_0, `Current Number of Nodes Scheduled: ${s?.currentNumberScheduled ?? 0}\n`);
    w.write(
      LEVEL_0,
      `Number of Nodes Scheduled with Up-to-date Pods: ${s?.updatedNumberScheduled ?? 0}\n`,
    );
    w.write(LEVEL_0, `Number of Nodes Scheduled with Available Pods: ${s?.numberAvailable ?? 0}\n`);
    w.write(LEVEL_0, `Number of Nodes Misscheduled: ${s?.numberMisscheduled ?? 0}\n`);
    w.write(
      LEVEL_0,
      `Pods Status:\t${p.running} Running / ${p.waiting} Waiting / ${p.succeeded} Succeeded / ${p.failed} Failed\n`,
    );
    describePodTemplate(ds.spec?.template, w);
    if (ctx.showEvents) describeEvents(eventsFor(ds, ctx), w, ctx.now);
  });
}

/** labels.FormatLabels of the template's nodeSelector: `<none>` when it has none. */
function nodeSelectorString(ds: StoredDaemonSet): string {
  return formatLabels(ds.spec?.template?.spec?.nodeSelector);
}
