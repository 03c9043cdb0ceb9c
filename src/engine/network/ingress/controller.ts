/**
 * The control-plane half of ingress-nginx: what the controller process in an ingress-nginx pod
 * does with the API — it records `Sync` events on the Ingresses it takes, and its leader keeps
 * their `status.loadBalancer.ingress` (kubectl's ADDRESS) up to date. The data-plane half, nginx
 * answering requests, is ingress/proxy.ts and the traced request's hook.
 *
 * One engine controller stands for every controller pod: it acts while a pod running the
 * controller image (config.ts) has its container running, and only for the Ingresses that pod's
 * flags make its own. Without such a pod, an Ingress is stored and nothing else happens — no
 * events, no ADDRESS — as in a cluster without an ingress controller.
 *
 * Models ingress-nginx v1.10:
 *  - internal/ingress/controller/store/store.go, the Ingress informer: `Normal Sync Scheduled for
 *    sync` (source `nginx-ingress-controller`) for every Ingress of its class when the informer
 *    starts and on every add or update — its own status writes included, hence the usual
 *    `(x2 over …)`;
 *  - internal/ingress/status/status.go statusSync: the leader (the oldest running controller pod,
 *    standing in for the `ingress-nginx-leader` lease) syncs right away and then every
 *    UpdateInterval (60 s), writing runningAddresses() into every Ingress whose status differs:
 *    `--publish-status-address` if set; else with `--publish-service` the Service's addresses
 *    (statusAddressFromService: LoadBalancer ingress IPs plus externalIPs, a NodePort's
 *    externalIPs or ClusterIP, a ClusterIP Service's ClusterIP); else the node address (ExternalIP,
 *    else InternalIP) of every node running a Ready controller pod. That is why ADDRESS appears
 *    up to a minute after the Ingress (a new pod's first sync finds it not Ready yet);
 *  - statusSync.Shutdown with `--update-status-on-shutdown` (default true): when the last
 *    controller pod is stopped, the addresses it published are removed.
 *
 * Left out: the leader-election Lease object itself, the validating admission webhook, reloads
 * (nginx's configuration is read from the store at each request), `--watch-namespace`.
 */
import type { Node, Service } from 'kubernetes-types/core/v1';
import type { KObject } from '../../api/types';
import { deepClone, deepEqual } from '../../api/types';
import type { ClusterContext } from '../../context';
import { isPodReady } from '../../controllers/pod-util';
import { keyFor } from '../../controllers/runner';
import { parseTimestamp } from '../../sim/clock';
import type { ControllerConfig, StoredIngress, StoredPod } from './config';
import { controllerConfig, controllerContainer, handlesIngress, isControllerPod } from './config';

type StoredService = Service & KObject;
type StoredNode = Node & KObject;
type LoadBalancerIngress = { ip?: string; hostname?: string };

export const INGRESS_CONTROLLER_NAME = 'ingress-nginx-controller';
/** The event source kubectl shows in FROM. */
const COMPONENT = 'nginx-ingress-controller';
/** status.go UpdateInterval. */
export const STATUS_UPDATE_INTERVAL_MS = 60_000;
const STATUS_KEY = '\u0000status';

/** When the pod's controller container started running (ms), if it runs. */
function runningSince(pod: StoredPod): number | undefined {
  if (pod.metadata.deletionTimestamp || pod.status?.phase !== 'Running') return undefined;
  const name = controllerContainer(pod)?.name;
  const started = pod.status.containerStatuses?.find((c) => c.name === name)?.state?.running
    ?.startedAt;
  return started ? parseTimestamp(started) : undefined;
}

/** k8s.GetNodeIPOrName: the node's ExternalIP, else its InternalIP. */
function nodeAddress(node: StoredNode | undefined): string {
  const addrs = node?.status?.addresses ?? [];
  const external = addrs.find((a) => a.type === 'ExternalIP' && a.address)?.address;
  return external ?? addrs.find((a) => a.type === 'InternalIP' && a.address)?.address ?? '';
}

