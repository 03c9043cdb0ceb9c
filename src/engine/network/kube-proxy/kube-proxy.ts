/**
 * kube-proxy: one per node (the kube-system/kube-proxy DaemonSet's pod), keeping the node's data
 * plane (`dataplaneOf(ctx).nodes.get(node)`) in step with the Services and EndpointSlices.
 *
 * Models cmd/kube-proxy/app/server.go (the informers on Services, EndpointSlices and this node)
 * and the proxier's sync loop (pkg/util/async BoundedFrequencyRunner driving syncProxyRules):
 *  - every Service or EndpointSlice event, and a change of this node's Node object that matters
 *    (pod CIDR, addresses; not the heartbeats), queues the single key `sync` of this node's
 *    controller `kube-proxy/<node>`. The work queue keeps at most one pending, so a burst of
 *    events in one instant costs a few syncs, not one per event;
 *  - in iptables mode the sync builds the ProxyInput (shared, incrementally cached service ports)
 *    and hands it to the node's IptablesProxier, which rewrites only what changed;
 *  - the playground's proxy-mode setting (`dataplaneOf(ctx).onSettings`) queues a sync too.
 *
 *  - syncs are rate-limited as the BoundedFrequencyRunner does it: a token bucket of 2 syncs
 *    (burstSyncs) refilled at one per minSyncPeriod — 1 s in iptables mode (and userspace, which
 *    shares the setting), 0 s (no limit) in ipvs mode, the v1.30 defaults. So a burst of
 *    changes is programmed at once, and a steady stream of changes (pods turning Ready one by
 *    one) at most once a second: a new pod can take up to a second to become reachable.
 *
 * Simplified: syncPeriod (the periodic resync, every 30 s upstream; a full one every hour since
 * 1.28) is not modelled — nothing here changes the rules behind kube-proxy's back. kube-proxy's
 * own startup Event ("Starting kube-proxy.") is not recorded.
 */
import type { Node } from 'kubernetes-types/core/v1';
import type { KObject, WatchEvent } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { NodeDataplane } from '../dataplane';
import { dataplaneOf } from '../dataplane';
import type { ProxyMode, TableName, Tables } from '../model';
import { kubeletBaseTables } from '../netfilter/tables';
import { IptablesProxier } from './iptables';
import { ipvsNodeAddresses, syncIpvs } from './ipvs';
import { buildProxyInput } from './service-ports';
import { UserspaceProxier } from './userspace';

type StoredNode = Node & KObject;

const SYNC_KEY = 'sync';
/** --iptables-min-sync-period / --ipvs-min-sync-period defaults (v1.30). */
const MIN_SYNC_PERIOD_MS: Record<ProxyMode, number> = { iptables: 1000, userspace: 1000, ipvs: 0 };
/** The proxiers' burstSyncs. */
const BURST_SYNCS = 2;

/** The per-node kube-proxies, by node name (for tests and the lead's wiring). */
export interface KubeProxies {
  /** The iptables proxier of a node, while the mode is iptables. */
  iptablesProxier(node: string): IptablesProxier | undefined;
  /** The userspace proxier of a node (its portals and load balancer), while the mode is userspace. */
  userspaceProxier(node: string): UserspaceProxier | undefined;
  /** How many syncs each node's kube-proxy has run (for tests and the inspector). */
  syncCount(node: string): number;
}

const registry = new WeakMap<ClusterContext, KubeProxies>();

/** The kube-proxies started for this cluster (undefined before startKubeProxies). */
export function kubeProxiesOf(ctx: ClusterContext): KubeProxies | undefined {
  return registry.get(ctx);
}

/** Start one kube-proxy per node of the cluster's configuration. */
export function startKubeProxies(ctx: ClusterContext): void {
  const proxiers = new Map<string, IptablesProxier>();
  const userspace = new Map<string, UserspaceProxier>();
  const syncs = new Map<string, number>();
  for (const n of ctx.config.nodes) startKubeProxy(ctx, n.name, proxiers, userspace, syncs);
  registry.set(ctx, {
    iptablesProxier: (node) => proxiers.get(node),
    userspaceProxier: (node) => userspace.get(node),
    syncCount: (node) => syncs.get(node) ?? 0,
  });
}

