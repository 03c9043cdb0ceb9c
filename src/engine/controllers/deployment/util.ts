/**
 * Pure helpers of the deployment controller, as upstream keeps them in
 * pkg/controller/deployment/util/deployment_util.go: revisions and their annotations, template
 * equality ignoring the hash label, the surge/unavailable fence-posts, replica arithmetic,
 * proportional scaling and the Deployment conditions. No store access here, so kubectl (rollout
 * history/undo/status) can reuse the same functions.
 *
 * The apps/v1 defaults (SetDefaults_Deployment: replicas 1, RollingUpdate 25%/25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600) are applied by the readers below when a
 * field is absent, so the controller behaves like upstream even on an object the API server did
 * not default.
 */
import type {
  Deployment,
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSet,
  ReplicaSetStatus,
} from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { formatTimestamp, parseTimestamp } from '../../sim/clock';
import { POD_TEMPLATE_HASH_LABEL, isUnset } from '../pod-template-hash';

// ---------------------------------------------------------------- types

/** A Deployment as the controller handles it: a KObject whose status it may replace. */
export type DeploymentObj = Omit<Deployment, 'status' | 'metadata'> &
  KObject & { status?: DeploymentStatus };
/** A ReplicaSet as the controllers handle it. */
export type ReplicaSetObj = Omit<ReplicaSet, 'status' | 'metadata'> &
  KObject & { status?: ReplicaSetStatus };

export type IntOrString = number | string;

