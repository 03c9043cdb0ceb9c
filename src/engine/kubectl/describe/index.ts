/**
 * `kubectl describe`'s describers by kind, and the entry points other commands reuse.
 *
 * Models kubectl pkg/describe/describe.go describerMap / DescriberFor / GenericDescriberFor: a
 * kind with a describer of its own gets it, any other kind the generic one.
 */
import type { KObject } from '../../api/types';
import { describeConfigMap, describeSecret, describeServiceAccount } from './config';
import type { DescribeContext, Describer } from './context';
import { describeGeneric } from './generic';
import { describeNamespace } from './namespace';
import {
  describeEndpoints,
  describeEndpointSlice,
  describeIngress,
  describeIngressClass,
  describeService,
} from './network';
import { describeNode } from './node';
import { describePod } from './pod';
import { describeDaemonSet, describeDeployment, describeReplicaSet } from './workloads';

export type { DescribeContext, Describer } from './context';
export { describeContext } from './context';
export { describePodTemplate } from './pod';
export type { PrefixWriter } from './prefix-writer';
export { rawPrefixWriter, tabbedString } from './prefix-writer';

const DESCRIBERS: Readonly<Record<string, Describer>> = {
  Pod: describePod,
  Deployment: describeDeployment,
  ReplicaSet: describeReplicaSet,
  DaemonSet: describeDaemonSet,
  Service: describeService,
  Endpoints: describeEndpoints,
  EndpointSlice: describeEndpointSlice,
  Ingress: describeIngress,
  IngressClass: describeIngressClass,
  Node: describeNode,
  Namespace: describeNamespace,
  ConfigMap: describeConfigMap,
  Secret: describeSecret,
  ServiceAccount: describeServiceAccount,
};

/** The describer for a kind: its own, or the generic one. */
export function describerFor(kind: string): Describer {
  return DESCRIBERS[kind] ?? describeGeneric;
}

/** What `kubectl describe` prints for one object. */
export function describeObject(obj: KObject, ctx: DescribeContext): string {
  return describerFor(obj.kind)(obj, ctx);
}