function startKubeProxy(
  ctx: ClusterContext,
  nodeName: string,
  proxiers: Map<string, IptablesProxier>,
  userspace: Map<string, UserspaceProxier>,
  syncs: Map<string, number>,
): void {
  const dataplane = dataplaneOf(ctx);
  const c = ctx.newController(`kube-proxy/${nodeName}`);
  c.watch('Service', () => SYNC_KEY)
    .watch('EndpointSlice', () => SYNC_KEY)
    .watch('Node', (ev) => (nodeChanged(ev, nodeName) ? SYNC_KEY : undefined))
    .onReconcile(() => {
      const wait = takeSyncToken();
      if (wait > 0) c.enqueueAfter(SYNC_KEY, wait);
      else syncProxyRules();
    });

  // Models pkg/util/async/bounded_frequency_runner.go tryRun: the token bucket
  // (flowcontrol.NewTokenBucketRateLimiter(1/minInterval, burstRuns)).
  let tokens = BURST_SYNCS;
  let refilledAt = ctx.clock.now();
  /** 0 when a sync may run now (a token is taken), else the ms until the next token. */
  function takeSyncToken(): number {
    const minInterval = MIN_SYNC_PERIOD_MS[dataplane.settings.proxyMode];
    const now = ctx.clock.now();
    if (minInterval <= 0) return 0;
    tokens = Math.min(BURST_SYNCS, tokens + (now - refilledAt) / minInterval);
    refilledAt = now;
    if (tokens >= 1) {
      tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - tokens) * minInterval);
  }
  dataplane.onSettings(() => c.enqueue(SYNC_KEY));
  c.enqueue(SYNC_KEY);

  // Models proxier.go syncProxyRules as called by the sync runner (one sync per queued key).
  function syncProxyRules(): void {
    syncs.set(nodeName, (syncs.get(nodeName) ?? 0) + 1);
    const mode = dataplane.settings.proxyMode;
    const current = dataplane.nodes.get(nodeName);
    if (mode === 'iptables') {
      userspace.delete(nodeName);
      let proxier = proxiers.get(nodeName);
      if (!proxier) {
        // A new proxier (first start, or back from another mode) does a full sync.
        proxier = new IptablesProxier();
        proxiers.set(nodeName, proxier);
      }
      const { tables } = proxier.sync(buildProxyInput(ctx, nodeName));
      if (current?.mode === 'iptables' && current.tables === tables) return;
      dataplane.nodes.set(nodeName, freshNodeDataplane(nodeName, 'iptables', tables, current));
      return;
    }
    // Leaving iptables mode, kube-proxy's CleanupLeftovers removes the iptables-mode chains (a
    // new proxier of the next mode writes its own from scratch); leaving userspace, its portals
    // close and its ports are released.
    proxiers.delete(nodeName);
    if (mode !== 'userspace') userspace.delete(nodeName);
    const input = buildProxyInput(ctx, nodeName);
    if (mode === 'userspace') {
      let proxier = userspace.get(nodeName);
      if (!proxier) {
        proxier = new UserspaceProxier(ctx.rng(`kube-proxy/${nodeName}/userspace`));
        userspace.set(nodeName, proxier);
      }
      const { tables, proxyPorts } = proxier.sync(input, ctx.clock.now());
      const next = freshNodeDataplane(nodeName, 'userspace', withKubeletChains(tables), current);
      next.proxyPorts = proxyPorts;
      dataplane.nodes.set(nodeName, next);
      return;
    }
    // ipvs
    const r = syncIpvs(input, { nodeAddresses: ipvsNodeAddresses(ctx, nodeName) });
    const next = freshNodeDataplane(nodeName, 'ipvs', withKubeletChains(r.tables), current);
    next.ipsets = r.ipsets;
    next.virtualServers = r.virtualServers;
    dataplane.nodes.set(nodeName, next);
  }
}

/**
 * kube-proxy's tables of the userspace or ipvs mode on a node whose kubelet has written its own
 * chains (KUBE-FIREWALL, the canaries; iptables mode's generator includes them itself): the
 * kubelet's chains come first, as it creates them at start; in the built-in chains kube-proxy's
 * jumps come before the kubelet's, since kube-proxy prepends its own.
 */
function withKubeletChains(proxy: Tables): Tables {
  const base = kubeletBaseTables();
  for (const name of Object.keys(base) as TableName[]) {
    const chains = base[name].chains;
    for (const [chain, c] of proxy[name].chains) {
      const kubelet = chains.get(chain);
      chains.set(chain, kubelet ? { name: chain, rules: [...c.rules, ...kubelet.rules] } : c);
    }
  }
  return base;
}

/** A node's data plane in `mode`, keeping the counters objects of the previous one. */
function freshNodeDataplane(
  node: string,
  mode: ProxyMode,
  tables: NodeDataplane['tables'],
  previous: NodeDataplane | undefined,
): NodeDataplane {
  return {
    node,
    mode,
    tables,
    counters: previous?.counters ?? new WeakMap(),
    policyCounters: previous?.policyCounters ?? new Map(),
    ipsets: new Map(),
    virtualServers: [],
    proxyPorts: new Map(),
  };
}

/** Whether a Node event matters to this node's kube-proxy: its own Node, address or CIDR changed. */
function nodeChanged(ev: WatchEvent, nodeName: string): boolean {
  const node = ev.object as StoredNode;
  if (node.metadata.name !== nodeName) return false;
  if (ev.type !== 'MODIFIED' || !ev.old) return true;
  const old = ev.old as StoredNode;
  return (
    node.spec?.podCIDR !== old.spec?.podCIDR ||
    internalIP(node) !== internalIP(old) ||
    node.metadata.labels !== old.metadata.labels
  );
}

function internalIP(n: StoredNode): string | undefined {
  return n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}
