/**
 * The registry strategies for decoding, defaulting, admission and validation: what happens to a
 * manifest between `kubectl apply` and etcd.
 *
 * Models the request path of kube-apiserver for a create (pkg/registry/<group>/<kind>/strategy.go
 * with k8s.io/apiserver's rest.BeforeCreate / BeforeUpdate):
 *   1. decode strictly (unknown fields and wrong JSON types → 400 BadRequest);
 *   2. apply the scheme's defaults (defaults.ts), on create and on update, so that re-applying an
 *      unchanged manifest yields the stored object and the store records no change;
 *   3. mutating admission for Pods (ServiceAccount, Priority, DefaultTolerationSeconds) and
 *      Ingresses (DefaultIngressClass);
 *   4. PrepareForCreate / PrepareForUpdate (status resets, fields only the server changes);
 *   5. Validate / ValidateUpdate (validation.ts) → 422 Invalid with every cause.
 * Allocation (ClusterIPs, NodePorts) composes after this, in its own strategy.
 *
 * Events get no strategy: they are written only by the simulation's own recorder, at volume.
 */
import type { ClusterContext } from '../context';
import {
  admitDefaultIngressClass,
  admitDefaultTolerationSeconds,
  admitPriority,
  admitServiceAccount,
  applyDefaults,
  podQOSClass,
} from './defaults';
import type { FieldError } from './errors';
import { forbidden } from './errors';
import { KINDS, kindInfo } from './kinds';
// ServiceAccount admission's token volume (serviceaccount-admission.ts).
import {
  applyServiceAccountPlan,
  keepServiceAccountToken,
  planServiceAccountAdmission,
  thawForServiceAccountPlan,
} from './serviceaccount-admission';
import type { Strategy, StrategyContext } from './store';
import type { KObject } from './types';
import { deepClone, deepEqual, deepFreeze, sameJson } from './types';
import {
  decodesCleanlyWithout,
  isDNS1123Subdomain,
  strictDecodeError,
  validateMetadataOnly,
  validateObject,
  validateObjectUpdate,
  validatePodMetadata,
  validatePodSpecOnCreate,
} from './validation';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeOrThrow(obj: KObject): void {
  const err = strictDecodeError(obj);
  if (err) throw err;
}

/**
 * Pods stamped out of a template. A ReplicaSet creates its pods with the spec of its (stored,
 * frozen) template, which every one of them shares: decoding, defaulting, admission and
 * validation of that spec are pure functions of it, so they run once per template and every pod
 * then shares the resulting frozen spec. Upstream does the work for each pod; the outcome —
 * objects, errors, messages — is the same. Metadata is still decoded and validated per pod.
 */
interface PodSpecMemo {
  /** The spec after defaulting and admission, frozen. */
  spec: Obj;
  qosClass: string;
  /** admitPriority's reason to refuse such a pod, if any. */
  refused?: string;
  /** validatePodSpecOnCreate of `spec`. */
  errors: readonly FieldError[];
}

/** Template spec → its memo, or null when the spec does not decode cleanly (no shortcut). */
const podSpecMemos = new WeakMap<object, PodSpecMemo | null>();
/** Pods between prepareForCreate and validate whose spec came from a memo. */
const podsFromMemo = new WeakMap<KObject, PodSpecMemo>();

/**
 * The last few memos built, with the spec each was built from. The templates of different
 * ReplicaSets (one per Deployment) are often the very same spec, key for key: a spec equal to
 * one of these in every key, value and key order gets its memo, which a new build would
 * reproduce exactly (the memo is a pure function of the spec, key order included).
 */
const recentMemos: Array<{ source: Obj; memo: PodSpecMemo | null }> = [];
const RECENT_MEMOS = 8;

function podSpecMemo(spec: Obj): PodSpecMemo | null {
  let memo = podSpecMemos.get(spec);
  if (memo !== undefined) return memo;
  for (const r of recentMemos) {
    if (sameJson(r.source, spec)) {
      podSpecMemos.set(spec, r.memo);
      return r.memo;
    }
  }
  memo = null;
  const probe: KObject = { apiVersion: 'v1', kind: 'Pod', metadata: {}, spec: deepClone(spec) };
  if (strictDecodeError(probe) === undefined) {
    applyDefaults(probe);
    const s = probe.spec as Obj;
    admitServiceAccount(s);
    const refused = admitPriority(s);
    admitDefaultTolerationSeconds(s);
    memo = {
      spec: deepFreeze(s),
      qosClass: podQOSClass(s),
      errors: validatePodSpecOnCreate(s),
      ...(refused !== undefined ? { refused } : {}),
    };
  }
  podSpecMemos.set(spec, memo);
  recentMemos.unshift({ source: spec, memo });
  if (recentMemos.length > RECENT_MEMOS) recentMemos.pop();
  return memo;
}