const isIP = (s: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(s);
const toLBIngress = (nameOrIP: string): LoadBalancerIngress =>
  isIP(nameOrIP) ? { ip: nameOrIP } : { hostname: nameOrIP };

/** status.go lessLoadBalancerIngress: by hostname, then by IP (as strings). */
function sortAddresses(list: LoadBalancerIngress[]): LoadBalancerIngress[] {
  return [...list].sort((a, b) => {
    const ha = a.hostname ?? '';
    const hb = b.hostname ?? '';
    if (ha !== hb) return ha < hb ? -1 : 1;
    const ia = a.ip ?? '';
    const ib = b.ip ?? '';
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
}

export function startIngressNginxController(ctx: ClusterContext): void {
  const { store } = ctx;
  const c = ctx.newController(INGRESS_CONTROLLER_NAME);
  const recorder = ctx.events.newRecorder({ component: COMPONENT });
  /** Every pod running the controller image, by `namespace/name`. */
  const pods = new Map<string, StoredPod>();
  /** The leader's pod, its flags, and when its status loop ticks next. */
  let leader: { key: string; since: number; nextSync: number; cfg: ControllerConfig } | undefined;
  /**
   * The Ingresses the leader's syncs took as its own (its IngressLister's view, which Shutdown
   * clears even if their IngressClass went first), and the addresses last published.
   */
  let published: { keys: Set<string>; addrs: LoadBalancerIngress[] } | undefined;

  c.watch('Pod', (ev) => {
    const key = keyFor(ev.object);
    const pod = ev.object as StoredPod;
    if (ev.type !== 'DELETED' && isControllerPod(pod)) pods.set(key, pod);
    else if (!pods.delete(key)) return undefined;
    return STATUS_KEY;
  });
  c.watch('Ingress');

  /** The running controller pods, oldest first: the first is the leader. */
  const running = (): Array<{ key: string; pod: StoredPod; since: number }> => {
    const out: Array<{ key: string; pod: StoredPod; since: number }> = [];
    for (const [key, pod] of pods) {
      const since = runningSince(pod);
      if (since !== undefined) out.push({ key, pod, since });
    }
    return out.sort((a, b) => a.since - b.since || (a.key < b.key ? -1 : 1));
  };

  /** Models status.go runningAddresses. */
  const runningAddresses = (cfg: ControllerConfig): LoadBalancerIngress[] | undefined => {
    if (cfg.publishStatusAddress) {
      return cfg.publishStatusAddress.split(/,\s*/).map(toLBIngress);
    }
    if (cfg.publishService) {
      const [ns = '', name = ''] = cfg.publishService.split('/');
      const svc = store.get<StoredService>('Service', ns, name);
      if (!svc) return undefined; // an error: the sync changes nothing
      const spec = svc.spec ?? {};
      switch (spec.type) {
        case 'ExternalName':
          return [{ hostname: spec.externalName ?? '' }];
        case 'NodePort':
          if (!spec.externalIPs) return [{ ip: spec.clusterIP ?? '' }];
          return spec.externalIPs.map((ip) => ({ ip }));
        case 'LoadBalancer': {
          const out: LoadBalancerIngress[] = (svc.status?.loadBalancer?.ingress ?? []).map((i) =>
            i.ip ? { ip: i.ip } : { hostname: i.hostname ?? '' },
          );
          for (const ip of spec.externalIPs ?? [])
            if (!out.some((a) => a.ip === ip || a.hostname === ip)) out.push({ ip });
          return out;
        }
        default:
          return [{ ip: spec.clusterIP ?? '' }];
      }
    }
    const out: LoadBalancerIngress[] = [];
    for (const { pod } of running()) {
      if (!isPodReady(pod)) continue;
      const addr = nodeAddress(store.get<StoredNode>('Node', undefined, pod.spec?.nodeName ?? ''));
      if (addr && !out.some((a) => a.ip === addr || a.hostname === addr))
        out.push(toLBIngress(addr));
    }
    return out;
  };

  /**
   * Models status.go updateStatus: every Ingress of the class (or, on shutdown, every one the
   * lister held) whose addresses differ. Returns the Ingresses it considered.
   */
  const updateStatus = (
    cfg: ControllerConfig,
    addrs: LoadBalancerIngress[],
    only?: ReadonlySet<string>,
  ): Set<string> => {
    const want = sortAddresses(addrs);
    const keys = new Set<string>();
    for (const ing of store.list<StoredIngress>('Ingress')) {
      const key = keyFor(ing);
      if (only ? !only.has(key) : !handlesIngress(store, cfg, ing)) continue;
      keys.add(key);
      const cur = sortAddresses((ing.status?.loadBalancer?.ingress ?? []) as LoadBalancerIngress[]);
      if (deepEqual(cur, want)) continue;
      const copy = deepClone(ing);
      const next = {
        ...copy,
        status: { ...copy.status, loadBalancer: want.length > 0 ? { ingress: want } : {} },
      };
      store.updateStatus(next, { actor: INGRESS_CONTROLLER_NAME, transfer: true });
    }
    return keys;
  };

  // Models status.go statusSync.Run / sync / Shutdown, with the leader election reduced to
  // "the oldest running controller pod leads".
  const syncStatus = (): void => {
    const now = ctx.clock.now();
    const all = running();
    const first = all[0];
    if (!first) {
      // Shutdown of the last controller pod: it removes the addresses it published (with
      // other controller pods about, it leaves them to the next leader).
      if (leader && published && pods.size <= 1) updateStatus(leader.cfg, [], published.keys);
      leader = undefined;
      published = undefined;
      return;
    }
    if (!leader || leader.key !== first.key || leader.since !== first.since) {
      // A new leader: its informer lists every Ingress (Sync events), its status loop starts.
      leader = {
        key: first.key,
        since: first.since,
        nextSync: now,
        cfg: controllerConfig(first.pod),
      };
      for (const ing of store.list<StoredIngress>('Ingress')) c.enqueue(keyFor(ing));
    }
    // The flags as the leader's container has them (a changed Deployment makes a new pod).
    leader.cfg = controllerConfig(first.pod);
    if (now >= leader.nextSync) {
      const addrs = runningAddresses(leader.cfg);
      if (addrs) published = { keys: updateStatus(leader.cfg, addrs), addrs };
      while (leader.nextSync <= now) leader.nextSync += STATUS_UPDATE_INTERVAL_MS;
    }
    c.enqueueAfter(STATUS_KEY, leader.nextSync - now, { background: true });
  };

  // Models store.go's Ingress event handlers: `Sync` for each Ingress of its class.
  const syncIngress = (key: string): void => {
    if (!leader) return;
    const [ns = '', name = ''] = key.split('/');
    const ing = store.get<StoredIngress>('Ingress', ns, name);
    if (!ing || !handlesIngress(store, leader.cfg, ing)) return;
    recorder.event(ing, 'Normal', 'Sync', 'Scheduled for sync');
  };

  c.onReconcile((key) => {
    if (key === STATUS_KEY) syncStatus();
    else syncIngress(key);
  });
}
