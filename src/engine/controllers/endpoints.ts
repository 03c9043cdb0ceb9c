/**
 * The Endpoints controller: the legacy core/v1 Endpoints object (`kubectl get endpoints`) of every
 * Service with a selector. One object per service, named like it, whose `subsets` group the pod
 * addresses by the ports they serve: ready pods under `addresses`, the others under
 * `notReadyAddresses`.
 *
 * Models pkg/controller/endpoint/endpoints_controller.go (syncService, addEndpointSubset,
 * truncateEndpoints) and pkg/api/v1/endpoints/util.go (RepackSubsets).
 *
 * Implemented: named targetPorts resolved per pod; terminating pods left out unless the service
 * publishes not-ready addresses (then every pod counts as ready); headless services without ports
 * get port-less subsets and the `service.kubernetes.io/headless` label; labels copied from the
 * service; `endpoints.kubernetes.io/last-change-trigger-time`; the 1000-address cap with the
 * `endpoints.kubernetes.io/over-capacity: truncated` annotation; no `subsets` at all when no pod
 * matches; the Endpoints object deleted with its service (it has no owner reference).
 *
 * Simplified: upstream orders ports and subsets by a hash of their Go representation; here they
 * are ordered by port name/number and by first address, which is as stable and easier to read.
 * The trigger time is the virtual time of the first change seen since the last sync.
 */
import type {
  EndpointAddress,
  EndpointPort,
  EndpointSubset,
  Endpoints,
} from 'kubernetes-types/core/v1';
import { isApiError } from '../api/errors';
import type { KObject } from '../api/types';
import { deepClone, deepEqual, splitNsName } from '../api/types';
import type { ClusterContext } from '../context';
import type { StoredPod, StoredService } from './endpointslice';
import {
  ANNOTATION_TRIGGER_TIME,
  LABEL_HEADLESS,
  ServiceSelectorCache,
  TriggerTimes,
  ensurePodLabelIndex,
  findPort,
  formatRFC3339Nano,
  hasSelector,
  isPodReady,
  isServiceIPSet,
  podEventToServiceKeys,
  podIP,
  podsForSelector,
  serviceChanged,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from './endpointslice';
import { keyFor } from './runner';

export type StoredEndpoints = Endpoints & KObject;

export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
/** Most addresses one Endpoints object carries (upstream maxCapacity). */
export const MAX_ENDPOINTS_CAPACITY = 1000;

// ---------------------------------------------------------------------------------------------
// RepackSubsets

function lessAddress(a: EndpointAddress, b: EndpointAddress): number {
  // endpoints.LessEndpointAddress: byte-wise IP text, then target UID.
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const u = a.targetRef?.uid ?? '';
  const v = b.targetRef?.uid ?? '';
  return u < v ? -1 : u > v ? 1 : 0;
}

function portText(p: EndpointPort): string {
  return `${p.name ?? ''}\u0000${String(p.port).padStart(5, '0')}\u0000${p.protocol ?? ''}\u0000${p.appProtocol ?? ''}`;
}

/**
 * endpoints.RepackSubsets: expand subsets to (address, port, ready) triples and regroup them so
 * that each subset holds the addresses that serve exactly the same ports. An address not ready
 * for one port is not ready for it ("not ready always trumps ready").
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>(); // ip\0uid → address
  const portToAddrs = new Map<
    string,
    { port: EndpointPort | undefined; ready: Map<string, boolean> }
  >();
  const map = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean): void => {
    const ak = `${addr.ip}\u0000${addr.targetRef?.uid ?? ''}`;
    if (!addrs.has(ak)) addrs.set(ak, addr);
    const pk = port ? portText(port) : '\u0000sentinel';
    let entry = portToAddrs.get(pk);
    if (!entry) portToAddrs.set(pk, (entry = { port, ready: new Map() }));
    const was = entry.ready.get(ak);
    if (was === undefined || was) entry.ready.set(ak, ready);
  };
  for (const ss of subsets) {
    const ports: Array<EndpointPort | undefined> = ss.ports?.length ? ss.ports : [undefined];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) map(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) map(a, port, false);
    }
  }
  // Group ports by the exact set of (address, ready) they map to.
  const groups = new Map<string, { ready: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, ready } of portToAddrs.values()) {
    const setKey = [...ready.entries()]
      .map(([k, r]) => `${k}\u0000${r ? 1 : 0}`)
      .sort()
      .join('\u0001');
    let g = groups.get(setKey);
    if (!g) groups.set(setKey, (g = { ready, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.ready) (r ? ready : notReady).push(addrs.get(k)!);
    ready.sort(lessAddress);
    notReady.sort(lessAddress);
    g.ports.sort((a, b) => (portText(a) < portText(b) ? -1 : 1));
    out.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    });
  }
  const first = (s: EndpointSubset): string =>
    (s.addresses?.[0] ?? s.notReadyAddresses?.[0])?.ip ?? '';
  const portsOf = (s: EndpointSubset): string => (s.ports ?? []).map(portText).join(',');
  return out.sort((a, b) => {
    const x = first(a) + '\u0001' + portsOf(a);
    const y = first(b) + '\u0001' + portsOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** endpoints_controller.go truncateEndpoints: keep at most 1000 addresses, proportionally. */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_ENDPOINTS_CAPACITY) return false;
  const truncateReady = totalReady > MAX_ENDPOINTS_CAPACITY;
  const max = truncateReady ? MAX_ENDPOINTS_CAPACITY : MAX_ENDPOINTS_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  subsets.forEach((s, i) => {
    const inSubset = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * max), canBeAdded);
    const next: EndpointSubset = { ...s };
    if (truncateReady) {
      const kept = (s.addresses ?? []).slice(0, toBeAdded);
      if (kept.length) next.addresses = kept;
      else delete next.addresses;
      delete next.notReadyAddresses;
      canBeAdded -= kept.length;
    } else {
      const kept = (s.notReadyAddresses ?? []).slice(0, toBeAdded);
      if (kept.length) next.notReadyAddresses = kept;
      else delete next.notReadyAddresses;
      canBeAdded -= kept.length;
    }
    subsets[i] = next;
  });
  return true;
}

