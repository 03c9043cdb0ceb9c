/**
 * The EndpointSlice controller: for every Service with a selector, keep discovery.k8s.io/v1
 * EndpointSlices listing the pods that back it. kube-proxy and CoreDNS read these.
 *
 * Models pkg/controller/endpointslice/endpointslice_controller.go (syncService, the pod → service
 * mapping of onPodUpdate) and staging/src/k8s.io/endpointslice/reconciler.go (reconcile,
 * reconcileByAddressType, finalize) plus utils.go (podToEndpoint, getEndpointPorts,
 * setEndpointSliceLabels).
 *
 * What it implements:
 *  - one group of slices per distinct port set: a named targetPort is resolved against each pod's
 *    containerPorts, so pods resolving it differently land in different slices;
 *  - endpoints for pods that have an IP and are not terminal, with ready/serving/terminating
 *    conditions (a terminating pod: ready=false, serving=its readiness, terminating=true;
 *    publishNotReadyAddresses makes every endpoint ready), nodeName, zone, hostname (pod
 *    hostname + subdomain = service) and targetRef;
 *  - at most 100 endpoints per slice; existing slices are updated in place, emptied ones reused
 *    for new port sets before anything is deleted, and a placeholder slice (no ports, no
 *    endpoints) exists while a service selects nothing, as upstream keeps one;
 *  - writes only when content changes; endpoints sorted by address then pod UID;
 *  - labels `kubernetes.io/service-name`, `endpointslice.kubernetes.io/managed-by`, the service's
 *    own labels and `service.kubernetes.io/headless` for headless services; owner reference to
 *    the Service, so the garbage collector removes the slices with it;
 *  - the annotation `endpoints.kubernetes.io/last-change-trigger-time`.
 *
 * Simplified: the trigger time is the virtual time of the first change seen since the last sync
 * (upstream derives it from the pod's Ready transition time); no topology hints; no
 * EndpointSliceMirroring for selector-less services (users supply their own slices for those);
 * slice packing is simpler than upstream's (fill existing slices in name order, then create).
 *
 * The helpers at the top (pod selection by index, FindPort, readiness, the per-namespace service
 * selector cache) are shared with the Endpoints controller, as pkg/controller/util/endpoint is.
 */
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointPort, EndpointSlice } from 'kubernetes-types/discovery/v1';
import { isApiError } from '../api/errors';
import type { Selector } from '../api/selectors';
import { fromMap } from '../api/selectors';
import type { ApiStore } from '../api/store';
import type { KObject, WatchEvent } from '../api/types';
import { deepClone, deepEqual, newControllerRef, splitNsName } from '../api/types';
import type { ClusterContext } from '../context';
import { formatTimestamp } from '../sim/clock';
import { keyFor } from './runner';

export type StoredPod = Pod & KObject;
export type StoredService = Service & KObject;
export type StoredSlice = EndpointSlice & KObject;

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
/** The managed-by value of slices this controller owns. */
export const ENDPOINTSLICE_CONTROLLER = 'endpointslice-controller.k8s.io';
/** Upstream's default --max-endpoints-per-slice. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

// =============================================================================================
// Shared endpoint helpers (pkg/controller/util/endpoint, pkg/api/v1/pod)

const POD_LABEL_INDEX = 'endpoints:ns-label';
const SLICE_SERVICE_INDEX = 'endpointslice:service';

/**
 * The index values of a labels object, remembered: the store asks on every pod write, and a
 * pod's (frozen) labels object stays the same across its status writes.
 */
const labelIndexValues = new WeakMap<object, { ns: string; values: string[] }>();

/** Index pods by `namespace\0key=value` so a service finds its pods without scanning the namespace. */
export function ensurePodLabelIndex(store: ApiStore): void {
  store.addIndex('Pod', POD_LABEL_INDEX, (o) => {
    const ns = o.metadata.namespace ?? '';
    const labels = o.metadata.labels;
    if (!labels) return [];
    const known = labelIndexValues.get(labels);
    if (known && known.ns === ns) return known.values;
    const values = Object.entries(labels).map(([k, v]) => `${ns}\u0000${k}=${v}`);
    if (Object.isFrozen(labels)) labelIndexValues.set(labels, { ns, values });
    return values;
  });
}

