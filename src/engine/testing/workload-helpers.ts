/**
 * Helpers for the Deployment and ReplicaSet controller tests. No kubelet or scheduler runs in
 * these tests: the helpers play their part — `markReady` reports pods Running and Ready the way a
 * kubelet's status update would, `reapTerminating` removes Terminating pods as a kubelet does
 * once their containers stop — so a test decides exactly when each step of a rollout happens.
 */
import type { DeploymentSpec, DeploymentStrategy } from 'kubernetes-types/apps/v1';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import type { KObject } from '../api/types';
import { controllerOf, deepClone } from '../api/types';
import { formatTimestamp } from '../sim/clock';
import type { Fixture } from './fixture';
import type { DeploymentObj, ReplicaSetObj } from '../controllers/deployment/util';
import { byCreationTimestamp } from '../controllers/deployment/util';

export type PodObj = Pod & KObject;

export interface DeploymentOptions {
  replicas?: number;
  image?: string;
  strategy?: DeploymentStrategy;
  annotations?: Record<string, string>;
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

/** A Deployment `name` with label app=<name> and one container `web`. */
export function deploymentObject(name: string, opts: DeploymentOptions = {}): DeploymentObj {
  const spec: Record<string, unknown> = {
    replicas: opts.replicas ?? 3,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'web', image: opts.image ?? 'nginx:1.14' }] },
    },
  };
  if (opts.strategy) spec.strategy = opts.strategy;
  if (opts.minReadySeconds !== undefined) spec.minReadySeconds = opts.minReadySeconds;
  if (opts.revisionHistoryLimit !== undefined)
    spec.revisionHistoryLimit = opts.revisionHistoryLimit;
  if (opts.progressDeadlineSeconds !== undefined)
    spec.progressDeadlineSeconds = opts.progressDeadlineSeconds;
  if (opts.paused !== undefined) spec.paused = opts.paused;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: name },
      ...(opts.annotations ? { annotations: { ...opts.annotations } } : {}),
    },
    spec: spec as unknown as DeploymentSpec,
  };
}

/**
 * Pods are deleted gracefully (30 s), as the API server's pod strategy does, so a test sees them
 * Terminating until `reapTerminating` removes them.
 */
export function useGracefulPodDeletion(f: Fixture): void {
  f.store.setStrategy('Pod', {
    gracefulDeleteSeconds: (o, requested) =>
      requested ??
      (o.spec as { terminationGracePeriodSeconds?: number } | undefined)
        ?.terminationGracePeriodSeconds ??
      30,
  });
}

/** Edit a stored Deployment (a deep copy is passed to `fn`) and write it back. */
export function editDeployment(
  f: Fixture,
  name: string,
  fn: (d: DeploymentObj) => void,
): DeploymentObj {
  const cur = f.store.get<DeploymentObj>('Deployment', 'default', name);
  if (!cur) throw new Error(`no deployment ${name}`);
  const copy = deepClone(cur);
  fn(copy);
  return f.store.update(copy, { actor: 'kubectl' });
}

export function setImage(f: Fixture, name: string, image: string): DeploymentObj {
  return editDeployment(f, name, (d) => {
    d.spec!.template.spec!.containers[0]!.image = image;
  });
}

export function getDeployment(f: Fixture, name: string): DeploymentObj {
  const d = f.store.get<DeploymentObj>('Deployment', 'default', name);
  if (!d) throw new Error(`no deployment ${name}`);
  return d;
}

/** The Deployment's ReplicaSets, oldest first. */
export function replicaSetsOf(f: Fixture, name: string): ReplicaSetObj[] {
  const d = getDeployment(f, name);
  return f.store
    .dependentsOf<ReplicaSetObj>(d.metadata.uid ?? '', 'ReplicaSet')
    .sort(byCreationTimestamp);
}

export function getReplicaSet(f: Fixture, name: string): ReplicaSetObj {
  const rs = f.store.get<ReplicaSetObj>('ReplicaSet', 'default', name);
  if (!rs) throw new Error(`no replicaset ${name}`);
  return rs;
}

/** Pods the ReplicaSet controls (Terminating ones included), in creation order. */
export function podsOf(f: Fixture, rsName: string): PodObj[] {
  const rs = f.store.get<ReplicaSetObj>('ReplicaSet', 'default', rsName);
  if (!rs) return [];
  const uid = rs.metadata.uid ?? '';
  return f.store.dependentsOf<PodObj>(uid, 'Pod').filter((p) => controllerOf(p)?.uid === uid);
}

export function isTerminating(p: KObject): boolean {
  return p.metadata.deletionTimestamp !== undefined;
}

export function isReadyPod(p: PodObj): boolean {
  return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Report a pod Running and Ready now (what the kubelet writes when its probes pass). */
export function markPodReady(f: Fixture, pod: PodObj): PodObj {
  const now = formatTimestamp(f.ctx.clock.now());
  const cur = f.store.get<PodObj>('Pod', pod.metadata.namespace, pod.metadata.name ?? '') ?? pod;
  return f.store.updateStatus(
    {
      ...cur,
      status: {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
        containerStatuses: (cur.spec?.containers ?? []).map((c) => ({
          name: c.name,
          image: c.image ?? '',
          imageID: '',
          ready: true,
          restartCount: 0,
          started: true,
          state: { running: { startedAt: now } },
        })),
      },
    },
    { actor: 'test-kubelet' },
  );
}

/** Mark every live, not-yet-ready pod of the ReplicaSet Running and Ready. */
export function markReady(f: Fixture, rsName: string): number {
  let n = 0;
  for (const p of podsOf(f, rsName)) {
    if (isTerminating(p) || isReadyPod(p)) continue;
    markPodReady(f, p);
    n++;
  }
  return n;
}

/** Remove Terminating pods (grace period 0), as the kubelet does when their containers stop. */
export function reapTerminating(f: Fixture): number {
  let n = 0;
  for (const p of f.store.list<PodObj>('Pod')) {
    if (!isTerminating(p)) continue;
    f.store.delete('Pod', p.metadata.namespace, p.metadata.name ?? '', {
      actor: 'test-kubelet',
      gracePeriodSeconds: 0,
    });
    n++;
  }
  return n;
}

/** `Reason: message` of the Events about an object, in the order they were recorded. */
export function eventsFor(f: Fixture, kind: string, name: string): string[] {
  return f.store
    .list<Event & KObject>('Event', { namespace: 'default' })
    .filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name)
    .map((e) => `${e.reason ?? ''}: ${e.message ?? ''}`);
}

/** The messages of the Deployment's ScalingReplicaSet events, in order. */
export function scalingEvents(f: Fixture, deployment: string): string[] {
  return eventsFor(f, 'Deployment', deployment)
    .filter((e) => e.startsWith('ScalingReplicaSet: '))
    .map((e) => e.slice('ScalingReplicaSet: '.length));
}
