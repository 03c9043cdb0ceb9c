/**
 * Which API strategies and controllers a cluster runs, in start order. createCluster() installs
 * every strategy, then starts every controller, then bootstraps the kubeadm objects.
 * Each entry lives in its own module; add a line here to wire a new one in.
 */
import type { ClusterContext } from './context';

/** API server registry strategies: defaulting, validation, allocation, graceful deletion. */
export const STRATEGY_INSTALLERS: ReadonlyArray<(ctx: ClusterContext) => void> = [
  // strategies
];

/** Controllers, each started once per cluster (the kubelet starter starts one per node). */
export const CONTROLLER_STARTERS: ReadonlyArray<(ctx: ClusterContext) => void> = [
  // controllers
];