/** Pods in a namespace matching a Service selector (a plain map; empty selects nothing). */
export function podsForSelector(
  store: ApiStore,
  namespace: string,
  selector: Record<string, string>,
): StoredPod[] {
  const entries = Object.entries(selector);
  const first = entries[0];
  if (!first) return [];
  const sel = fromMap(selector);
  return store
    .byIndex<StoredPod>('Pod', POD_LABEL_INDEX, `${namespace}\u0000${first[0]}=${first[1]}`)
    .filter((p) => sel.matches(p.metadata.labels));
}

export function hasSelector(svc: StoredService): boolean {
  return Object.keys(svc.spec?.selector ?? {}).length > 0;
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: StoredPod): boolean {
  // (Loops rather than some/find, which V8 runs on a slow path over frozen, stored arrays.)
  const conds = pod.status?.conditions;
  if (conds) for (const c of conds) if (c.type === 'Ready' && c.status === 'True') return true;
  return false;
}

/** podutil.IsPodTerminal: Succeeded or Failed. */
export function isPodTerminal(pod: StoredPod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** endpointutil.ShouldPodBeInEndpoints. */
export function shouldPodBeInEndpoints(pod: StoredPod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && (pod.status?.podIPs?.length ?? 0) === 0) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  return true;
}

/** endpointutil.ShouldSetHostname: the pod names itself into this (headless) service's domain. */
export function shouldSetHostname(pod: StoredPod, svc: StoredService): boolean {
  return (
    !!pod.spec?.hostname &&
    pod.spec.subdomain === svc.metadata.name &&
    pod.metadata.namespace === svc.metadata.namespace
  );
}

type ServicePort = NonNullable<NonNullable<Service['spec']>['ports']>[number];

/**
 * podutil.FindPort: a numeric targetPort is used as is; a named one is looked up among the pod's
 * containerPorts (and restartable init containers, i.e. sidecars) with the same protocol.
 * Undefined when the pod has no such port.
 */
