/**
 * What a card in the graph shows about one object, derived from the object alone: a pod's STATUS
 * exactly as `kubectl get pods` prints it (the engine's podStatusColumns), its tone (the colour
 * family and icon), READY, containers and IP; a node's role, addresses and readiness; a service's
 * type, ClusterIP and ports; a workload's ready count and image. Views are cached per object:
 * store objects are frozen and replaced on every change, so identity says "unchanged".
 */
import type { DaemonSet, Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Node as K8sNode, Pod, Service } from 'kubernetes-types/core/v1';
import { podStatusColumns } from '../../engine';
import type { KObject } from '../../engine';
import { faultOf } from '../inspector/faults';

/** A colour family with its own icon, so status never depends on colour alone. */
export type PodTone =
  'running' | 'pending' | 'creating' | 'terminating' | 'warning' | 'error' | 'done' | 'unknown';

export interface PodView {
  name: string;
  namespace: string;
  /** kubectl's STATUS column. */
  status: string;
  tone: PodTone;
  /** kubectl's READY column, `n/m`. */
  ready: string;
  allReady: boolean;
  restarts: number;
  /** Container names, in spec order. */
  containers: string;
  /** `''` until the pod has an IP. */
  ip: string;
  /** `''` while unscheduled. */
  nodeName: string;
  /** The playground fault it carries (`playground/fault`: refuse, freeze…), for its badge. */
  fault?: string;
}

const IMAGE_PROBLEMS = new Set([
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RegistryUnavailable',
]);
const FAILURES = new Set([
  'CrashLoopBackOff',
  'Error',
  'OOMKilled',
  'Failed',
  'Evicted',
  'RunContainerError',
  'ContainerStatusUnknown',
  'StartError',
  'DeadlineExceeded',
]);

/** The tone of a kubectl STATUS string. */
export function podTone(status: string): PodTone {
  const s = status.startsWith('Init:') ? status.slice(5) : status;
  if (status === 'Running') return 'running';
  if (status === 'Completed' || status === 'Succeeded') return 'done';
  if (status === 'Terminating') return 'terminating';
  if (status === 'Unknown') return 'unknown';
  if (status === 'Pending' || status === 'SchedulingGated') return 'pending';
  if (status === 'ContainerCreating' || status === 'PodInitializing' || /^\d+\/\d+$/.test(s))
    return 'creating';
  if (FAILURES.has(s) || s.startsWith('ExitCode:') || s.startsWith('Signal:')) return 'error';
  if (IMAGE_PROBLEMS.has(s) || status === 'NotReady') return 'warning';
  // A reason not listed here: something needs a look, like an image problem.
  return 'warning';
}

/** A view function cached per object (objects are frozen: same object, same view). */
function cachedView<V>(derive: (obj: KObject) => V): (obj: KObject) => V {
  const cache = new WeakMap<KObject, V>();
  return (obj) => {
    let v = cache.get(obj);
    if (v === undefined) {
      v = derive(obj);
      cache.set(obj, v);
    }
    return v;
  };
}

export const podView = cachedView((obj): PodView => {
  const pod = obj as Pod & KObject;
  // The time only feeds RESTARTS' "(5s ago)", which the graph does not show.
  const cols = podStatusColumns(pod, 0);
  const [readyN, totalN] = cols.ready.split('/');
  const view: PodView = {
    name: pod.metadata.name ?? '',
    namespace: pod.metadata.namespace ?? '',
    status: cols.status,
    tone: podTone(cols.status),
    ready: cols.ready,
    allReady: readyN === totalN && totalN !== '0',
    restarts: Number.parseInt(cols.restarts, 10) || 0,
    containers: (pod.spec?.containers ?? []).map((c) => c.name).join(', '),
    ip: pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? '',
    nodeName: pod.spec?.nodeName ?? '',
  };
  const fault = faultOf(obj);
  if (fault) view.fault = fault;
  return view;
});

/**
 * A name as [head, tail] for a middle ellipsis: the card lets the head shrink (CSS ellipsis) and
 * always shows the tail, because the end of a pod's name (its random suffix) is what tells the
 * replicas apart. Short names are all head.
 */