function withoutLabel(labels: Record<string, string> | undefined, key: string) {
  if (!labels || !(key in labels)) return labels;
  const copy = { ...labels };
  delete copy[key];
  return copy;
}

const sameMap = (a: Record<string, string> | undefined, b: Record<string, string> | undefined) =>
  deepEqual(a ?? {}, b ?? {});

// ---------------------------------------------------------------------------------------------

export function startEndpointsController(ctx: ClusterContext): void {
  const { store, clock } = ctx;
  const actor = 'endpoint-controller';
  const recorder = ctx.events.newRecorder({ component: 'endpoint-controller' });
  const services = new ServiceSelectorCache();
  const triggers = new TriggerTimes();
  ensurePodLabelIndex(store);

  const c = ctx.newController('endpoints-controller');
  const noted = (keys: string[]): string[] => {
    for (const k of keys) triggers.note(k, clock.now());
    return keys;
  };
  c.watch('Service', (ev) => {
    services.observe(ev);
    return serviceChanged(ev) ? noted([keyFor(ev.object)]) : undefined;
  });
  c.watch('Pod', (ev) => noted(podEventToServiceKeys(services, ev)));
  // Someone deleted an Endpoints object: recreate it if its service still wants one.
  c.watch('Endpoints', (ev) => (ev.type === 'DELETED' ? keyFor(ev.object) : undefined));

  // Models endpoints_controller.go syncService.
  c.onReconcile((key) => {
    const { namespace, name } = splitNsName(key);
    const svc = store.get<StoredService>('Service', namespace, name);
    const triggerTime = triggers.take(key);
    if (!svc) {
      // The service is gone: so is its Endpoints object (it has no owner reference).
      try {
        store.delete('Endpoints', namespace, name, { actor });
      } catch (e) {
        if (!(isApiError(e) && e.reason === 'NotFound')) throw e;
      }
      return;
    }
    // ExternalName services get no endpoints; selector-less ones get whatever users supply.
    if (svc.spec?.type === 'ExternalName' || !hasSelector(svc)) return;

    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    const svcPorts = svc.spec?.ports ?? [];
    let subsets: EndpointSubset[] = [];
    for (const pod of podsForSelector(store, namespace, svc.spec?.selector ?? {})) {
      if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
      const ip = podIP(pod);
      if (!ip) continue;
      const epa: EndpointAddress = {
        ip,
        ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
        nodeName: pod.spec?.nodeName ?? '',
        targetRef: {
          kind: 'Pod',
          namespace: pod.metadata.namespace ?? '',
          name: pod.metadata.name ?? '',
          uid: pod.metadata.uid ?? '',
        },
      };
      const ready = publishNotReady || isPodReady(pod);
      // Models addEndpointSubset: one single-address subset per (pod, port), repacked below.
      const add = (port: EndpointPort | undefined): void => {
        subsets.push({
          ...(ready ? { addresses: [epa] } : { notReadyAddresses: [epa] }),
          ...(port ? { ports: [port] } : {}),
        });
      };
      if (svcPorts.length === 0) {
        // A headless service may have no ports.
        if (svc.spec?.clusterIP === 'None') add(undefined);
        continue;
      }
      for (const sp of svcPorts) {
        const port = findPort(pod as StoredPod, sp);
        if (port === undefined) continue;
        add({
          ...(sp.name ? { name: sp.name } : {}),
          port,
          protocol: sp.protocol ?? 'TCP',
          ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
        });
      }
    }
    subsets = repackSubsets(subsets);

    const current = store.get<StoredEndpoints>('Endpoints', namespace, name);
    const svcLabels = svc.metadata.labels;
    if (current) {
      const overCapacity = subsets.reduce(
        (n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0),
        0,
      );
      const capacityOk =
        overCapacity <= MAX_ENDPOINTS_CAPACITY &&
        current.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined;
      if (
        deepEqual(current.subsets ?? [], subsets) &&
        sameMap(withoutLabel(current.metadata.labels, LABEL_HEADLESS), svcLabels) &&
        capacityOk
      ) {
        return;
      }
    }

    const next: StoredEndpoints = current
      ? deepClone(current)
      : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace } };
    const annotations: Record<string, string> = { ...next.metadata.annotations };
    if (triggerTime !== undefined)
      annotations[ANNOTATION_TRIGGER_TIME] = formatRFC3339Nano(triggerTime);
    else delete annotations[ANNOTATION_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    if (Object.keys(annotations).length > 0) next.metadata.annotations = annotations;
    else delete next.metadata.annotations;
    const labels: Record<string, string> = { ...svcLabels };
    if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
    else delete labels[LABEL_HEADLESS];
    if (Object.keys(labels).length > 0) next.metadata.labels = labels;
    else delete next.metadata.labels;
    if (subsets.length > 0) next.subsets = subsets;
    else delete next.subsets;

    try {
      if (current) store.update(next, { actor });
      else store.create(next, { actor });
    } catch (e) {
      // The namespace is terminating: creates will keep failing, so drop the work.
      if (!current && isApiError(e) && e.reason === 'Forbidden') return;
      const msg = e instanceof Error ? e.message : String(e);
      if (current)
        recorder.event(
          current,
          'Warning',
          'FailedToUpdateEndpoint',
          `Failed to update endpoint ${namespace}/${name}: ${msg}`,
        );
      else
        recorder.event(
          svc,
          'Warning',
          'FailedToCreateEndpoint',
          `Failed to create endpoint for service ${namespace}/${name}: ${msg}`,
        );
      throw e;
    }
  });
}