export function findPort(pod: StoredPod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  const protocol = sp.protocol ?? 'TCP';
  const containers = [
    ...(pod.spec?.containers ?? []),
    ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
  ];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** The primary pod IP. */
export function podIP(pod: StoredPod): string | undefined {
  return pod.status?.podIP || pod.status?.podIPs?.[0]?.ip || undefined;
}

/** helper.IsServiceIPSet: a ClusterIP that is neither empty nor None. */
export function isServiceIPSet(svc: StoredService): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/** Go's time.Format(RFC3339Nano): fractional seconds with trailing zeros trimmed. */
export function formatRFC3339Nano(ms: number): string {
  const base = formatTimestamp(ms);
  const frac = Math.floor(ms % 1000);
  if (frac === 0) return base;
  const digits = String(frac).padStart(3, '0').replace(/0+$/, '');
  return `${base.slice(0, -1)}.${digits}Z`;
}

function readyStatusOf(pod: StoredPod | undefined): string | undefined {
  const conds = pod?.status?.conditions;
  if (conds) for (const c of conds) if (c.type === 'Ready') return c.status;
  return undefined;
}

/**
 * Whether a pod update can change any Service's endpoints (endpointsliceutil.podEndpointsChanged
 * plus the label check): labels, IPs, phase, readiness, deletion, node, hostname, ports.
 */
export function podEndpointsChanged(oldPod: StoredPod, newPod: StoredPod): boolean {
  if (oldPod.metadata.labels !== newPod.metadata.labels) {
    if (!deepEqual(oldPod.metadata.labels, newPod.metadata.labels)) return true;
  }
  if (podIP(oldPod) !== podIP(newPod)) return true;
  if (oldPod.status?.phase !== newPod.status?.phase) return true;
  if (readyStatusOf(oldPod) !== readyStatusOf(newPod)) return true;
  if (oldPod.metadata.deletionTimestamp !== newPod.metadata.deletionTimestamp) return true;
  if (oldPod.spec?.nodeName !== newPod.spec?.nodeName) return true;
  if (oldPod.spec?.hostname !== newPod.spec?.hostname) return true;
  if (oldPod.spec?.subdomain !== newPod.spec?.subdomain) return true;
  if (oldPod.spec?.containers !== newPod.spec?.containers) {
    const ports = (p: StoredPod): unknown => p.spec?.containers?.map((c) => c.ports);
    if (!deepEqual(ports(oldPod), ports(newPod))) return true;
  }
  return false;
}

/**
 * Services with a selector, per namespace, with compiled selectors, and an index from one
 * `key=value` of each selector to the services, so mapping a pod to its services costs a few
 * lookups rather than a scan of every service in the namespace.
 */
export class ServiceSelectorCache {
  private readonly byNs = new Map<string, Map<string, { selector: Selector; pair: string }>>();
  private readonly byPair = new Map<string, Set<string>>(); // ns\0k=v → service names

  /** Feed a Service watch event. */
  observe(ev: WatchEvent): void {
    const svc = ev.object as StoredService;
    const ns = svc.metadata.namespace ?? '';
    const name = svc.metadata.name ?? '';
    this.remove(ns, name);
    if (ev.type === 'DELETED') return;
    if (svc.spec?.type === 'ExternalName') return;
    const selector = svc.spec?.selector ?? {};
    const first = Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0];
    if (!first) return;
    const pair = `${ns}\u0000${first[0]}=${first[1]}`;
    let m = this.byNs.get(ns);
    if (!m) this.byNs.set(ns, (m = new Map()));
    m.set(name, { selector: fromMap(selector), pair });
    let s = this.byPair.get(pair);
    if (!s) this.byPair.set(pair, (s = new Set()));
    s.add(name);
  }

  private remove(ns: string, name: string): void {
    const m = this.byNs.get(ns);
    const e = m?.get(name);
    if (!m || !e) return;
    m.delete(name);
    const s = this.byPair.get(e.pair);
    s?.delete(name);
    if (s?.size === 0) this.byPair.delete(e.pair);
  }

  /** `ns/name` keys of the services whose selector matches these labels. */
  servicesFor(ns: string, labels: Readonly<Record<string, string>> | undefined, out: Set<string>) {
    const m = this.byNs.get(ns);
    if (!m || !labels) return;
    for (const [k, v] of Object.entries(labels)) {
      const names = this.byPair.get(`${ns}\u0000${k}=${v}`);
      if (!names) continue;
      for (const name of names) if (m.get(name)?.selector.matches(labels)) out.add(`${ns}/${name}`);
    }
  }

  /** Whether any service with a selector lives in this namespace (the common fast exit). */
  hasServicesIn(ns: string): boolean {
    return (this.byNs.get(ns)?.size ?? 0) > 0;
  }

  /** Every service key (for rare events such as a Node appearing). */
  allKeys(): string[] {
    const out: string[] = [];
    for (const [ns, m] of this.byNs) for (const name of m.keys()) out.push(`${ns}/${name}`);
    return out;
  }
}

/** Whether a Service event can change its endpoints (status-only writes cannot). */
export function serviceChanged(ev: WatchEvent): boolean {
  if (ev.type !== 'MODIFIED' || !ev.old) return true;
  return (
    ev.old.spec !== ev.object.spec ||
    !deepEqual(ev.old.metadata.labels, ev.object.metadata.labels) ||
    ev.old.metadata.deletionTimestamp !== ev.object.metadata.deletionTimestamp ||
    ev.old.metadata.uid !== ev.object.metadata.uid
  );
}

/** Map a pod event to the keys of the services it may affect (onPodAdd/Update/Delete). */
/** No keys: one shared (frozen) empty list for the many pod events that concern no service. */
const NO_KEYS = Object.freeze([]) as unknown as string[];

export function podEventToServiceKeys(cache: ServiceSelectorCache, ev: WatchEvent): string[] {
  const pod = ev.object as StoredPod;
  const ns = pod.metadata.namespace ?? '';
  if (!cache.hasServicesIn(ns)) return NO_KEYS;
  const out = new Set<string>();
  if (ev.type === 'MODIFIED') {
    const old = ev.old as StoredPod | undefined;
    if (old && !podEndpointsChanged(old, pod)) return NO_KEYS;
    cache.servicesFor(ns, pod.metadata.labels, out);
    if (old && old.metadata.labels !== pod.metadata.labels)
      cache.servicesFor(ns, old.metadata.labels, out);
  } else {
    // A pod without an IP is in no endpoints yet: its add or delete changes nothing.
    if (!podIP(pod)) return NO_KEYS;
    cache.servicesFor(ns, pod.metadata.labels, out);
  }
  return [...out];
}

