/**
 * The ServiceAccount admission plugin's work on a new Pod, after defaulting has set
 * spec.serviceAccountName (defaults.ts admitServiceAccount): look the account up, and unless the
 * pod or the account opts out (automountServiceAccountToken: false), mount a bound token into
 * every container through a projected volume `kube-api-access-xxxxx`:
 *
 *   volumes:                                      containers[*].volumeMounts:
 *   - name: kube-api-access-7fz2q                 - mountPath: /var/run/secrets/kubernetes.io/serviceaccount
 *     projected:                                    name: kube-api-access-7fz2q
 *       defaultMode: 420                            readOnly: true
 *       sources:
 *       - serviceAccountToken: {expirationSeconds: 3607, path: token}
 *       - configMap: {name: kube-root-ca.crt, items: [{key: ca.crt, path: ca.crt}]}
 *       - downwardAPI: {items: [{path: namespace, fieldRef: {apiVersion: v1, fieldPath: metadata.namespace}}]}
 *
 * Models plugin/pkg/admission/serviceaccount/admission.go (v1.30) Admit, getServiceAccount,
 * shouldAutomount, mountServiceAccountToken and TokenVolumeSource; the volume name's five
 * characters come from the API server's name generator alphabet, on a seeded stream of their own
 * (so pod names, drawn from the store's stream, do not depend on how many pods mounted tokens).
 *
 * Mirror pods (static pods the kubelet reports) are left alone, as upstream. A missing account is
 * refused with upstream's Forbidden message — except `default`: upstream retries that lookup for
 * about a second, long enough for the service-account-controller to create it in a new
 * namespace, and here controllers only run between API calls, so the retry is assumed to succeed
 * (the account then has no opinion on automounting).
 */
import type { ServiceAccount } from 'kubernetes-types/core/v1';
import type { ClusterContext } from '../context';
import type { Rng } from '../sim/rng';
import { rngFor } from '../sim/rng';
import { forbidden } from './errors';
import { kindInfo } from './kinds';
import type { ApiStore, StrategyContext } from './store';
import { NAME_ALPHABET } from './store';
import type { KObject } from './types';
import { deepFreeze } from './types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export const TOKEN_VOLUME_PREFIX = 'kube-api-access-';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/**
 * TokenVolumeSource: one frozen value every pod's volume shares. 3607 s is
 * WarnOnlyBoundTokenExpirationSeconds (an hour and 7 s, so that expired-token warnings can be
 * told from real expiry); defaultMode is set explicitly (kubernetes#104464).
 */
const TOKEN_VOLUME_SOURCE = deepFreeze({
  defaultMode: 420,
  sources: [
    { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
    { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
    {
      downwardAPI: {
        items: [
          { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
        ],
      },
    },
  ],
});

/** The seeded stream each store's token volume names are drawn from. */
const nameStreams = new WeakMap<ApiStore, Rng>();
/** (Only a caller that applies a plan without a strategy context draws from this one.) */
const FALLBACK_NAMES = rngFor(0, 'serviceaccount-admission');

/**
 * STRATEGY_INSTALLERS entry: enable the plugin for this cluster's store, with its own name
 * stream. (A store given only the registry strategies — a defaulting test — admits no tokens.)
 */
export function installServiceAccountAdmission(ctx: ClusterContext): void {
  nameStreams.set(ctx.store, ctx.rng('serviceaccount-admission'));
}

/** What the plugin will do to a pod: nothing, or mount the token (and copy pull secrets). */
export interface ServiceAccountPlan {
  mount: boolean;
  imagePullSecrets?: readonly Obj[];
}

/**
 * Admit's checks, without changing the pod: throws the plugin's Forbidden for a missing account;
 * returns undefined when the pod is left as it is (or the plugin is not enabled for the store).
 */
// Models admission.go Admit + getServiceAccount + shouldAutomount.
export function planServiceAccountAdmission(
  pod: KObject,
  spec: Readonly<Obj>,
  store: ApiStore | undefined,
): ServiceAccountPlan | undefined {
  if (!store || !nameStreams.has(store)) return undefined;
  // Don't modify the spec of mirror pods (the kubelet would see a different pod).
  if (pod.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return undefined;
  const ns = pod.metadata.namespace ?? 'default';
  const name = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default';
  const sa = store.get<ServiceAccount & KObject>('ServiceAccount', ns, name);
  if (!sa && name !== 'default') {
    throw forbidden(
      kindInfo('Pod')!,
      admissionName(pod),
      `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`,
    );
  }
  const automount =
    typeof spec.automountServiceAccountToken === 'boolean'
      ? spec.automountServiceAccountToken
      : (sa?.automountServiceAccountToken ?? true);
  const pullSecrets =
    !Array.isArray(spec.imagePullSecrets) || spec.imagePullSecrets.length === 0
      ? (sa?.imagePullSecrets ?? [])
      : [];
  if (!automount && pullSecrets.length === 0) return undefined;
  return {
    mount: automount,
    ...(pullSecrets.length > 0
      ? { imagePullSecrets: pullSecrets.map((r) => ({ name: r.name ?? '' })) }
      : {}),
  };
}

/**
 * The name admission errors carry: mutating admission runs before the registry generates a name,
 * so a pod asking for `generateName: web-7d4b9c-` is reported as `pods "web-7d4b9c-"`.
 */
function admissionName(pod: KObject): string {
  const { name = '', generateName } = pod.metadata;
  if (generateName && name.length === generateName.length + 5 && name.startsWith(generateName))
    return generateName;
  return name;
}

/**
 * Apply a plan to a spec the caller may edit: its volumes, containers and init containers
 * lists and the containers in them are edited (copy them first when they are shared).
 */
// Models admission.go mountServiceAccountToken.
export function applyServiceAccountPlan(
  spec: Obj,
  plan: ServiceAccountPlan,
  sctx: StrategyContext | undefined,
): void {
  if (plan.imagePullSecrets) spec.imagePullSecrets = plan.imagePullSecrets.map((r) => ({ ...r }));
  if (!plan.mount) return;
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
  // An existing token volume (a pod created from another pod's spec) is reused.
  let volumeName = '';
  for (const v of volumes) {
    if (isObj(v) && typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX)) {
      volumeName = v.name;
      break;
    }
  }
  const hasVolume = volumeName !== '';
  if (!hasVolume) {
    // names.SimpleNameGenerator: the prefix and five random characters.
    const rng = sctx ? nameStreams.get(sctx.store) : undefined;
    volumeName = TOKEN_VOLUME_PREFIX + (rng ?? FALLBACK_NAMES).string(NAME_ALPHABET, 5);
  }
  // Every container (init containers first) mounts it, unless one already mounts something at
  // the token path.
  let needsVolume = false;
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObj(c)) continue;
      const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [];
      if (mounts.some((m) => isObj(m) && m.mountPath === TOKEN_MOUNT_PATH)) continue;
      c.volumeMounts = [
        ...mounts,
        { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH },
      ];
      needsVolume = true;
    }
  }
  if (!hasVolume && needsVolume)
    spec.volumes = [...volumes, { name: volumeName, projected: TOKEN_VOLUME_SOURCE }];
}

/**
 * A shallow copy of a (frozen, shared) pod spec in which applyServiceAccountPlan may edit: new
 * volumes and container lists and new container objects; everything else stays shared.
 */
export function thawForServiceAccountPlan(spec: Readonly<Obj>): Obj {
  const out: Obj = { ...spec };
  if (Array.isArray(spec.volumes)) out.volumes = [...(spec.volumes as unknown[])];
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    if (Array.isArray(list)) out[key] = list.map((c) => (isObj(c) ? { ...c } : c));
  }
  return out;
}

