/**
 * What every controller is given: the API store, the clock and loop, a seeded random stream of
 * its own, the event recorder, and the cluster's configuration. Built once by createCluster().
 */
import { ApiStore } from './api/store';
import type { ClusterConfig } from './cluster-config';
import { Controller } from './controllers/runner';
import type { PodRuntime } from './controllers/kubelet/runtime';
import { SchedulingLog } from './controllers/scheduler/decisions';
import { EventBroadcaster } from './controllers/events';
import { VirtualClock } from './sim/clock';
import { IdSource } from './sim/ids';
import { Inspector } from './sim/inspector';
import { EventLoop } from './sim/loop';
import type { Rng } from './sim/rng';
import { rngFor } from './sim/rng';

export interface ClusterContext {
  readonly config: ClusterConfig;
  readonly store: ApiStore;
  readonly clock: VirtualClock;
  readonly loop: EventLoop;
  readonly events: EventBroadcaster;
  /** An independent seeded stream for one subsystem (`scheduler`, `kubelet/node1`, ...). */
  rng(label: string): Rng;
  /** Create a controller and register it with the event loop. */
  newController(name: string): Controller;
  /** The scheduler's per-pod decisions (filters, scores, chosen node): `getSchedulingDecision(uid)`. */
  readonly scheduling: SchedulingLog;
  /**
   * The container runtime of each node's kubelet, by node name: what `kubectl logs` and
   * `kubectl exec` read (the processes, their start times and log lines). Filled by the kubelets.
   */
  readonly runtimes: Map<string, NodeRuntime>;
}

/** Read access to one node's container runtime (a kubelet's pods). */
export interface NodeRuntime {
  /** The runtime state of a pod on this node (by namespace and name), if the kubelet runs it. */
  podRuntime(namespace: string, name: string): PodRuntime | undefined;
}

/**
 * Build the runtime every cluster (and every controller test fixture) shares: the virtual clock,
 * the event loop, the inspection stream, the API store with its seeded uid and name sources, the
 * event recorder. No strategies or controllers yet: the caller installs what it needs.
 */
export function makeContext(config: ClusterConfig): ClusterContext {
  const clock = new VirtualClock();
  const loop = new EventLoop(clock);
  const inspector = new Inspector(() => clock.now());
  const store = new ApiStore(
    clock,
    new IdSource(config.seed),
    rngFor(config.seed, 'apiserver'),
    inspector,
  );
  const events = new EventBroadcaster(store, clock);
  return {
    config,
    store,
    clock,
    loop,
    events,
    scheduling: new SchedulingLog(),
    runtimes: new Map(),
    rng: (label) => rngFor(config.seed, label),
    newController: (name) => {
      const c = new Controller(name, { store, clock });
      loop.register(c);
      return c;
    },
  };
}
