/**
 * The cluster's data plane state, beside the API store: per node, what its kube-proxy has
 * programmed (netfilter tables with their packet counters, ipvs's ipsets and virtual servers, the
 * userspace proxy's ports); and the playground's own settings that shape it (the proxy mode and
 * the simulated cloud load balancer), which `playground proxy-mode|cloud-lb`, the engine API, the
 * UI and `npm run sim -- --proxy-mode` all read and write.
 *
 * One Dataplane per cluster, found from the cluster's context (`dataplaneOf(ctx)`), so that the
 * context itself needs no field for it.
 */
import type { ClusterContext } from '../context';
import type { Counters, IpSet, ProxyMode, Rule, Tables, VirtualServer } from './model';

/** What one node's kube-proxy has programmed. */
export interface NodeDataplane {
  node: string;
  /** The mode these rules were written in. */
  mode: ProxyMode;
  tables: Tables;
  /**
   * Packet and byte counters, by rule object (rules of a chain that a sync rewrites are new
   * objects, so their counters start from zero, as iptables-restore's do), and of the built-in
   * chains' policies by `table/chain`.
   */
  counters: WeakMap<Rule, Counters>;
  policyCounters: Map<string, Counters>;
  /** ipvs mode. */
  ipsets: Map<string, IpSet>;
  virtualServers: VirtualServer[];
  /** userspace mode: the proxy's listening port per service port (svcPortName/proto). */
  proxyPorts: Map<string, number>;
}

export interface PlaygroundSettings {
  proxyMode: ProxyMode;
  /** A simulated cloud provider assigns LoadBalancer addresses (203.0.113.0/24). */
  cloudLB: boolean;
}

export type SettingsListener = (settings: Readonly<PlaygroundSettings>) => void;

export class Dataplane {
  readonly nodes = new Map<string, NodeDataplane>();
  private current: PlaygroundSettings = { proxyMode: 'iptables', cloudLB: false };
  private readonly listeners = new Set<SettingsListener>();

  get settings(): Readonly<PlaygroundSettings> {
    return this.current;
  }

  /** Change settings; listeners (kube-proxies, the cloud controller, the UI) hear at once. */
  update(patch: Partial<PlaygroundSettings>): void {
    const next = { ...this.current, ...patch };
    if (next.proxyMode === this.current.proxyMode && next.cloudLB === this.current.cloudLB) return;
    this.current = next;
    for (const l of [...this.listeners]) l(next);
  }

  onSettings(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

const planes = new WeakMap<ClusterContext, Dataplane>();

/** The cluster's data plane (created on first use). */
export function dataplaneOf(ctx: ClusterContext): Dataplane {
  let d = planes.get(ctx);
  if (!d) {
    d = new Dataplane();
    planes.set(ctx, d);
  }
  return d;
}