/** Create: defaults, admission, then the strategy's PrepareForCreate. */
export function prepareForCreate(obj: KObject, ctx: StrategyContext | undefined): void {
  if (obj.kind === 'Pod' && isObj(obj.spec) && Object.isFrozen(obj.spec)) {
    // A spec handed over from a stored object (store.create with `transfer`).
    const memo = podSpecMemo(obj.spec);
    if (memo) {
      prepareTemplatedPod(obj, memo, ctx);
      return;
    }
    obj.spec = deepClone(obj.spec); // no shortcut: the general path edits it in place
  }
  decodeOrThrow(obj);
  applyDefaults(obj);
  switch (obj.kind) {
    case 'Pod': {
      const spec = isObj(obj.spec) ? obj.spec : (obj.spec = {});
      admitServiceAccount(spec as Obj);
      const saPlan = planServiceAccountAdmission(obj, spec as Obj, ctx?.store);
      const refused = admitPriority(spec as Obj);
      if (refused) throw forbidden(kindInfo('Pod')!, obj.metadata.name ?? '', refused);
      admitDefaultTolerationSeconds(spec as Obj);
      // (Applied last, as the template path does, so both give the same field order.)
      if (saPlan) applyServiceAccountPlan(spec as Obj, saPlan, ctx);
      // pod strategy PrepareForCreate: a new pod is Pending, with its QoS class.
      obj.status = { phase: 'Pending', qosClass: podQOSClass(spec as Obj) };
      break;
    }
    case 'Deployment':
      obj.status = {};
      break;
    case 'ReplicaSet':
      obj.status = { replicas: 0 }; // replicas has no omitempty
      break;
    case 'DaemonSet':
      obj.status = {
        currentNumberScheduled: 0,
        numberMisscheduled: 0,
        desiredNumberScheduled: 0,
        numberReady: 0,
      };
      break;
    case 'Service': {
      obj.status = { loadBalancer: {} };
      // normalizeClusterIPs on create: an old-style `clusterIP` alone fills `clusterIPs`.
      const spec = isObj(obj.spec) ? obj.spec : {};
      if (typeof spec.clusterIP === 'string' && spec.clusterIP && !Array.isArray(spec.clusterIPs))
        spec.clusterIPs = [spec.clusterIP];
      break;
    }
    case 'Ingress':
      admitDefaultIngressClass(obj, ctx?.store);
      obj.status = { loadBalancer: {} };
      break;
    case 'Namespace':
      // The `kubernetes` finalizer is the namespace strategy's (controllers/namespace.ts).
      obj.status = { phase: 'Active' };
      break;
  }
}

/** prepareForCreate of a Pod whose spec has a memo: the same checks, in the same order. */
function prepareTemplatedPod(
  obj: KObject,
  memo: PodSpecMemo,
  ctx: StrategyContext | undefined,
): void {
  // The spec decodes cleanly, so the pod does exactly when the rest of it does. (Checked in
  // place; only a pod that does not decode cleanly pays for the copy the error report needs.)
  if (!decodesCleanlyWithout(obj, 'spec')) {
    const rest: KObject = { ...obj };
    delete rest.spec;
    if (strictDecodeError(rest) !== undefined) decodeOrThrow(obj);
  }
  const saPlan = planServiceAccountAdmission(obj, memo.spec, ctx?.store);
  if (memo.refused !== undefined)
    throw forbidden(kindInfo('Pod')!, obj.metadata.name ?? '', memo.refused);
  if (saPlan) {
    // The token volume's name is the pod's own: a copy of the shared spec's edited parts.
    const spec = thawForServiceAccountPlan(memo.spec);
    applyServiceAccountPlan(spec, saPlan, ctx);
    obj.spec = spec;
  } else obj.spec = memo.spec;
  obj.status = { phase: 'Pending', qosClass: memo.qosClass };
  podsFromMemo.set(obj, memo);
}

/** Validate: for a templated pod, its metadata and the template's remembered spec errors. */
function validate(obj: KObject): FieldError[] {
  const memo = podsFromMemo.get(obj);
  if (!memo) return validateObject(obj);
  return [...validatePodMetadata(obj), ...memo.errors];
}