export function splitName(name: string, tail = 6): [string, string] {
  if (name.length <= tail * 2) return [name, ''];
  return [name.slice(0, -tail), name.slice(-tail)];
}

export type NodeReadiness = 'Ready' | 'NotReady' | 'Unknown';

export interface NodeView {
  name: string;
  role: 'control-plane' | 'worker';
  ip: string;
  podCIDR: string;
  ready: NodeReadiness;
  /** Cordoned: kubectl prints `Ready,SchedulingDisabled`. */
  unschedulable: boolean;
  /** The playground fault it carries (`playground/fault=down`), for its badge. */
  fault?: string;
}

export function isControlPlane(node: KObject): boolean {
  const labels = node.metadata.labels ?? {};
  return (
    labels['node-role.kubernetes.io/control-plane'] !== undefined ||
    labels['node-role.kubernetes.io/master'] !== undefined
  );
}

export const nodeView = cachedView((obj): NodeView => {
  const node = obj as K8sNode & KObject;
  const readyCond = node.status?.conditions?.find((c) => c.type === 'Ready');
  // kubectl's STATUS: any Ready condition that is not True is NotReady (the node controller sets
  // Unknown when the kubelet stops reporting); no Ready condition at all is Unknown.
  const ready: NodeReadiness = !readyCond
    ? 'Unknown'
    : readyCond.status === 'True'
      ? 'Ready'
      : 'NotReady';
  const view: NodeView = {
    name: node.metadata.name ?? '',
    role: isControlPlane(obj) ? 'control-plane' : 'worker',
    ip: node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? '',
    podCIDR: node.spec?.podCIDR ?? node.spec?.podCIDRs?.[0] ?? '',
    ready,
    unschedulable: node.spec?.unschedulable === true,
  };
  const fault = faultOf(obj);
  if (fault) view.fault = fault;
  return view;
});

export interface ServiceView {
  name: string;
  namespace: string;
  type: string;
  clusterIP: string;
  /** One entry per port: `80→8080/TCP`, with `:30080` for a NodePort. */
  ports: string[];
}

export const serviceView = cachedView((obj): ServiceView => {
  const svc = obj as Service & KObject;
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  return {
    name: svc.metadata.name ?? '',
    namespace: svc.metadata.namespace ?? '',
    type,
    clusterIP: spec.clusterIP ?? '',
    ports: (spec.ports ?? []).map((p) => {
      const target =
        p.targetPort !== undefined && String(p.targetPort) !== String(p.port)
          ? `→${p.targetPort}`
          : '';
      const node = p.nodePort !== undefined && type !== 'ClusterIP' ? ` :${p.nodePort}` : '';
      return `${p.port}${target}/${p.protocol ?? 'TCP'}${node}`;
    }),
  };
});

export type WorkloadKind = 'Deployment' | 'ReplicaSet' | 'DaemonSet';

export interface WorkloadView {
  kind: WorkloadKind;
  name: string;
  namespace: string;
  /** `ready/desired`. */
  ready: string;
  /** The first container's image (what a rollout changes). */
  image: string;
}

export const workloadView = cachedView((obj): WorkloadView => {
  const kind = obj.kind as WorkloadKind;
  const base = {
    kind,
    name: obj.metadata.name ?? '',
    namespace: obj.metadata.namespace ?? '',
  };
  if (kind === 'DaemonSet') {
    const ds = obj as DaemonSet & KObject;
    return {
      ...base,
      ready: `${ds.status?.numberReady ?? 0}/${ds.status?.desiredNumberScheduled ?? 0}`,
      image: ds.spec?.template.spec?.containers[0]?.image ?? '',
    };
  }
  const w = obj as (Deployment | ReplicaSet) & KObject;
  return {
    ...base,
    ready: `${w.status?.readyReplicas ?? 0}/${w.spec?.replicas ?? 1}`,
    image: w.spec?.template?.spec?.containers[0]?.image ?? '',
  };
});
