/**
 * The only public entry of the engine. Everything outside src/engine imports from here.
 */
export { createCluster } from './cluster';
export type { Cluster, ApplyOutcome, ManifestApplyResult } from './cluster';
export { parseManifests, positionOf } from './api/manifest';
export type { ParsedManifests, ManifestDocument, ManifestError } from './api/manifest';
export type { ClusterConfig, ClusterOptions, NodeConfig } from './cluster-config';
export type { ChangeSet } from './api/store';
export type { KObject, WatchEvent } from './api/types';
export type { InspectionRecord } from './sim/inspector';
export type { SettleResult, StepInfo } from './sim/loop';
export { ApiError, kubectlMessage } from './api/errors';
export { KINDS } from './api/kinds';
export type { KindInfo } from './api/kinds';
export type { CommandResult, Workspace } from './shell/types';
export type { Shell } from './shell/shell';
export { formatTimestamp, EPOCH_MS } from './sim/clock';
// Printers and the scheduler's decision log, for the UI's inspector (it shows what kubectl shows).
export { toYaml } from './kubectl/printers/yaml';
export { parseTimestamp } from './sim/clock';
export { ageOf, humanDuration } from './kubectl/printers/duration';
export { podStatusColumns } from './kubectl/printers/pod';
export type { PodStatusColumns } from './kubectl/printers/pod';
export { SCORE_WEIGHTS } from './controllers/scheduler/scores';
export type { ScorePlugin } from './controllers/scheduler/scores';
export type { FilterPlugin } from './controllers/scheduler/filters';
export type {
  NodeFilterResult,
  NodeScoreResult,
  SchedulingDecision,
} from './controllers/scheduler/decisions';
export { loadExplainSchema } from './kubectl/explain-schema';
// The data plane: per-node kube-proxy state and the playground's settings (proxy mode, cloud LB).
export { dataplaneOf } from './network/dataplane';
export type { Dataplane, NodeDataplane, PlaygroundSettings } from './network/dataplane';
export type { ProxyMode } from './network/model';
// Node tools that register themselves when loaded (the shell's `ip`, `playground`).
import './network/ip-tool';
import './network/playground-command';
import './network/kube-proxy/ipvs-tools';
import './network/netfilter/tools';
import './network/trace/tools';
import './network/dns/tools';
// Requests and their traces (the hops the UI animates).
export { sendRequest } from './network/trace/request';
export type { RequestFrom, RequestOptions } from './network/trace/request';
export { parseRequestUrl } from './network/trace/api';
export type { ClusterRequest } from './network/trace/api';
export { lastTraces } from './network/trace/tools';
export type { Trace, Hop } from './network/trace/trace';
// The data plane's printers, for the inspector (it shows what the node tools print).
export { iptablesSave, ctime } from './network/netfilter/iptables-save';
export { ipvsadmList } from './network/kube-proxy/ipvsadm';