/** Fields the server (admission, scheduler) filled in that a resubmitted manifest leaves out. */
const POD_SERVER_FIELDS = [
  'nodeName',
  'serviceAccountName',
  'serviceAccount',
  'priority',
  'preemptionPolicy',
] as const;

/**
 * Updates whose body (everything but apiVersion, kind, metadata and status) equals the stored
 * one: the body was decoded, defaulted and validated when it was stored, so only the metadata
 * needs the work again. This is what keeps label edits, owner-reference changes and the
 * scheduler's binding of 10,000 pods cheap. For Pods, spec.nodeName is the one field allowed to
 * differ (the binding); it gets its own check.
 */
const unchangedBody = new WeakSet<KObject>();

function bodyEqual(obj: KObject, old: KObject): boolean {
  const skip = (k: string): boolean =>
    k === 'apiVersion' || k === 'kind' || k === 'metadata' || k === 'status';
  for (const k of Object.keys(obj)) {
    if (skip(k)) continue;
    if (obj.kind === 'Pod' && k === 'spec') {
      if (!podSpecEqualButNode(obj.spec, old.spec)) return false;
    } else if (!deepEqual(obj[k], old[k])) return false;
  }
  for (const k of Object.keys(old))
    if (!skip(k) && obj[k] === undefined && old[k] !== undefined) return false;
  return true;
}

function podSpecEqualButNode(a: unknown, b: unknown): boolean {
  if (!isObj(a) || !isObj(b)) return deepEqual(a, b);
  if (a.nodeName !== undefined && a.nodeName !== null && typeof a.nodeName !== 'string')
    return false;
  for (const k of Object.keys(a)) if (k !== 'nodeName' && !deepEqual(a[k], b[k])) return false;
  for (const k of Object.keys(b))
    if (k !== 'nodeName' && a[k] === undefined && b[k] !== undefined) return false;
  return true;
}

/** Update: keep what only the server changes, then default again. */
export function prepareForUpdate(obj: KObject, old: KObject): void {
  if (obj.kind === 'Pod' && (isObj(obj.spec) || obj.spec === undefined)) {
    // A client PUTting its original manifest would be refused upstream (pod specs are
    // immutable); kubectl apply patches instead. Keeping these makes the re-apply a no-op.
    const spec = isObj(obj.spec) ? obj.spec : (obj.spec = {});
    const oldSpec = isObj(old.spec) ? old.spec : {};
    for (const f of POD_SERVER_FIELDS)
      if ((spec[f] === undefined || spec[f] === null) && oldSpec[f] !== undefined)
        spec[f] = oldSpec[f];
    keepServiceAccountToken(spec, oldSpec);
  }
  if (bodyEqual(obj, old)) {
    unchangedBody.add(obj);
    decodeOrThrow({ apiVersion: obj.apiVersion, kind: obj.kind, metadata: obj.metadata });
    if (obj.kind === 'Namespace') applyDefaults(obj); // its default lives in metadata
    return;
  }
  decodeOrThrow(obj);
  applyDefaults(obj);
  if (obj.kind === 'Pod') admitDefaultTolerationSeconds(obj.spec as Obj);
}

/** ValidateUpdate, or only the metadata rules when the body is the stored one. */
export function validateUpdate(obj: KObject, old: KObject): FieldError[] {
  if (!unchangedBody.has(obj)) return validateObjectUpdate(obj, old);
  const errs = validateMetadataOnly(obj);
  if (obj.kind === 'Pod') {
    const node = (obj.spec as Obj).nodeName;
    if (typeof node === 'string' && node)
      for (const msg of isDNS1123Subdomain(node))
        errs.push({ type: 'Invalid', field: 'spec.nodeName', badValue: node, detail: msg });
  }
  return errs;
}

/** The strategy every served kind gets (composed with allocation and deletion strategies). */
export const apiStrategy: Strategy = {
  prepareForCreate: (obj, ctx) => prepareForCreate(obj, ctx),
  validate: (obj) => validate(obj),
  prepareForUpdate: (obj, old) => prepareForUpdate(obj, old),
  validateUpdate: (obj, old) => validateUpdate(obj, old),
};

export function installApiStrategies(ctx: ClusterContext): void {
  for (const info of KINDS) {
    if (info.kind === 'Event') continue;
    ctx.store.setStrategy(info.kind, apiStrategy);
  }
}
