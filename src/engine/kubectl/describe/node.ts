/**
 * `kubectl describe node`.
 *
 * Models kubectl 1.30 pkg/describe/describe.go NodeDescriber.Describe, describeNode,
 * describeNodeLease, describeNodeResource and getPodsTotalRequestsAndLimits, with
 * component-helpers resource.PodRequests / PodLimits (the containers' sum, at least the largest
 * init container, plus the pod overhead).
 *
 * The `Lease:` block is the node's Lease in kube-node-lease, which its kubelet renews every 10 s
 * (controllers/node-status.ts); `<unset>` when there is none.
 */
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { quantityMilliValue, quantityValue, tryParseQuantity } from '../../api/quantity';
import type { KObject } from '../../api/types';
import type { DescribeContext } from './context';
import { describeEvents } from './events';
import type { StoredEvent } from './events';
import {
  QuantitySum,
  printAnnotationsMultiline,
  printLabelsMultiline,
  printTaintsMultiline,
  quantityString,
  rfc1123z,
  since,
} from './format';
import type { PrefixWriter } from './prefix-writer';
import { LEVEL_0, LEVEL_1, tabbedString } from './prefix-writer';

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;

const LABEL_NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_LABEL_ROLE = 'kubernetes.io/role';

/** findNodeRoles: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`, sorted. */
export function findNodeRoles(node: Node): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata?.labels ?? {})) {
    if (k.startsWith(LABEL_NODE_ROLE_PREFIX)) {
      const role = k.slice(LABEL_NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_LABEL_ROLE && v !== '') {
      roles.add(v);
    }
  }
  return [...roles].sort();
}