// ---------------------------------------------------------------- constants

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** The annotation that round-tripped extensions/v1beta1's spec.rollbackTo. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/** Condition reasons, as util/deployment_util.go names them. */
export const REASON = {
  /** Progressing True: the new ReplicaSet gained or old ones lost replicas. */
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  /** Progressing False: the new ReplicaSet could not be created. */
  FailedRSCreate: 'ReplicaSetCreateError',
  /** Progressing True: a new ReplicaSet was created. */
  NewReplicaSet: 'NewReplicaSetCreated',
  /** Progressing True: an existing ReplicaSet matches the template. */
  FoundNewRS: 'FoundNewReplicaSet',
  /** Progressing True: the rollout is complete. */
  NewRSAvailable: 'NewReplicaSetAvailable',
  /** Progressing False: no progress for progressDeadlineSeconds. */
  TimedOut: 'ProgressDeadlineExceeded',
  /** Progressing Unknown: spec.paused was set. */
  PausedDeploy: 'DeploymentPaused',
  /** Progressing Unknown: spec.paused was cleared. */
  ResumedDeploy: 'DeploymentResumed',
  /** Available True. */
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  /** Available False. */
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** math.MaxInt32: revisionHistoryLimit / progressDeadlineSeconds meaning "no limit". */
export const MAX_INT32 = 2147483647;

/** Limit of the revision-history annotation (sync.go maxRevHistoryLengthInChars). */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Annotations never copied from a Deployment to its ReplicaSets (annotationsToSkip). */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

// ---------------------------------------------------------------- spec readers (with defaults)

/** spec.replicas (default 1). */
export function desiredReplicas(d: DeploymentObj): number {
  return d.spec?.replicas ?? 1;
}

/** A ReplicaSet's spec.replicas (default 1, as the API server defaults it). */
export function rsReplicas(rs: ReplicaSetObj): number {
  return rs.spec?.replicas ?? 1;
}

export function strategyType(d: DeploymentObj): 'RollingUpdate' | 'Recreate' {
  return d.spec?.strategy?.type === 'Recreate' ? 'Recreate' : 'RollingUpdate';
}

export function isRollingUpdate(d: DeploymentObj): boolean {
  return strategyType(d) === 'RollingUpdate';
}

/** The raw maxSurge / maxUnavailable (default 25% each) of a RollingUpdate Deployment. */
export function rollingParams(d: DeploymentObj): {
  maxSurge: IntOrString;
  maxUnavailable: IntOrString;
} {
  const ru = d.spec?.strategy?.rollingUpdate;
  return { maxSurge: ru?.maxSurge ?? '25%', maxUnavailable: ru?.maxUnavailable ?? '25%' };
}

export function minReadySeconds(d: { spec?: { minReadySeconds?: number } }): number {
  return d.spec?.minReadySeconds ?? 0;
}

export function revisionHistoryLimit(d: DeploymentObj): number {
  return d.spec?.revisionHistoryLimit ?? 10;
}

/** HasRevisionHistoryLimit: MaxInt32 means keep every old ReplicaSet. */
export function hasRevisionHistoryLimit(d: DeploymentObj): boolean {
  return revisionHistoryLimit(d) !== MAX_INT32;
}

export function progressDeadlineSeconds(d: DeploymentObj): number {
  return d.spec?.progressDeadlineSeconds ?? 600;
}

/** HasProgressDeadline: MaxInt32 means no deadline (and no Progressing condition). */
export function hasProgressDeadline(d: DeploymentObj): boolean {
  return progressDeadlineSeconds(d) !== MAX_INT32;
}

// ---------------------------------------------------------------- fence-posts

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is; "N%" of total, rounded up or down.
 * A string that is not a percentage is an error upstream (validation rejects it); here it is 0.
 */
export function getScaledValueFromIntOrPercent(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (v === undefined) return 0;
  if (typeof v === 'number') return Math.trunc(v);
  const percent = parsePercent(v);
  if (percent === undefined) return 0;
  const scaled = (percent * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The N of an "N%" string, remembered (a sync asks for maxSurge and maxUnavailable often). */
const percents = new Map<string, number | undefined>();

function parsePercent(v: string): number | undefined {
  if (percents.has(v)) return percents.get(v);
  const m = /^([+-]?\d+)%$/.exec(v.trim());
  const n = m ? Number(m[1]) : undefined;
  if (percents.size >= 1024) percents.clear();
  percents.set(v, n);
  return n;
}

/**
 * Models util/deployment_util.go ResolveFenceposts: [surge, unavailable] for `desired` replicas.
 * Surge rounds up, unavailable rounds down; if both come out 0, unavailable becomes 1 (so a
 * rollout can always make progress).
 */
export function resolveFenceposts(
  maxSurge: IntOrString | undefined,
  maxUnavailable: IntOrString | undefined,
  desired: number,
): [surge: number, unavailable: number] {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

/** MaxSurge: 0 unless RollingUpdate. */
export function maxSurge(d: DeploymentObj): number {
  if (!isRollingUpdate(d)) return 0;
  const p = rollingParams(d);
  return resolveFenceposts(p.maxSurge, p.maxUnavailable, desiredReplicas(d))[0];
}

/** MaxUnavailable: 0 unless RollingUpdate with replicas > 0; never more than replicas. */
export function maxUnavailable(d: DeploymentObj): number {
  const replicas = desiredReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const p = rollingParams(d);
  const u = resolveFenceposts(p.maxSurge, p.maxUnavailable, replicas)[1];
  return Math.min(u, replicas);
}

/**
 * Models util/deployment_util.go NewRSNewReplicas: how big the new ReplicaSet may be now.
 * RollingUpdate: grow while the sum of all ReplicaSets' spec.replicas stays within
 * desired + maxSurge, never past desired. Recreate: desired at once.
 */
export function newRSNewReplicas(
  d: DeploymentObj,
  allRSs: readonly ReplicaSetObj[],
  newRS: ReplicaSetObj,
): number {
  const desired = desiredReplicas(d);
  if (!isRollingUpdate(d)) return desired;
  const surge = getScaledValueFromIntOrPercent(rollingParams(d).maxSurge, desired, true);
  const current = getReplicaCountForReplicaSets(allRSs);
  const maxTotal = desired + surge;
  if (current >= maxTotal) return rsReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, desired - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUp;
}

// ---------------------------------------------------------------- replica counts

/** Sum of spec.replicas. */
export function getReplicaCountForReplicaSets(
  rss: ReadonlyArray<ReplicaSetObj | undefined>,
): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rsReplicas(rs);
  return n;
}

/** Sum of status.replicas (pods that exist and are not terminating). */
export function getActualReplicaCountForReplicaSets(
  rss: ReadonlyArray<ReplicaSetObj | undefined>,
): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.replicas ?? 0;
  return n;
}

export function getReadyReplicaCountForReplicaSets(
  rss: ReadonlyArray<ReplicaSetObj | undefined>,
): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.readyReplicas ?? 0;
  return n;
}

export function getAvailableReplicaCountForReplicaSets(
  rss: ReadonlyArray<ReplicaSetObj | undefined>,
): number {
  let n = 0;
  for (const rs of rss) if (rs) n += rs.status?.availableReplicas ?? 0;
  return n;
}

/** controller.FilterActiveReplicaSets: those with spec.replicas > 0. */
export function filterActiveReplicaSets(
  rss: ReadonlyArray<ReplicaSetObj | undefined>,
): ReplicaSetObj[] {
  const out: ReplicaSetObj[] = [];
  for (let i = 0; i < rss.length; i++) {
    const rs = rss[i];
    if (rs !== undefined && rsReplicas(rs) > 0) out.push(rs);
  }
  return out;
}

// ---------------------------------------------------------------- sorting

function createdAt(o: KObject): number {
  const t = parseTimestamp(o.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** controller.ReplicaSetsByCreationTimestamp: oldest first, name as the tie-breaker. */
export function byCreationTimestamp(a: KObject, b: KObject): number {
  const d = createdAt(a) - createdAt(b);
  if (d !== 0) return d;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: largest first; ties oldest first. */
export function bySizeOlder(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(a, b);
}

/** ReplicaSetsBySizeNewer: largest first; ties newest first. */
export function bySizeNewer(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const d = rsReplicas(b) - rsReplicas(a);
  return d !== 0 ? d : byCreationTimestamp(b, a);
}

/** ReplicaSetsByRevision: lowest revision first; unparsable or equal → by creation time. */
export function byRevision(a: ReplicaSetObj, b: ReplicaSetObj): number {
  const ra = getRevision(a);
  const rb = getRevision(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

// ---------------------------------------------------------------- revisions

/**
 * Models util/deployment_util.go Revision: the `deployment.kubernetes.io/revision` annotation as
 * a number; 0 when absent, undefined when it is not an integer.
 */
export function getRevision(obj: {
  metadata?: { annotations?: Record<string, string> };
}): number | undefined {
  const v = obj.metadata?.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** MaxRevision: the highest revision among the ReplicaSets (unparsable ones are skipped). */
export function maxRevision(rss: ReadonlyArray<ReplicaSetObj | undefined>): number {
  let max = 0;
  for (const rs of rss) {
    if (!rs) continue;
    const v = getRevision(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/**
 * SetDeploymentRevision: write the revision annotation on the Deployment; true if it changed.
 * A working copy that still shares the stored (frozen) metadata gets its own copy of the
 * metadata and annotations first (the same keys in the same order, the revision set).
 */
export function setDeploymentRevision(d: DeploymentObj, revision: string): boolean {
  const cur = d.metadata.annotations;
  if (cur?.[REVISION_ANNOTATION] === revision) return false;
  if (Object.isFrozen(d.metadata) || (cur && Object.isFrozen(cur))) {
    d.metadata = { ...d.metadata, annotations: { ...cur, [REVISION_ANNOTATION]: revision } };
    return true;
  }
  const a = (d.metadata.annotations ??= {});
  a[REVISION_ANNOTATION] = revision;
  return true;
}

// ---------------------------------------------------------------- template equality

/** Semantic equality of JSON values: undefined, null, [] and {} all mean "not set". */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isUnset(a) && isUnset(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!semanticEqual(a[i], bb[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k in ao) if (!semanticEqual(ao[k], bo[k])) return false;
  for (const k in bo) if (!(k in ao) && !isUnset(bo[k])) return false;
  return true;
}

function withoutHashLabel(t: PodTemplateSpec | undefined): PodTemplateSpec {
  const labels = t?.metadata?.labels;
  if (!labels || !(POD_TEMPLATE_HASH_LABEL in labels)) return t ?? {};
  const rest: Record<string, string> = {};
  for (const k in labels) if (k !== POD_TEMPLATE_HASH_LABEL) rest[k] = labels[k]!;
  return { ...t, metadata: { ...t.metadata, labels: rest } };
}

/**
 * Models util/deployment_util.go EqualIgnoreHash: the two pod templates are semantically equal
 * once the pod-template-hash label is removed from both.
 */
export function equalIgnoreHash(
  t1: PodTemplateSpec | undefined,
  t2: PodTemplateSpec | undefined,
): boolean {
  return semanticEqual(withoutHashLabel(t1), withoutHashLabel(t2));
}

/**
 * Models util/deployment_util.go FindNewReplicaSet: the ReplicaSet whose template equals the
 * Deployment's (ignoring the hash label); the oldest wins if several do.
 */
export function findNewReplicaSet(
  d: { spec?: { template?: PodTemplateSpec } },
  rsList: readonly ReplicaSetObj[],
): ReplicaSetObj | undefined {
  const sorted = rsList.length > 1 ? rsList.slice().sort(byCreationTimestamp) : rsList;
  for (let i = 0; i < sorted.length; i++)
    if (templateMatches(sorted[i]!.spec?.template, d.spec?.template)) return sorted[i];
  return undefined;
}

/**
 * Last comparison per ReplicaSet template. Stored objects are frozen and replaced on write, so
 * the same pair of template objects always compares the same; a Deployment sync compares its
 * template with every ReplicaSet's several times, and most syncs change neither.
 */
const matchMemo = new WeakMap<object, { against: object; equal: boolean }>();

function templateMatches(
  rsTemplate: PodTemplateSpec | undefined,
  template: PodTemplateSpec | undefined,
): boolean {
  if (!rsTemplate || !template || !Object.isFrozen(rsTemplate) || !Object.isFrozen(template))
    return equalIgnoreHash(rsTemplate, template);
  const hit = matchMemo.get(rsTemplate);
  if (hit && hit.against === template) return hit.equal;
  const equal = equalIgnoreHash(rsTemplate, template);
  matchMemo.set(rsTemplate, { against: template, equal });
  return equal;
}

/**
 * Models util/deployment_util.go FindOldReplicaSets: every ReplicaSet but the new one (`all`),
 * and those of them that still have replicas (`required`).
 */
export function findOldReplicaSets(
  d: { spec?: { template?: PodTemplateSpec } },
  rsList: readonly ReplicaSetObj[],
): { required: ReplicaSetObj[]; all: ReplicaSetObj[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all: ReplicaSetObj[] = [];
  const required: ReplicaSetObj[] = [];
  for (const rs of rsList) {
    if (newRS && rs.metadata.uid === newRS.metadata.uid) continue;
    all.push(rs);
    if (rsReplicas(rs) !== 0) required.push(rs);
  }
  return { required, all };
}

/**
 * FindActiveOrLatest: the only active ReplicaSet, or (none active) the new one or else the
 * newest old one; undefined when several are active.
 */
export function findActiveOrLatest(
  newRS: ReplicaSetObj | undefined,
  oldRSs: readonly ReplicaSetObj[],
): ReplicaSetObj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = oldRSs.slice().sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActiveReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  if (active.length === 1) return active[0];
  return undefined;
}

// ---------------------------------------------------------------- annotations

/**
 * copyDeploymentAnnotationsToReplicaSet: every Deployment annotation except the skip-listed ones
 * (kubernetes.io/change-cause included) is copied to the ReplicaSet. Nothing is removed.
 */
export function copyDeploymentAnnotationsToReplicaSet(
  d: DeploymentObj,
  rs: ReplicaSetObj,
): boolean {
  let changed = false;
  const target = (rs.metadata.annotations ??= {});
  const from = d.metadata.annotations;
  // for…in rather than Object.entries (the same keys, in the same order): no pair arrays on
  // every sync.
  if (from) {
    for (const k in from) {
      const v = from[k]!;
      if (ANNOTATIONS_TO_SKIP.has(k) || target[k] === v) continue;
      target[k] = v;
      changed = true;
    }
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSetObj, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let updated = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    updated = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    updated = true;
  }
  return updated;
}

/** ReplicasAnnotationsNeedUpdate. */
export function replicasAnnotationsNeedUpdate(
  rs: ReplicaSetObj,
  desired: number,
  max: number,
): boolean {
  const a = rs.metadata.annotations;
  return (
    a?.[DESIRED_REPLICAS_ANNOTATION] !== String(desired) ||
    a?.[MAX_REPLICAS_ANNOTATION] !== String(max)
  );
}

function intAnnotation(rs: ReplicaSetObj, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  return Number(v);
}

export function getDesiredReplicasAnnotation(rs: ReplicaSetObj): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function getMaxReplicasAnnotation(rs: ReplicaSetObj): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

/**
 * Models util/deployment_util.go SetNewReplicaSetAnnotations: copy the Deployment's annotations,
 * raise the revision to `newRevision` if it is higher (a reused ReplicaSet moves its old number
 * into revision-history, trimmed to `limitChars`), and on creation set the replica annotations.
 * Returns true when the ReplicaSet's annotations changed.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentObj,
  rs: ReplicaSetObj,
  newRevision: string,
  exists: boolean,
  limitChars = MAX_REV_HISTORY_LENGTH_IN_CHARS,
): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const a = (rs.metadata.annotations ??= {});
  const oldRevision = a[REVISION_ANNOTATION];
  const hadRevision = oldRevision !== undefined;
  let oldRevisionInt = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return false; // "OldRevision not int": leave it alone
    oldRevisionInt = Number(oldRevision);
  }
  if (!/^[+-]?\d+$/.test(newRevision)) return false;
  const newRevisionInt = Number(newRevision);
  if (oldRevisionInt < newRevisionInt) {
    a[REVISION_ANNOTATION] = newRevision;
    changed = true;
  }
  // A ReplicaSet that already had a revision and gets a higher one is being rolled back to:
  // keep its earlier numbers for `kubectl rollout history`.
  if (hadRevision && oldRevisionInt < newRevisionInt) {
    const history = a[REVISION_HISTORY_ANNOTATION] ?? '';
    if (history === '') {
      a[REVISION_HISTORY_ANNOTATION] = oldRevision;
    } else {
      let parts = history.split(',');
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > limitChars && start < parts.length) {
        total -= parts[start]!.length + 1;
        start++;
      }
      if (total <= limitChars) {
        parts = [...parts.slice(start), oldRevision];
        a[REVISION_HISTORY_ANNOTATION] = parts.join(',');
      }
    }
  }
  if (!exists) {
    if (setReplicasAnnotations(rs, desiredReplicas(d), desiredReplicas(d) + maxSurge(d)))
      changed = true;
  }
  return changed;
}

// ---------------------------------------------------------------- proportional scaling

/**
 * getReplicaSetFraction: how many replicas this ReplicaSet gains (or loses) when the Deployment
 * is resized mid-rollout: its size scaled by (new desired + surge) / the max-replicas it was
 * sized for, rounded half away from zero, minus its size.
 */
function getReplicaSetFraction(rs: ReplicaSetObj, d: DeploymentObj): number {
  if (desiredReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentReplicas = desiredReplicas(d) + maxSurge(d);
  const annotated = getMaxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Upstream never divides by zero here (a ReplicaSet is never scaled up from zero this way).
  if (annotated === 0) return 0;
  const size = (rsReplicas(rs) * deploymentReplicas) / annotated;
  return roundHalfAwayFromZero(size) - rsReplicas(rs);
}

function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Models util/deployment_util.go GetProportion: the share of `toAdd` for this ReplicaSet, never
 * past what is left to distribute (`toAdd - added`).
 */
export function getProportion(
  rs: ReplicaSetObj | undefined,
  d: DeploymentObj,
  toAdd: number,
  added: number,
): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** IsSaturated: the new ReplicaSet has all desired replicas, sized for them, all available. */
export function isSaturated(d: DeploymentObj, rs: ReplicaSetObj | undefined): boolean {
  if (!rs) return false;
  const desired = getDesiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const replicas = desiredReplicas(d);
  return (
    rsReplicas(rs) === replicas &&
    desired === replicas &&
    (rs.status?.availableReplicas ?? 0) === replicas
  );
}

// ---------------------------------------------------------------- conditions

export function newDeploymentCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const t = formatTimestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function getDeploymentCondition(
  status: DeploymentStatus | undefined,
  type: string,
): DeploymentCondition | undefined {
  const conds = status?.conditions;
  if (conds) for (let i = 0; i < conds.length; i++) if (conds[i]!.type === type) return conds[i];
  return undefined;
}

/**
 * SetDeploymentCondition: replace the condition of that type (moving it to the end), unless one
 * with the same status and reason is there already; keep lastTransitionTime when only the reason
 * changes.
 */
export function setDeploymentCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getDeploymentCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status && cur.lastTransitionTime !== undefined)
    next.lastTransitionTime = cur.lastTransitionTime;
  // The others in order, then this one (a loop: no intermediate arrays on every sync).
  const out: DeploymentCondition[] = [];
  const conds = status.conditions;
  if (conds)
    for (let i = 0; i < conds.length; i++) if (conds[i]!.type !== cond.type) out.push(conds[i]!);
  out.push(next);
  status.conditions = out;
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  const conds = status.conditions;
  if (!conds) return;
  // A list without that type stays as it is (the same conditions in the same order).
  if (getDeploymentCondition(status, type))
    status.conditions = conds.filter((c) => c.type !== type);
  if (status.conditions!.length === 0) delete status.conditions;
}

/** DeploymentComplete: every replica updated, nothing else left, all available, spec observed. */
export function deploymentComplete(d: DeploymentObj, s: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (s.updatedReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/**
 * DeploymentProgressing: compared with the Deployment's current status, the new status has more
 * updated, ready or available replicas, or fewer old ones.
 */
export function deploymentProgressing(d: DeploymentObj, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/**
 * DeploymentTimedOut: the Progressing condition has not been updated for longer than
 * progressDeadlineSeconds (a completed rollout never times out; a timed-out one stays so).
 */
export function deploymentTimedOut(d: DeploymentObj, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getDeploymentCondition(s, 'Progressing');
  if (!cond) return false;
  if (cond.reason === REASON.NewRSAvailable) return false;
  if (cond.reason === REASON.TimedOut) return true;
  const from = parseTimestamp(cond.lastUpdateTime ?? '');
  if (Number.isNaN(from)) return false;
  return from + progressDeadlineSeconds(d) * 1000 < now;
}
