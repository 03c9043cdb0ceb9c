/**
 * What every controller is given: the API store, the clock and loop, a seeded random stream of
 * its own, the event recorder, and the cluster's configuration. Built once by createCluster().
 */
import type { ApiStore } from './api/store';
import type { ClusterConfig } from './cluster-config';
import { Controller } from './controllers/runner';
import { SchedulingLog } from './controllers/scheduler/decisions';
import type { EventBroadcaster } from './controllers/events';
import type { VirtualClock } from './sim/clock';
import type { EventLoop } from './sim/loop';
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
}

export function makeContext(parts: {
  config: ClusterConfig;
  store: ApiStore;
  clock: VirtualClock;
  loop: EventLoop;
  events: EventBroadcaster;
}): ClusterContext {
  return {
    ...parts,
    scheduling: new SchedulingLog(),
    rng: (label) => rngFor(parts.config.seed, label),
    newController: (name) => {
      const c = new Controller(name, { store: parts.store, clock: parts.clock });
      parts.loop.register(c);
      return c;
    },
  };
}
