/**
 * The shape of a simulated cluster: its nodes, addresses and version. `createCluster()` without
 * options builds the kubeadm-like default: `master` (control-plane, tainted NoSchedule), `node1`
 * and `node2`, node IPs in 192.168.100.0/24, flannel-style pod CIDRs 10.244.N.0/24, services in
 * 10.96.0.0/12, Kubernetes v1.30.
 */

export type NodeRole = 'control-plane' | 'worker';

export interface NodeConfig {
  name: string;
  role: NodeRole;
  /** InternalIP. */
  ip: string;
  /** The node's pod CIDR, e.g. 10.244.1.0/24. */
  podCIDR: string;
  /** Allocatable CPU as a quantity string (`2`, `3500m`). */
  cpu: string;
  /** Allocatable memory (`4Gi`). */
  memory: string;
  /** Max pods (kubelet --max-pods, default 110). */
  pods: number;
}

export interface ClusterConfig {
  seed: number;
  kubernetesVersion: string; // e.g. v1.30.2
  serviceCIDR: string; // 10.96.0.0/12
  clusterCIDR: string; // 10.244.0.0/16
  nodePortRange: { base: number; size: number }; // 30000 + 2768
  clusterDomain: string; // cluster.local
  nodes: NodeConfig[];
}

/** Options for createCluster(): everything optional. */
export interface ClusterOptions {
  seed?: number;
  /** Number of worker nodes (default 2: node1, node2). Ignored when `nodes` is given. */
  workers?: number;
  /** Full control over the nodes; the first control-plane node runs the control plane. */
  nodes?: Array<Partial<NodeConfig> & { name: string }>;
  /** Per-node CPU and memory for generated nodes. */
  nodeCpu?: string;
  nodeMemory?: string;
  /**
   * Hand the cluster over this long after its creation (the epoch), so the system pods are Running and it
   * looks like one that has been up for a while (default 10 minutes; 0 = as soon as bootstrap settles).
   */
  bootstrapMs?: number;
  /** The workspace's files (`/root/test` on the master: the editor's tabs), by name. */
  files?: Record<string, string>;
}

export const KUBERNETES_VERSION = 'v1.30.2';

export function resolveConfig(opts: ClusterOptions = {}): ClusterConfig {
  const seed = opts.seed ?? 1;
  const cpu = opts.nodeCpu ?? '2';
  const memory = opts.nodeMemory ?? '4Gi';
  let nodes: NodeConfig[];
  if (opts.nodes && opts.nodes.length > 0) {
    nodes = opts.nodes.map((n, i) => ({
      role: i === 0 ? 'control-plane' : 'worker',
      ip: `192.168.${100 + Math.floor((i + 10) / 256)}.${(i + 10) % 256}`,
      podCIDR: `10.244.${i}.0/24`,
      cpu,
      memory,
      pods: 110,
      ...n,
    }));
  } else {
    const workers = opts.workers ?? 2;
    nodes = [
      {
        name: 'master',
        role: 'control-plane',
        ip: '192.168.100.10',
        podCIDR: '10.244.0.0/24',
        cpu,
        memory,
        pods: 110,
      },
    ];
    for (let i = 1; i <= workers; i++) {
      nodes.push({
        name: `node${i}`,
        role: 'worker',
        ip: `192.168.${100 + Math.floor((i + 10) / 256)}.${(i + 10) % 256}`,
        podCIDR: `10.244.${i % 256}.0/24`,
        cpu,
        memory,
        pods: 110,
      });
    }
  }
  return {
    seed,
    kubernetesVersion: KUBERNETES_VERSION,
    serviceCIDR: '10.96.0.0/12',
    clusterCIDR: '10.244.0.0/16',
    nodePortRange: { base: 30000, size: 2768 },
    clusterDomain: 'cluster.local',
    nodes,
  };
}
