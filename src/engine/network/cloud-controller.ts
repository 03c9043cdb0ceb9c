/**
 * The cloud-controller-manager's service controller, for a simulated cloud whose load balancers
 * take addresses from 203.0.113.0/24 (RFC 5737's TEST-NET-3, reserved for documentation).
 *
 * Models k8s.io/cloud-provider controllers/service/controller.go: while the playground's
 * `cloudLB` setting is on, every Service of type LoadBalancer (without a loadBalancerClass, which
 * names another implementation) gets a load balancer — Events `EnsuringLoadBalancer`, then
 * `EnsuredLoadBalancer` — and its address in `status.loadBalancer.ingress`, which kubectl shows
 * as EXTERNAL-IP. A Service that stops wanting one (type changed, or the cloud switched off)
 * has it deleted — `DeletingLoadBalancer`, `DeletedLoadBalancer` — and its ingress cleared, so
 * EXTERNAL-IP reads `<pending>` again. Changes that matter to the load balancer (ports, source
 * ranges, traffic policy, …: the controller's needsUpdate) ensure it again.
 *
 * Addresses: the lowest free from 203.0.113.10 upward, kept by the service for as long as its
 * load balancer lives, freed when it is deleted. A requested `spec.loadBalancerIP` (deprecated
 * since v1.24, still honoured by clouds) is used when it is a free pool address; otherwise the
 * sync fails with `SyncLoadBalancerFailed` and is retried with the controller's back-off
 * (5 s doubling to 300 s).
 *
 * Left out: the `service.kubernetes.io/load-balancer-cleanup` finalizer (the store models no
 * finalizers besides the namespace controller's), so a deleted Service's address is simply
 * freed; the node sync (load balancers' backend pools); `ipMode` (alpha in v1.29, off by
 * default in v1.30).
 */
import type { Service } from 'kubernetes-types/core/v1';
import type { KObject } from '../api/types';
import { deepClone, deepEqual } from '../api/types';
import type { ClusterContext } from '../context';
import { keyFor } from '../controllers/runner';
import { formatIPv4, parseIPv4 } from '../controllers/kubelet/ipam';
import { dataplaneOf } from './dataplane';

type StoredService = Service & KObject;

const ACTOR = 'service-controller';
const POOL_BASE = parseIPv4('203.0.113.0')!;
/** The first address handed out (.1–.9 are the pretend provider's own). */
const FIRST_HOST = 10;
const LAST_HOST = 254;
const MIN_RETRY_MS = 5_000;
const MAX_RETRY_MS = 300_000;

/** The load balancer this controller made for a service: its address and what it was built from. */
interface Balancer {
  host: number;
  fingerprint: string;
}

function wantsLoadBalancer(svc: StoredService | undefined, cloudOn: boolean): boolean {
  return (
    cloudOn &&
    svc !== undefined &&
    svc.spec?.type === 'LoadBalancer' &&
    !svc.spec.loadBalancerClass &&
    !svc.metadata.deletionTimestamp
  );
}

/** What needsUpdate compares: a change here ensures the load balancer again. */
function fingerprintOf(svc: StoredService): string {
  const s = svc.spec ?? {};
  return JSON.stringify([
    svc.metadata.uid,
    (s.ports ?? []).map((p) => [p.name ?? '', p.protocol ?? 'TCP', p.port, p.nodePort ?? 0]),
    s.loadBalancerSourceRanges ?? [],
    s.loadBalancerIP ?? '',
    s.externalIPs ?? [],
    s.sessionAffinity ?? 'None',
    s.externalTrafficPolicy ?? 'Cluster',
    s.healthCheckNodePort ?? 0,
    svc.metadata.annotations ?? {},
  ]);
}