/**
 * EndpointsLastChangeTriggerTime bookkeeping: the time of the first change seen for a service
 * since its last sync.
 */
export class TriggerTimes {
  private readonly times = new Map<string, number>();
  note(key: string, now: number): void {
    if (!this.times.has(key)) this.times.set(key, now);
  }
  /** Take (and forget) the trigger time of a service. */
  take(key: string): number | undefined {
    const t = this.times.get(key);
    this.times.delete(key);
    return t;
  }
}

// =============================================================================================
// The EndpointSlice controller

interface Planned {
  existing?: StoredSlice;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

const portsKey = (ports: readonly EndpointPort[]): string => JSON.stringify(ports);

function endpointKey(ep: Endpoint): string {
  return ep.targetRef?.uid || ep.addresses[0] || '';
}

/** Endpoints sorted by address (as text), then pod UID: stable, deterministic slices. */
function compareEndpoints(a: Endpoint, b: Endpoint): number {
  const x = a.addresses[0] ?? '';
  const y = b.addresses[0] ?? '';
  if (x !== y) return x < y ? -1 : 1;
  const u = a.targetRef?.uid ?? '';
  const v = b.targetRef?.uid ?? '';
  return u < v ? -1 : u > v ? 1 : 0;
}

/** Models endpointslice utils.go getEndpointPorts. */
function getEndpointPorts(svc: StoredService, pod: StoredPod): EndpointPort[] {
  const out: EndpointPort[] = [];
  const ports = svc.spec?.ports ?? [];
  for (const sp of ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({
      name: sp.name ?? '',
      protocol: sp.protocol ?? 'TCP',
      port,
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

/** Models endpointslice utils.go podToEndpoint. */
function podToEndpoint(
  pod: StoredPod,
  svc: StoredService,
  zone: string | undefined,
  ip: string,
): Endpoint {
  const serving = isPodReady(pod);
  const terminating = pod.metadata.deletionTimestamp !== undefined;
  // Ready is never true for a terminating pod, unless the service publishes not-ready addresses.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  return {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata.namespace ?? '',
      name: pod.metadata.name ?? '',
      uid: pod.metadata.uid ?? '',
    },
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** Models endpointslice utils.go setEndpointSliceLabels. */
function sliceLabels(svc: StoredService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) {
    if (k === LABEL_SERVICE_NAME || k === LABEL_MANAGED_BY || k === LABEL_HEADLESS) continue;
    out[k] = v;
  }
  if (!isServiceIPSet(svc)) out[LABEL_HEADLESS] = '';
  out[LABEL_SERVICE_NAME] = svc.metadata.name ?? '';
  out[LABEL_MANAGED_BY] = ENDPOINTSLICE_CONTROLLER;
  return out;
}

function ownedBy(slice: StoredSlice, svc: StoredService): boolean {
  return (slice.metadata.ownerReferences ?? []).some(
    (r) => r.kind === 'Service' && r.uid === svc.metadata.uid && r.controller === true,
  );
}

/** Pack endpoints into slices of at most MAX_ENDPOINTS_PER_SLICE. */
function chunk(eps: Endpoint[], ports: EndpointPort[]): Planned[] {
  const out: Planned[] = [];
  for (let i = 0; i < eps.length; i += MAX_ENDPOINTS_PER_SLICE)
    out.push({ ports, endpoints: eps.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
  return out;
}

export function startEndpointSliceController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  const actor = 'endpointslice-controller';
  const recorder = ctx.events.newRecorder({ component: 'endpoint-slice-controller' });
  const services = new ServiceSelectorCache();
  const triggers = new TriggerTimes();
  // The endpointSliceTracker's job: our own writes must not trigger another sync of the same
  // service. Watch handlers run synchronously inside a store write, so slice events arriving
  // while `writing` is set are our own.
  let writing = false;
  ensurePodLabelIndex(store);
  store.addIndex('EndpointSlice', SLICE_SERVICE_INDEX, (o) => {
    const svc = o.metadata.labels?.[LABEL_SERVICE_NAME];
    return svc ? [`${o.metadata.namespace ?? ''}/${svc}`] : [];
  });

  const c = ctx.newController('endpointslice-controller');
  const noted = (keys: string[]): string[] => {
    for (const k of keys) triggers.note(k, clock.now());
    return keys;
  };
  c.watch('Service', (ev) => {
    services.observe(ev);
    return serviceChanged(ev) ? noted([keyFor(ev.object)]) : undefined;
  });
  c.watch('Pod', (ev) => noted(podEventToServiceKeys(services, ev)));
  // A Node appearing or going changes which pods may be published (pods on unknown nodes are not).
  c.watch('Node', (ev) => (ev.type === 'MODIFIED' ? undefined : services.allKeys()));
  c.watch('EndpointSlice', (ev) => {
    const s = ev.object;
    const labels = s.metadata.labels ?? ev.old?.metadata.labels;
    const managed =
      labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER ||
      ev.old?.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER;
    const svcName = labels?.[LABEL_SERVICE_NAME];
    if (writing || !managed || !svcName) return undefined;
    return `${s.metadata.namespace ?? ''}/${svcName}`;
  });

  // Models endpointslice_controller.go syncService + reconciler.go reconcile.
  c.onReconcile((key) => {
    const { namespace, name } = splitNsName(key);
    const svc = store.get<StoredService>('Service', namespace, name);
    const triggerTime = triggers.take(key);
    // A deleted service's slices go with it through their owner reference (garbage collector).
    if (!svc || svc.metadata.deletionTimestamp) return;
    if (svc.spec?.type === 'ExternalName' || !hasSelector(svc)) return;

    const existing = store
      .byIndex<StoredSlice>('EndpointSlice', SLICE_SERVICE_INDEX, key)
      .filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === ENDPOINTSLICE_CONTROLLER)
      .sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));

    // Desired endpoints grouped by their resolved port set.
    const desired = new Map<string, { ports: EndpointPort[]; eps: Map<string, Endpoint> }>();
    for (const pod of podsForSelector(store, namespace, svc.spec?.selector ?? {})) {
      if (!shouldPodBeInEndpoints(pod, true)) continue;
      const ip = podIP(pod);
      if (!ip) continue;
      const nodeName = pod.spec?.nodeName ?? '';
      const node = nodeName ? store.get('Node', undefined, nodeName) : undefined;
      // A pod on a node the API does not know is left out, unless not-ready pods are published.
      if (!node && svc.spec?.publishNotReadyAddresses !== true) continue;
      const ports = getEndpointPorts(svc, pod);
      const pk = portsKey(ports);
      let group = desired.get(pk);
      if (!group) desired.set(pk, (group = { ports, eps: new Map() }));
      const zone = node?.metadata.labels?.['topology.kubernetes.io/zone'];
      const ep = podToEndpoint(pod, svc, zone, ip);
      group.eps.set(endpointKey(ep), ep);
    }

    const toCreate: Planned[] = [];
    const toUpdate: Planned[] = [];
    const toDelete: StoredSlice[] = [];
    const byPorts = new Map<string, StoredSlice[]>();
    for (const s of existing) {
      if (s.addressType !== 'IPv4' || !ownedBy(s, svc)) {
        toDelete.push(s);
        continue;
      }
      const pk = portsKey(s.ports ?? []);
      const list = byPorts.get(pk) ?? [];
      list.push(s);
      byPorts.set(pk, list);
    }
    for (const [pk, slices] of byPorts) if (!desired.has(pk)) toDelete.push(...slices);

    // Models reconciler.go reconcileByAddressType, per port set.
    for (const pk of [...desired.keys()].sort()) {
      const group = desired.get(pk)!;
      const remaining = new Map(group.eps);
      const plans: Planned[] = (byPorts.get(pk) ?? []).map((s) => {
        const kept: Endpoint[] = [];
        for (const ep of s.endpoints ?? []) {
          const k = endpointKey(ep);
          const want = remaining.get(k);
          if (want) {
            kept.push(want);
            remaining.delete(k);
          }
        }
        return { existing: s, ports: group.ports, endpoints: kept };
      });
      const leftovers = [...remaining.values()].sort(compareEndpoints);
      for (const plan of plans) {
        while (plan.endpoints.length < MAX_ENDPOINTS_PER_SLICE && leftovers.length > 0)
          plan.endpoints.push(leftovers.shift()!);
      }
      for (const plan of plans) {
        if (plan.endpoints.length === 0) toDelete.push(plan.existing!);
        else toUpdate.push(plan);
      }
      toCreate.push(...chunk(leftovers, group.ports));
    }

    // While a service selects nothing it keeps one placeholder slice (no ports, no endpoints).
    if (toUpdate.length === 0 && toCreate.length === 0) {
      const only = toDelete.length === 1 ? toDelete[0] : undefined;
      if (
        only &&
        ownedBy(only, svc) &&
        only.addressType === 'IPv4' &&
        (only.endpoints ?? []).length === 0 &&
        (only.ports ?? []).length === 0
      ) {
        toDelete.length = 0;
        toUpdate.push({ existing: only, ports: [], endpoints: [] });
      } else {
        toCreate.push({ ports: [], endpoints: [] });
      }
    }

    // Reuse slices that would be deleted for slices that would be created (keeps names stable).
    for (let i = 0; i < toDelete.length && toCreate.length > 0;) {
      const cur = toDelete[i]!;
      if (cur.addressType === 'IPv4' && ownedBy(cur, svc)) {
        const plan = toCreate.pop()!;
        toUpdate.push({ ...plan, existing: cur });
        toDelete.splice(i, 1);
      } else i++;
    }

    const labels = sliceLabels(svc);
    const trigger = triggerTime === undefined ? undefined : formatRFC3339Nano(triggerTime);
    const withTrigger = (annotations: Record<string, string> | undefined) => {
      const a = { ...annotations };
      if (trigger) a[ANNOTATION_TRIGGER_TIME] = trigger;
      else delete a[ANNOTATION_TRIGGER_TIME];
      return Object.keys(a).length > 0 ? a : undefined;
    };

    writing = true;
    try {
      // Models reconciler.go finalize: creates, then updates, then deletes.
      for (const plan of toCreate) {
        plan.endpoints.sort(compareEndpoints);
        const annotations = withTrigger(undefined);
        const slice: StoredSlice = {
          apiVersion: 'discovery.k8s.io/v1',
          kind: 'EndpointSlice',
          metadata: {
            generateName: `${name}-`,
            namespace,
            labels,
            ...(annotations ? { annotations } : {}),
            ownerReferences: [newControllerRef(svc)],
          },
          addressType: 'IPv4',
          endpoints: plan.endpoints,
          ports: plan.ports,
        };
        try {
          store.create(slice, { actor });
        } catch (e) {
          // The namespace is terminating: creates will keep failing, so drop the work.
          if (isApiError(e) && e.reason === 'Forbidden') return;
          throw e;
        }
      }
      for (const plan of toUpdate) {
        const cur = plan.existing!;
        plan.endpoints.sort(compareEndpoints);
        const same =
          deepEqual(cur.endpoints ?? [], plan.endpoints) &&
          deepEqual(cur.ports ?? [], plan.ports) &&
          deepEqual(cur.metadata.labels, labels) &&
          deepEqual(cur.metadata.ownerReferences, [newControllerRef(svc)]);
        if (same) continue;
        const next = deepClone(cur);
        next.metadata.labels = labels;
        next.metadata.ownerReferences = [newControllerRef(svc)];
        const annotations = withTrigger(next.metadata.annotations);
        if (annotations) next.metadata.annotations = annotations;
        else delete next.metadata.annotations;
        next.endpoints = plan.endpoints;
        next.ports = plan.ports;
        store.update(next, { actor });
      }
      for (const s of toDelete) {
        try {
          store.delete('EndpointSlice', namespace, s.metadata.name ?? '', { actor });
        } catch (e) {
          if (!(isApiError(e) && e.reason === 'NotFound')) throw e;
        }
      }
    } catch (e) {
      writing = false;
      recorder.event(
        svc,
        'Warning',
        'FailedToUpdateEndpointSlices',
        `Error updating Endpoint Slices for Service ${namespace}/${name}: ${e instanceof Error ? e.message : String(e)}`,
      );
      throw e;
    } finally {
      writing = false;
    }
  });
}