/**
 * A pod update that leaves out what admission added (a whole manifest applied again, rather
 * than kubectl apply's patch) keeps the token volume and mounts: the pod's spec cannot change
 * anyway, and this keeps an unchanged manifest an unchanged pod.
 */
export function keepServiceAccountToken(spec: Obj, oldSpec: Readonly<Obj>): void {
  const oldVolumes = Array.isArray(oldSpec.volumes) ? (oldSpec.volumes as unknown[]) : [];
  const token = oldVolumes.find(
    (v): v is Obj =>
      isObj(v) && typeof v.name === 'string' && v.name.startsWith(TOKEN_VOLUME_PREFIX),
  );
  if (!token) return;
  const volumes = Array.isArray(spec.volumes) ? (spec.volumes as unknown[]) : [];
  if (volumes.some((v) => isObj(v) && v.name === token.name)) return;
  spec.volumes = [...volumes, token];
  for (const key of ['initContainers', 'containers']) {
    const list = spec[key];
    const oldList = oldSpec[key];
    if (!Array.isArray(list) || !Array.isArray(oldList)) continue;
    spec[key] = list.map((c) => {
      if (!isObj(c)) return c;
      const old = oldList.find((o) => isObj(o) && o.name === c.name) as Obj | undefined;
      const oldMounts = Array.isArray(old?.volumeMounts) ? (old.volumeMounts as unknown[]) : [];
      const mount = oldMounts.find((m) => isObj(m) && m.name === token.name);
      if (!mount) return c;
      const mounts = Array.isArray(c.volumeMounts) ? (c.volumeMounts as unknown[]) : [];
      if (mounts.some((m) => isObj(m) && m.mountPath === TOKEN_MOUNT_PATH)) return c;
      return { ...c, volumeMounts: [...mounts, mount] };
    });
  }
}