/** The pods on the node that are not finished (the field selector describe uses). */
function nonTerminatedPods(ctx: DescribeContext, nodeName: string): StoredPod[] {
  let pods: StoredPod[];
  try {
    // The kubelets keep a Pod index on spec.nodeName (kubelet.ts ensurePodNodeIndex).
    pods = ctx.store.byIndex<StoredPod>('Pod', 'nodeName', nodeName);
  } catch {
    pods = ctx.store.list<StoredPod>('Pod').filter((p) => p.spec?.nodeName === nodeName);
  }
  return pods
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .sort((a, b) => {
      const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name ?? ''}`;
      const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name ?? ''}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    });
}

interface PodResources {
  requests: Map<string, QuantitySum>;
  limits: Map<string, QuantitySum>;
}

/** resourcehelper.PodRequests / PodLimits. */
function podResources(pod: StoredPod): PodResources {
  const sum = (field: 'requests' | 'limits'): Map<string, QuantitySum> => {
    const total = new Map<string, QuantitySum>();
    for (const c of pod.spec?.containers ?? []) {
      for (const [name, v] of Object.entries(c.resources?.[field] ?? {})) {
        let s = total.get(name);
        if (!s) total.set(name, (s = new QuantitySum()));
        s.add(v);
      }
    }
    // Init containers run one at a time: the pod needs at least the largest of them.
    for (const c of pod.spec?.initContainers ?? []) {
      for (const [name, v] of Object.entries(c.resources?.[field] ?? {})) {
        const one = new QuantitySum();
        one.add(v);
        let s = total.get(name);
        if (!s) total.set(name, (s = new QuantitySum()));
        s.max(one);
      }
    }
    for (const [name, v] of Object.entries(pod.spec?.overhead ?? {})) {
      let s = total.get(name);
      if (!s) total.set(name, (s = new QuantitySum()));
      s.add(v);
    }
    return total;
  };
  return { requests: sum('requests'), limits: sum('limits') };
}

const ZERO = new QuantitySum();

/** int64(float64(part) / float64(whole) * 100), as Go truncates. */
function percent(part: number, whole: number): number {
  // (Go would print the int64 conversion of +Inf here; no node has zero allocatable cpu.)
  if (whole === 0) return 0;
  return Math.trunc((part / whole) * 100);
}

function milli(s: QuantitySum): number {
  return quantityMilliValue({ nanos: s.value, format: 'DecimalSI' });
}

function value(s: QuantitySum): number {
  return quantityValue({ nanos: s.value, format: 'DecimalSI' });
}

function allocatableOf(node: StoredNode): Record<string, string> {
  const alloc = node.status?.allocatable ?? {};
  return Object.keys(alloc).length > 0 ? alloc : (node.status?.capacity ?? {});
}

function describeNodeResource(
  pods: StoredPod[],
  node: StoredNode,
  w: PrefixWriter,
  now: number,
): void {
  const alloc = allocatableOf(node);
  const allocCpu = quantityMilliValue(
    tryParseQuantity(alloc.cpu) ?? { nanos: 0n, format: 'DecimalSI' },
  );
  const allocMem = quantityValue(
    tryParseQuantity(alloc.memory) ?? { nanos: 0n, format: 'DecimalSI' },
  );
  const allocEph = quantityValue(
    tryParseQuantity(alloc['ephemeral-storage']) ?? { nanos: 0n, format: 'DecimalSI' },
  );
  w.write(LEVEL_0, `Non-terminated Pods:\t(${pods.length} in total)\n`);
  w.write(
    LEVEL_1,
    'Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n',
  );
  w.write(
    LEVEL_1,
    '---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n',
  );
  const totalReq = new Map<string, QuantitySum>();
  const totalLim = new Map<string, QuantitySum>();
  const addTo = (total: Map<string, QuantitySum>, m: Map<string, QuantitySum>): void => {
    for (const [name, q] of m) {
      let s = total.get(name);
      if (!s) total.set(name, (s = new QuantitySum()));
      s.addSum(q);
    }
  };
  for (const pod of pods) {
    const { requests, limits } = podResources(pod);
    addTo(totalReq, requests);
    addTo(totalLim, limits);
    const cpuReq = requests.get('cpu') ?? ZERO;
    const cpuLim = limits.get('cpu') ?? ZERO;
    const memReq = requests.get('memory') ?? ZERO;
    const memLim = limits.get('memory') ?? ZERO;
    w.write(
      LEVEL_1,
      `${pod.metadata.namespace ?? ''}\t${pod.metadata.name ?? ''}\t\t` +
        `${cpuReq} (${percent(milli(cpuReq), allocCpu)}%)\t` +
        `${cpuLim} (${percent(milli(cpuLim), allocCpu)}%)\t` +
        `${memReq} (${percent(value(memReq), allocMem)}%)\t` +
        `${memLim} (${percent(value(memLim), allocMem)}%)\t` +
        `${since(pod.metadata.creationTimestamp, now)}\n`,
    );
  }
  w.write(
    LEVEL_0,
    'Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n',
  );
  w.write(LEVEL_1, 'Resource\tRequests\tLimits\n');
  w.write(LEVEL_1, '--------\t--------\t------\n');
  const row = (name: string, allocV: number, useMilli: boolean): void => {
    const req = totalReq.get(name) ?? ZERO;
    const lim = totalLim.get(name) ?? ZERO;
    const get = useMilli ? milli : value;
    const pr = allocV !== 0 ? percent(get(req), allocV) : 0;
    const pl = allocV !== 0 ? percent(get(lim), allocV) : 0;
    w.write(LEVEL_1, `${name}\t${req} (${pr}%)\t${lim} (${pl}%)\n`);
  };
  row('cpu', allocCpu, true);
  row('memory', allocMem, false);
  row('ephemeral-storage', allocEph, false);
  const names = Object.keys(alloc);
  for (const name of names.filter((n) => n.startsWith('hugepages-')).sort()) {
    const a = quantityValue(tryParseQuantity(alloc[name]) ?? { nanos: 0n, format: 'DecimalSI' });
    row(name, a, false);
  }
  const standard = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
  for (const ext of names
    .filter((n) => !n.startsWith('hugepages-') && !standard.has(n) && !n.startsWith('requests.'))
    .sort()) {
    w.write(LEVEL_1, `${ext}\t${totalReq.get(ext) ?? ZERO}\t${totalLim.get(ext) ?? ZERO}\n`);
  }
}

// Models describe.go describeNodeLease (the Lease `kube-node-lease/<node>`, if any).
function describeNodeLease(lease: Lease | undefined, w: PrefixWriter): void {
  const spec = lease?.spec;
  w.write(LEVEL_0, 'Lease:\n');
  w.write(LEVEL_1, `HolderIdentity:\t${spec?.holderIdentity ?? '<unset>'}\n`);
  w.write(LEVEL_1, `AcquireTime:\t${spec?.acquireTime ? rfc1123z(spec.acquireTime) : '<unset>'}\n`);
  w.write(LEVEL_1, `RenewTime:\t${spec?.renewTime ? rfc1123z(spec.renewTime) : '<unset>'}\n`);
}

// Models describe.go NodeDescriber.Describe + describeNode (1.30).
export function describeNode(obj: KObject, ctx: DescribeContext): string {
  const node = obj as StoredNode;
  const name = node.metadata.name ?? '';
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  const pods = nonTerminatedPods(ctx, name);
  return tabbedString((w) => {
    w.write(LEVEL_0, `Name:\t${name}\n`);
    const roles = findNodeRoles(node);
    w.write(LEVEL_0, `Roles:\t${roles.length > 0 ? roles.join(',') : '<none>'}\n`);
    printLabelsMultiline(w, 'Labels', node.metadata.labels);
    printAnnotationsMultiline(w, 'Annotations', node.metadata.annotations);
    w.write(LEVEL_0, `CreationTimestamp:\t${rfc1123z(node.metadata.creationTimestamp)}\n`);
    printTaintsMultiline(w, 'Taints', spec.taints);
    w.write(LEVEL_0, `Unschedulable:\t${spec.unschedulable === true}\n`);
    describeNodeLease(ctx.store.get<Lease & KObject>('Lease', 'kube-node-lease', name), w);
    if (status.conditions?.length) {
      w.write(
        LEVEL_0,
        'Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n',
      );
      w.write(LEVEL_1, '----\t------\t-----------------\t------------------\t------\t-------\n');
      for (const c of status.conditions) {
        w.write(
          LEVEL_1,
          `${c.type} \t${c.status} \t${rfc1123z(c.lastHeartbeatTime)} \t` +
            `${rfc1123z(c.lastTransitionTime)} \t${c.reason ?? ''} \t${c.message ?? ''}\n`,
        );
      }
    }
    w.write(LEVEL_0, 'Addresses:\n');
    for (const a of status.addresses ?? []) w.write(LEVEL_1, `${a.type}:\t${a.address}\n`);
    const printResourceList = (list: Record<string, string>): void => {
      for (const r of Object.keys(list).sort())
        w.write(LEVEL_0, `  ${r}:\t${quantityString(list[r])}\n`);
    };
    if (Object.keys(status.capacity ?? {}).length > 0) {
      w.write(LEVEL_0, 'Capacity:\n');
      printResourceList(status.capacity!);
    }
    if (Object.keys(status.allocatable ?? {}).length > 0) {
      w.write(LEVEL_0, 'Allocatable:\n');
      printResourceList(status.allocatable!);
    }
    const info = status.nodeInfo;
    w.write(LEVEL_0, 'System Info:\n');
    w.write(LEVEL_0, `  Machine ID:\t${info?.machineID ?? ''}\n`);
    w.write(LEVEL_0, `  System UUID:\t${info?.systemUUID ?? ''}\n`);
    w.write(LEVEL_0, `  Boot ID:\t${info?.bootID ?? ''}\n`);
    w.write(LEVEL_0, `  Kernel Version:\t${info?.kernelVersion ?? ''}\n`);
    w.write(LEVEL_0, `  OS Image:\t${info?.osImage ?? ''}\n`);
    w.write(LEVEL_0, `  Operating System:\t${info?.operatingSystem ?? ''}\n`);
    w.write(LEVEL_0, `  Architecture:\t${info?.architecture ?? ''}\n`);
    w.write(LEVEL_0, `  Container Runtime Version:\t${info?.containerRuntimeVersion ?? ''}\n`);
    w.write(LEVEL_0, `  Kubelet Version:\t${info?.kubeletVersion ?? ''}\n`);
    // Still printed by kubectl 1.30 (the field was deprecated in 1.31).
    w.write(LEVEL_0, `  Kube-Proxy Version:\t${info?.kubeProxyVersion ?? ''}\n`);
    if (spec.podCIDR) w.write(LEVEL_0, `PodCIDR:\t${spec.podCIDR}\n`);
    if (spec.podCIDRs?.length) w.write(LEVEL_0, `PodCIDRs:\t${spec.podCIDRs.join(',')}\n`);
    if (spec.providerID) w.write(LEVEL_0, `ProviderID:\t${spec.providerID}\n`);
    describeNodeResource(pods, node, w, ctx.now);
    if (ctx.showEvents) {
      // Controllers record node events by the node's uid, the kubelet by its name.
      const events: StoredEvent[] = ctx.events.search({
        name,
        namespace: '',
        kind: 'Node',
        uids: node.metadata.uid && node.metadata.uid !== name ? [node.metadata.uid, name] : [name],
      });
      describeEvents(events, w, ctx.now);
    }
  });
}