export function startCloudController(ctx: ClusterContext): void {
  const { store } = ctx;
  const plane = dataplaneOf(ctx);
  const recorder = ctx.events.newRecorder({ component: ACTOR });
  const balancers = new Map<string, Balancer>();
  const taken = new Set<number>();
  const retries = new Map<string, number>();
  const c = ctx.newController(ACTOR);

  const concerns = (svc: KObject | undefined, key: string): boolean =>
    balancers.has(key) || (svc as StoredService | undefined)?.spec?.type === 'LoadBalancer';

  c.watch('Service', (ev) => {
    const key = keyFor(ev.object);
    if (concerns(ev.object, key) || concerns(ev.old, key)) return key;
    return undefined;
  });
  const enqueueAll = (): void => {
    for (const svc of store.list<StoredService>('Service')) {
      const key = keyFor(svc);
      if (concerns(svc, key)) c.enqueue(key);
    }
    for (const key of balancers.keys()) c.enqueue(key);
  };
  let cloudOn = plane.settings.cloudLB;
  plane.onSettings((s) => {
    if (s.cloudLB === cloudOn) return;
    cloudOn = s.cloudLB;
    enqueueAll();
  });
  // The informer's initial list.
  enqueueAll();

  /** The address for a service: its requested one if free in the pool, else the lowest free. */
  const allocate = (key: string, svc: StoredService): number | string => {
    const requested = svc.spec?.loadBalancerIP;
    if (requested) {
      const n = parseIPv4(requested);
      const host = n !== undefined ? n - POOL_BASE : -1;
      if (host < 1 || host > LAST_HOST) {
        return `requested ip "${requested}" is not in the load balancer pool 203.0.113.0/24`;
      }
      const mine = balancers.get(key)?.host === host;
      if (taken.has(host) && !mine) return `requested ip "${requested}" is already in use`;
      return host;
    }
    const current = balancers.get(key);
    if (current) return current.host;
    for (let h = FIRST_HOST; h <= LAST_HOST; h++) if (!taken.has(h)) return h;
    return 'no free address left in the load balancer pool 203.0.113.0/24';
  };

  const release = (key: string): void => {
    const b = balancers.get(key);
    if (b) taken.delete(b.host);
    balancers.delete(key);
  };

  const writeIngress = (svc: StoredService, ingress: Array<{ ip: string }> | undefined): void => {
    const current = svc.status?.loadBalancer?.ingress;
    if (deepEqual(current ?? [], ingress ?? [])) return;
    // (kubernetes-types makes `status` read-only: a new object rather than an assignment.)
    const copy = deepClone(svc);
    const next = { ...copy, status: { ...copy.status, loadBalancer: ingress ? { ingress } : {} } };
    store.updateStatus(next, { actor: ACTOR, transfer: true });
  };

  // Models cloud-provider controllers/service/controller.go syncService →
  // syncLoadBalancerIfNeeded (ensureLoadBalancer / EnsureLoadBalancerDeleted), patchStatus.
  c.onReconcile((key) => {
    const [ns = '', name = ''] = key.split('/');
    const svc = store.get<StoredService>('Service', ns, name);
    if (!svc) {
      // Deleted: without the cleanup finalizer there is nothing left to record events on.
      release(key);
      retries.delete(key);
      return;
    }
    if (!wantsLoadBalancer(svc, cloudOn)) {
      retries.delete(key);
      if (!balancers.has(key)) return;
      recorder.event(svc, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      release(key);
      recorder.event(svc, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
      writeIngress(svc, undefined);
      return;
    }
    const fingerprint = fingerprintOf(svc);
    const existing = balancers.get(key);
    if (existing && existing.fingerprint === fingerprint) {
      // Up to date; put the status back if someone else changed it.
      writeIngress(svc, [{ ip: formatIPv4(POOL_BASE + existing.host) }]);
      return;
    }
    recorder.event(svc, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    const host = allocate(key, svc);
    if (typeof host === 'string') {
      recorder.event(
        svc,
        'Warning',
        'SyncLoadBalancerFailed',
        `Error syncing load balancer: failed to ensure load balancer: ${host}`,
      );
      const n = retries.get(key) ?? 0;
      retries.set(key, n + 1);
      c.enqueueAfter(key, Math.min(MIN_RETRY_MS * 2 ** n, MAX_RETRY_MS), { background: true });
      return;
    }
    retries.delete(key);
    if (existing && existing.host !== host) taken.delete(existing.host);
    taken.add(host);
    balancers.set(key, { host, fingerprint });
    recorder.event(svc, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    writeIngress(svc, [{ ip: formatIPv4(POOL_BASE + host) }]);
  });
}
