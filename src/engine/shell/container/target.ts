/**
 * Finding a container's running process, as the kubelet does when `kubectl exec` or
 * `kubectl logs` reach it: the node's runtime (ctx.runtimes) holds each container's instances
 * ("attempts"), each with the process it runs (what it logs, which files it has).
 */
import type { Container, Pod } from 'kubernetes-types/core/v1';
import type { ApiStore } from '../../api/store';
import type { KObject } from '../../api/types';
import type { ClusterContext } from '../../context';
import type { Attempt, ContainerRuntime, PodRuntime } from '../../controllers/kubelet/runtime';
import { isRunningAt } from '../../controllers/kubelet/runtime';
import type { VirtualClock } from '../../sim/clock';
import { parseTimestamp } from '../../sim/clock';
import type { ProcessBehaviour } from '../../workloads/behaviour';
import { processOfContainer } from '../../workloads/catalog';

/** What exec and logs need from the cluster (a KubectlEnv is one). */
export interface ContainerEnv {
  readonly store: ApiStore;
  readonly clock: VirtualClock;
  readonly context: ClusterContext;
  /** Let virtual time pass while controllers run (`sleep` inside a container). */
  advance(ms: number): void;
}

export type StoredPod = Pod & KObject;

export interface RunningContainer {
  pod: StoredPod;
  spec: Container;
  /** The container instance, when the node's runtime is known. */
  attempt: Attempt | undefined;
  proc: ProcessBehaviour;
  startedAt: number;
}

/** The kubelet runtime's view of a pod, if its node runs it (and it is this incarnation). */
export function podRuntimeOf(env: ContainerEnv, pod: StoredPod): PodRuntime | undefined {
  const node = pod.spec?.nodeName;
  if (!node) return undefined;
  const rt = env.context.runtimes
    .get(node)
    ?.podRuntime(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
  return rt && rt.uid === pod.metadata.uid ? rt : undefined;
}

export function containerRuntimeOf(
  env: ContainerEnv,
  pod: StoredPod,
  name: string,
): ContainerRuntime | undefined {
  return podRuntimeOf(env, pod)?.containers.find((c) => c.name === name);
}

/** The instance with this `containerd://…` id, if the runtime still has it. */
export function attemptById(
  env: ContainerEnv,
  pod: StoredPod,
  container: string,
  id: string | undefined,
): Attempt | undefined {
  if (!id) return undefined;
  return containerRuntimeOf(env, pod, container)?.attempts.find((a) => a.id === id);
}

/**
 * The running instance of a container now (what kubelet's findContainer answers for exec), or
 * undefined: not started yet, exited, or waiting to restart.
 */
export function runningContainer(
  env: ContainerEnv,
  pod: StoredPod,
  name: string,
): RunningContainer | undefined {
  const spec = pod.spec?.containers.find((c) => c.name === name);
  if (!spec) return undefined;
  const now = env.clock.now();
  const rt = containerRuntimeOf(env, pod, name);
  if (rt) {
    for (let i = rt.attempts.length - 1; i >= 0; i--) {
      const a = rt.attempts[i] as Attempt;
      if (a.startedAt <= now && isRunningAt(a, now)) {
        return { pod, spec, attempt: a, proc: a.proc, startedAt: a.startedAt };
      }
    }
    return undefined;
  }
  // No runtime to ask (a node that is gone): trust the status the API shows.
  const proc = processOfContainer(pod, name);
  const startedAt = pod.status?.containerStatuses?.find((c) => c.name === name)?.state?.running
    ?.startedAt;
  if (!proc || !startedAt) return undefined;
  return { pod, spec, attempt: undefined, proc, startedAt: parseTimestamp(startedAt) };
}
