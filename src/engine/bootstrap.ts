/**
 * What `kubeadm init` + `kubeadm join` + the CNI leave behind: the four namespaces, the Node
 * objects (control plane tainted NoSchedule), the control-plane static pods on the first node,
 * the `kubernetes` Service (10.96.0.1:443 → apiserver :6443), and the kube-system add-ons kubeadm
 * installs — the kube-proxy DaemonSet and the CoreDNS Deployment, ConfigMap and kube-dns Service.
 * The controllers then run the add-ons like any other workload.
 *
 * ServiceAccounts: kube-controller-manager's per-controller accounts and the add-ons' `coredns`
 * and `kube-proxy` in kube-system (controllers/serviceaccount.ts); the `default` account and the
 * `kube-root-ca.crt` ConfigMap of each namespace come from their controllers.
 *
 * Simplified: no flannel DaemonSet pods (the overlay is modelled by the network layer), no
 * Secrets or RBAC objects.
 */
import type { ConfigMap, Namespace, Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { DaemonSet, Deployment } from 'kubernetes-types/apps/v1';
import type { KObject } from './api/types';
import type { NodeConfig } from './cluster-config';
import type { ClusterContext } from './context';
import {
  createControllerManagerServiceAccounts,
  ensureServiceAccount,
} from './controllers/serviceaccount';

const SYSTEM = 'kube-apiserver';

export const CONTROL_PLANE_TAINT = {
  key: 'node-role.kubernetes.io/control-plane',
  effect: 'NoSchedule',
} as const;

/** Images of the system components, as kubeadm v1.30 pulls them. */
export function systemImages(version: string): Record<string, string> {
  return {
    etcd: 'registry.k8s.io/etcd:3.5.12-0',
    'kube-apiserver': `registry.k8s.io/kube-apiserver:${version}`,
    'kube-controller-manager': `registry.k8s.io/kube-controller-manager:${version}`,
    'kube-scheduler': `registry.k8s.io/kube-scheduler:${version}`,
    'kube-proxy': `registry.k8s.io/kube-proxy:${version}`,
    coredns: 'registry.k8s.io/coredns/coredns:v1.11.1',
  };
}

export function nodeObject(n: NodeConfig): Node & KObject {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
  };
  if (n.role === 'control-plane') {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: n.name,
      labels,
      annotations: {
        'kubeadm.alpha.kubernetes.io/cri-socket': 'unix:///var/run/containerd/containerd.sock',
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: {
      podCIDR: n.podCIDR,
      podCIDRs: [n.podCIDR],
      ...(n.role === 'control-plane' ? { taints: [{ ...CONTROL_PLANE_TAINT }] } : {}),
    },
  };
}

function nodeStatus(n: NodeConfig, version: string, now: string): Node['status'] {
  const resources = {
    cpu: n.cpu,
    memory: n.memory,
    pods: String(n.pods),
    'ephemeral-storage': '61202244Ki',
  };
  return {
    addresses: [
      { type: 'InternalIP', address: n.ip },
      { type: 'Hostname', address: n.name },
    ],
    capacity: resources,
    allocatable: resources,
    conditions: [
      cond(
        'MemoryPressure',
        'False',
        'KubeletHasSufficientMemory',
        'kubelet has sufficient memory available',
        now,
      ),
      cond(
        'DiskPressure',
        'False',
        'KubeletHasNoDiskPressure',
        'kubelet has no disk pressure',
        now,
      ),
      cond(
        'PIDPressure',
        'False',
        'KubeletHasSufficientPID',
        'kubelet has sufficient PID available',
        now,
      ),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', now),
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      architecture: 'amd64',
      bootID: '',
      containerRuntimeVersion: 'containerd://1.7.13',
      kernelVersion: '5.15.0-107-generic',
      kubeProxyVersion: version,
      kubeletVersion: version,
      machineID: '',
      operatingSystem: 'linux',
      osImage: 'Ubuntu 22.04.4 LTS',
      systemUUID: '',
    },
  };
}

function cond(type: string, status: string, reason: string, message: string, now: string) {
  return { type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now };
}

/** Create everything a fresh kubeadm cluster has. Controllers must already be running. */
export function bootstrapCluster(ctx: ClusterContext): void {
  const { store, config } = ctx;
  const now = (): string =>
    store.get('Namespace', undefined, 'default')?.metadata.creationTimestamp ?? '';
  for (const name of ['default', 'kube-node-lease', 'kube-public', 'kube-system']) {
    const ns: Namespace & KObject = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name } },
      spec: { finalizers: ['kubernetes'] },
    };
    const created = store.create(ns, { actor: SYSTEM });
    store.updateStatus({ ...created, status: { phase: 'Active' } }, { actor: SYSTEM });
  }

  // kube-controller-manager starts: one ServiceAccount per controller (serviceaccount.ts).
  createControllerManagerServiceAccounts(store);

  // kubelets register their nodes and report them Ready.
  for (const n of config.nodes) {
    const created = store.create(nodeObject(n), { actor: `kubelet/${n.name}` });
    store.updateStatus(
      { ...created, status: nodeStatus(n, config.kubernetesVersion, now()) },
      { actor: `kubelet/${n.name}` },
    );
  }

  const master = config.nodes.find((n) => n.role === 'control-plane') ?? config.nodes[0];
  if (!master) return;
  const images = systemImages(config.kubernetesVersion);

  // The apiserver's own Service; its endpoints are the apiserver's address, kept by the apiserver.
  const kubernetesSvc: Service & KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
    },
  };
  store.create(kubernetesSvc, { actor: SYSTEM });

  // Static pods: the kubelet on the control-plane node creates their mirror pods.
  const staticPods: Array<[string, string, Record<string, string>]> = [
    ['etcd', images.etcd!, { component: 'etcd', tier: 'control-plane' }],
    [
      'kube-apiserver',
      images['kube-apiserver']!,
      { component: 'kube-apiserver', tier: 'control-plane' },
    ],
    [
      'kube-controller-manager',
      images['kube-controller-manager']!,
      { component: 'kube-controller-manager', tier: 'control-plane' },
    ],
    [
      'kube-scheduler',
      images['kube-scheduler']!,
      { component: 'kube-scheduler', tier: 'control-plane' },
    ],
  ];
  const masterNode = store.get('Node', undefined, master.name)!;
  for (const [component, image, labels] of staticPods) {
    const pod: Pod & KObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${component}-${master.name}`,
        namespace: 'kube-system',
        labels,
        annotations: {
          'kubernetes.io/config.source': 'file',
          'kubernetes.io/config.mirror': component,
        },
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Node',
            name: master.name,
            uid: masterNode.metadata.uid ?? '',
            controller: true,
          },
        ],
      },
      spec: {
        nodeName: master.name,
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        priority: 2000001000,
        containers: [
          { name: component, image, imagePullPolicy: 'IfNotPresent', command: [component] },
        ],
        tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
      },
    };
    store.create(pod, { actor: `kubelet/${master.name}` });
  }

  // kube-proxy: a DaemonSet, one pod per node, on the host network.
  ensureServiceAccount(store, 'kube-system', 'kube-proxy', 'kubeadm');
  const kubeProxy: DaemonSet & KObject = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { 'k8s-app': 'kube-proxy' } },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-proxy' } },
        spec: {
          hostNetwork: true,
          priorityClassName: 'system-node-critical',
          serviceAccountName: 'kube-proxy',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: 'kube-proxy',
              image: images['kube-proxy']!,
              imagePullPolicy: 'IfNotPresent',
              command: [
                '/usr/local/bin/kube-proxy',
                '--config=/var/lib/kube-proxy/config.conf',
                '--hostname-override=$(NODE_NAME)',
              ],
            },
          ],
        },
      },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } },
    },
  };
  store.create(kubeProxy, { actor: 'kubeadm' });

  // CoreDNS: ConfigMap with kubeadm's Corefile, the kube-dns Service, the coredns Deployment.
  const corefile = [
    '.:53 {',
    '    errors',
    '    health {',
    '       lameduck 5s',
    '    }',
    '    ready',
    `    kubernetes ${config.clusterDomain} in-addr.arpa ip6.arpa {`,
    '       pods insecure',
    '       fallthrough in-addr.arpa ip6.arpa',
    '       ttl 30',
    '    }',
    '    prometheus :9153',
    '    forward . /etc/resolv.conf {',
    '       max_concurrent 1000',
    '    }',
    '    cache 30',
    '    loop',
    '    reload',
    '    loadbalance',
    '}',
    '',
  ].join('\n');
  const cm: ConfigMap & KObject = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'coredns', namespace: 'kube-system' },
    data: { Corefile: corefile },
  };
  store.create(cm, { actor: 'kubeadm' });

  const kubeDns: Service & KObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'kube-dns',
      namespace: 'kube-system',
      labels: {
        'k8s-app': 'kube-dns',
        'kubernetes.io/cluster-service': 'true',
        'kubernetes.io/name': 'CoreDNS',
      },
      annotations: { 'prometheus.io/port': '9153', 'prometheus.io/scrape': 'true' },
    },
    spec: {
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      selector: { 'k8s-app': 'kube-dns' },
      ports: [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      type: 'ClusterIP',
      sessionAffinity: 'None',
    },
  };
  store.create(kubeDns, { actor: 'kubeadm' });

  ensureServiceAccount(store, 'kube-system', 'coredns', 'kubeadm');
  const coredns: Deployment & KObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: '25%' } },
      template: {
        metadata: { labels: { 'k8s-app': 'kube-dns' } },
        spec: {
          priorityClassName: 'system-cluster-critical',
          serviceAccountName: 'coredns',
          dnsPolicy: 'Default',
          nodeSelector: { 'kubernetes.io/os': 'linux' },
          tolerations: [
            { key: 'CriticalAddonsOnly', operator: 'Exists' },
            { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
          ],
          containers: [
            {
              name: 'coredns',
              image: images.coredns!,
              imagePullPolicy: 'IfNotPresent',
              args: ['-conf', '/etc/coredns/Corefile'],
              resources: { limits: { memory: '170Mi' }, requests: { cpu: '100m', memory: '70Mi' } },
              ports: [
                { containerPort: 53, name: 'dns', protocol: 'UDP' },
                { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
                { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
              ],
              livenessProbe: {
                httpGet: { path: '/health', port: 8080, scheme: 'HTTP' },
                initialDelaySeconds: 60,
                timeoutSeconds: 5,
                successThreshold: 1,
                failureThreshold: 5,
              },
              readinessProbe: { httpGet: { path: '/ready', port: 8181, scheme: 'HTTP' } },
            },
          ],
        },
      },
    },
  };
  store.create(coredns, { actor: 'kubeadm' });
}
