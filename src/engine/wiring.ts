/**
 * Which API strategies and controllers a cluster runs, in start order. createCluster() installs
 * every strategy, then starts every controller, then bootstraps the kubeadm objects.
 * Each entry lives in its own module; add a line here to wire a new one in.
 */
import type { ClusterContext } from './context';
import { installApiStrategies } from './api/api-strategies';
import { installServiceAllocation } from './api/service-allocation';
import { startEndpointsController } from './controllers/endpoints';
import { startEndpointSliceController } from './controllers/endpointslice';
import { startGarbageCollector } from './controllers/garbage-collector';
import { startKubernetesEndpointsReconciler } from './controllers/kubernetes-endpoints';
import { installNamespaceStrategy, startNamespaceController } from './controllers/namespace';
import { startDeploymentController } from './controllers/deployment/deployment-controller';
import { startReplicaSetController } from './controllers/replicaset';
import { startKubelets } from './controllers/kubelet/kubelet';
import { installPodStrategy } from './controllers/kubelet/pod-strategy';
import { startScheduler } from './controllers/scheduler/scheduler';
import { startDaemonSetController } from './controllers/daemonset';
// ServiceAccounts, kube-root-ca.crt, node heartbeats and cordon taints.
import { installServiceAccountAdmission } from './api/serviceaccount-admission';
import { startServiceAccountsController } from './controllers/serviceaccount';
import { startRootCACertPublisher } from './controllers/root-ca-publisher';
import { startNodeLifecycleController } from './controllers/node-lifecycle';
import { startTaintEvictionController } from './controllers/taint-eviction';
import { startNodeHeartbeats } from './controllers/node-status';
import { startCloudController } from './network/cloud-controller';
import { startKubeProxies } from './network/kube-proxy/kube-proxy';
import { startIngressNginxController } from './network/ingress/controller';

/** API server registry strategies: defaulting, validation, allocation, graceful deletion. */
export const STRATEGY_INSTALLERS: ReadonlyArray<(ctx: ClusterContext) => void> = [
  // strategies
  installApiStrategies, // first: decoding and defaulting run before the other hooks see an object
  installServiceAllocation,
  installNamespaceStrategy,
  installPodStrategy,
  installServiceAccountAdmission,
];

/** Controllers, each started once per cluster (the kubelet starter starts one per node). */
export const CONTROLLER_STARTERS: ReadonlyArray<(ctx: ClusterContext) => void> = [
  // controllers
  startEndpointSliceController,
  startEndpointsController,
  startKubernetesEndpointsReconciler,
  startGarbageCollector,
  startNamespaceController,
  startServiceAccountsController,
  startRootCACertPublisher,
  startDeploymentController,
  startReplicaSetController,
  startKubelets,
  startScheduler,
  startDaemonSetController,
  startNodeLifecycleController,
  startTaintEvictionController,
  startNodeHeartbeats,
  startCloudController,
  startKubeProxies,
  startIngressNginxController,
];
