/**
 * Deployments and ReplicaSets in the inspector: replica counts (as `kubectl describe` prints
 * them), revision, rollout strategy, images, conditions, and the chain of ownership
 * Deployment → ReplicaSets → Pods, each entry a link to inspect it. Other pod controllers
 * (DaemonSet, StatefulSet, Job) get their pods too.
 */
import type { Deployment, ReplicaSet, ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { KObject } from '../../engine';
import { ageOf, podStatusColumns } from '../../engine';
import type { Block, Field, Item, SectionInput } from './model';
import { cell, field, mapChips, podStatusTone, refTo } from './model';
import { conditionCell, controllerCell } from './pod-sections';
import { byNamespaceName, controlledBy } from './snapshot';

type StoredDeployment = Deployment & KObject;
type StoredReplicaSet = ReplicaSet & KObject;

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const MAX_PODS = 100;

export function revisionOf(obj: KObject): number {
  const r = Number(obj.metadata.annotations?.[REVISION_ANNOTATION]);
  return Number.isFinite(r) ? r : 0;
}

/** `app=httpd2` for matchLabels, with matchExpressions as `key in (a,b)` (formatLabelSelector). */
export function selectorText(s: LabelSelector | undefined): string {
  if (!s) return '<none>';
  const parts = mapChips(s.matchLabels);
  for (const e of s.matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    switch (e.operator) {
      case 'In':
        parts.push(`${e.key} in (${values})`);
        break;
      case 'NotIn':
        parts.push(`${e.key} notin (${values})`);
        break;
      case 'Exists':
        parts.push(e.key);
        break;
      case 'DoesNotExist':
        parts.push(`!${e.key}`);
        break;
      default:
        parts.push(`${e.key} ${e.operator} (${values})`);
    }
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}

function imagesOf(template: PodTemplateSpec | undefined): string {
  return (template?.spec?.containers ?? []).map((c) => c.image ?? '').join(', ');
}

/** intstr: `25%` or `1`. */
const intOrString = (v: number | string | undefined, dflt: string): string =>
  v === undefined ? dflt : String(v);

/** Green when the rollout is complete, blue while it progresses, amber when replicas are missing. */
function replicasTone(
  desired: number,
  updated = 0,
  total = 0,
  available = 0,
): 'ok' | 'info' | 'warn' {
  if (available < desired) return 'warn';
  return updated === desired && total === desired ? 'ok' : 'info';
}

export function deploymentSummaryBlocks(input: SectionInput): Block[] {
  const d = input.obj as StoredDeployment;
  const spec = d.spec;
  const status = d.status ?? {};
  const desired = spec?.replicas ?? 1;
  const available = status.availableReplicas ?? 0;
  const fields: Field[] = [
    field(
      'Replicas',
      cell(
        `${desired} desired | ${status.updatedReplicas ?? 0} updated | ${status.replicas ?? 0} total | ` +
          `${available} available | ${status.unavailableReplicas ?? 0} unavailable`,
        { tone: replicasTone(desired, status.updatedReplicas, status.replicas, available) },
      ),
    ),
    field('Revision', String(revisionOf(d) || '<none>')),
  ];
  const strategy = spec?.strategy?.type ?? 'RollingUpdate';
  const ru = spec?.strategy?.rollingUpdate;
  fields.push(
    field(
      'Strategy',
      strategy === 'RollingUpdate'
        ? `RollingUpdate: ${intOrString(ru?.maxUnavailable, '25%')} max unavailable, ${intOrString(ru?.maxSurge, '25%')} max surge`
        : strategy,
    ),
  );
  if (spec?.minReadySeconds) fields.push(field('Min ready', `${spec.minReadySeconds}s`));
  fields.push(field('Selector', cell(selectorText(spec?.selector), { mono: true })));
  fields.push(field('Images', cell(imagesOf(spec?.template), { mono: true })));
  if (spec?.paused) fields.push(field('Paused', cell('true', { tone: 'warn' })));
  const blocks: Block[] = [{ type: 'fields', fields }];
  const conditions = status.conditions ?? [];
  if (conditions.length > 0) {
    blocks.push({
      type: 'table',
      label: 'Deployment conditions',
      columns: ['Type', 'Status', 'Reason'],
      rows: conditions.map((c) => [
        cell(c.type),
        conditionCell(c.status, c.status === 'True'),
        cell(c.reason ?? '', { tone: 'muted', ...(c.message ? { title: c.message } : {}) }),
      ]),
    });
  }
  return blocks;
}

/** The Deployment's ReplicaSets, newest revision first. */
export function replicaSetsOf(input: SectionInput): StoredReplicaSet[] {
  const uid = input.obj.metadata.uid ?? '';
  return (
    controlledBy(
      input.objects,
      'ReplicaSet',
      input.obj.metadata.namespace,
      new Set([uid]),
    ) as StoredReplicaSet[]
  ).sort((a, b) => revisionOf(b) - revisionOf(a) || byNamespaceName(a, b));
}

export function deploymentReplicaSetBlocks(input: SectionInput): Block[] {
  const sets = replicaSetsOf(input);
  if (sets.length === 0) return [{ type: 'note', text: 'No ReplicaSets yet.' }];
  const current = revisionOf(input.obj);
  const items: Item[] = sets.map((rs) => {
    const isNew = revisionOf(rs) === current;
    const desired = rs.spec?.replicas ?? 1;
    const ready = rs.status?.readyReplicas ?? 0;
    return {
      key: rs.metadata.uid ?? rs.metadata.name ?? '',
      title: cell(rs.metadata.name ?? '', { ref: refTo(rs) }),
      subtitle: `revision ${revisionOf(rs)}`,
      badges: [
        cell(isNew ? 'new' : 'old', { tone: isNew ? 'info' : 'muted' }),
        cell(`${ready}/${desired} ready`, {
          tone: ready >= desired ? (desired === 0 ? 'muted' : 'ok') : 'warn',
        }),
      ],
      fields: [
        field(
          'Replicas',
          `${rs.status?.replicas ?? 0} current / ${desired} desired, ${rs.status?.availableReplicas ?? 0} available`,
        ),
        field('Images', cell(imagesOf(rs.spec?.template), { mono: true })),
        field('Age', ageOf(rs.metadata.creationTimestamp, input.now)),
      ],
    };
  });
  return [{ type: 'items', label: 'ReplicaSets', items }];
}

export function replicaSetSummaryBlocks(input: SectionInput): Block[] {
  const rs = input.obj as StoredReplicaSet;
  const status: Partial<ReplicaSetStatus> = rs.status ?? {};
  const desired = rs.spec?.replicas ?? 1;
  const fields: Field[] = [
    field(
      'Replicas',
      cell(
        `${status.replicas ?? 0} current / ${desired} desired, ${status.readyReplicas ?? 0} ready, ` +
          `${status.availableReplicas ?? 0} available`,
        { tone: (status.readyReplicas ?? 0) >= desired ? 'ok' : 'warn' },
      ),
    ),
  ];
  const owner = controllerCell(input);
  if (owner) fields.push(field('Controlled by', owner));
  const revision = revisionOf(rs);
  if (revision) fields.push(field('Revision', String(revision)));
  fields.push(field('Selector', cell(selectorText(rs.spec?.selector), { mono: true })));
  fields.push(field('Images', cell(imagesOf(rs.spec?.template), { mono: true })));
  return [{ type: 'fields', fields }];
}

/** The pods of a pod controller; for a Deployment, the pods of all its ReplicaSets. */
export function controllerPodBlocks(input: SectionInput): Block[] {
  const owners =
    input.obj.kind === 'Deployment'
      ? replicaSetsOf(input).map((rs) => rs.metadata.uid ?? '')
      : [input.obj.metadata.uid ?? ''];
  const pods = controlledBy(
    input.objects,
    'Pod',
    input.obj.metadata.namespace,
    new Set(owners),
  ).sort(byNamespaceName);
  if (pods.length === 0) return [{ type: 'note', text: 'No pods.' }];
  const items: Item[] = pods.slice(0, MAX_PODS).map((p) => {
    const cols = podStatusColumns(p as Parameters<typeof podStatusColumns>[0], input.now);
    const node = (p.spec as { nodeName?: string } | undefined)?.nodeName;
    return {
      key: p.metadata.uid ?? p.metadata.name ?? '',
      title: cell(p.metadata.name ?? '', { ref: refTo(p) }),
      ...(node ? { subtitle: node } : {}),
      badges: [
        cell(cols.status, { tone: podStatusTone(cols.status) }),
        cell(cols.ready, { tone: 'muted' }),
      ],
      fields: [],
    };
  });
  return [
    {
      type: 'items',
      label: 'Pods',
      items,
      ...(pods.length > MAX_PODS ? { more: pods.length - MAX_PODS } : {}),
    },
  ];
}
