/**
 * The inspector's sections by kind: the one place that says what the inspector shows for each
 * kind of object, in order. Every object also gets its Events and its YAML (tabs of their own).
 *
 * Extension point: a later feature adds an entry here — e.g. the networking work adds a Service's
 * iptables chains and a node's `iptables-save` / `ipvsadm -Ln` as `placement: 'tab'` entries —
 * and, if its builder needs more than the snapshot, a field on SectionInput that InspectorPane
 * fills from the host. A builder returns no blocks when it has nothing to say about an object;
 * the section is then not shown at all.
 */
import type { KObject } from '../../engine';
import { ageOf } from '../../engine';
import type { Block, Cell, Section, SectionInput } from './model';
import { cell } from './model';
import {
  nodeConditionBlocks,
  nodePodBlocks,
  nodeResourceBlocks,
  nodeStatusCell,
  nodeSummaryBlocks,
} from './node-sections';
import {
  podConditionBlocks,
  podContainerBlocks,
  podStatusCell,
  podSummaryBlocks,
} from './pod-sections';
import { nodeRulesBlocks, serviceRulesBlocks } from './network-sections';
import { nodeSchedulingBlocks, podSchedulingBlocks } from './scheduling';
import { serviceEndpointBlocks, serviceSummaryBlocks } from './service-sections';
import {
  controllerPodBlocks,
  deploymentReplicaSetBlocks,
  deploymentSummaryBlocks,
  replicaSetSummaryBlocks,
} from './workload-sections';

export interface InspectorSectionDef {
  /** Stable id (remembers whether the section is collapsed; names its DOM ids). */
  id: string;
  title: string;
  kinds: readonly string[];
  /** `overview` (default): stacked in the Overview tab; `tab`: a tab of its own. */
  placement?: 'overview' | 'tab';
  build(input: SectionInput): Block[];
}

const POD_CONTROLLERS = ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'];

export const INSPECTOR_SECTIONS: readonly InspectorSectionDef[] = [
  { id: 'pod-status', title: 'Status', kinds: ['Pod'], build: podSummaryBlocks },
  { id: 'pod-containers', title: 'Containers', kinds: ['Pod'], build: podContainerBlocks },
  { id: 'pod-conditions', title: 'Conditions', kinds: ['Pod'], build: podConditionBlocks },
  { id: 'pod-scheduling', title: 'Scheduling', kinds: ['Pod'], build: podSchedulingBlocks },

  { id: 'service-spec', title: 'Service', kinds: ['Service'], build: serviceSummaryBlocks },
  { id: 'service-endpoints', title: 'Endpoints', kinds: ['Service'], build: serviceEndpointBlocks },
  {
    id: 'service-rules',
    title: 'Rules',
    kinds: ['Service'],
    placement: 'tab',
    build: serviceRulesBlocks,
  },

  { id: 'node-status', title: 'Status', kinds: ['Node'], build: nodeSummaryBlocks },
  { id: 'node-conditions', title: 'Conditions', kinds: ['Node'], build: nodeConditionBlocks },
  { id: 'node-resources', title: 'Resources', kinds: ['Node'], build: nodeResourceBlocks },
  { id: 'node-pods', title: 'Pods', kinds: ['Node'], build: nodePodBlocks },
  { id: 'node-rules', title: 'Rules', kinds: ['Node'], placement: 'tab', build: nodeRulesBlocks },
  {
    id: 'node-scheduling',
    title: 'Scheduler decisions',
    kinds: ['Node'],
    build: nodeSchedulingBlocks,
  },

  {
    id: 'deployment-rollout',
    title: 'Rollout',
    kinds: ['Deployment'],
    build: deploymentSummaryBlocks,
  },
  {
    id: 'deployment-replicasets',
    title: 'ReplicaSets',
    kinds: ['Deployment'],
    build: deploymentReplicaSetBlocks,
  },
  {
    id: 'replicaset-status',
    title: 'Replicas',
    kinds: ['ReplicaSet'],
    build: replicaSetSummaryBlocks,
  },
  { id: 'controller-pods', title: 'Pods', kinds: POD_CONTROLLERS, build: controllerPodBlocks },
];

/** The sections an object gets, built, in registry order; empty ones left out. */
export function sectionsFor(
  input: SectionInput,
  placement: 'overview' | 'tab' = 'overview',
  registry: readonly InspectorSectionDef[] = INSPECTOR_SECTIONS,
): Section[] {
  const out: Section[] = [];
  for (const def of registry) {
    if ((def.placement ?? 'overview') !== placement || !def.kinds.includes(input.obj.kind))
      continue;
    const blocks = def.build(input);
    if (blocks.length > 0) out.push({ id: def.id, title: def.title, blocks });
  }
  return out;
}

export interface ObjectHeader {
  kind: string;
  name: string;
  namespace?: string;
  /** A one-word status for the header, when the kind has one. */
  status?: Cell;
  age: string;
  /** Set while the object is being deleted (graceful termination). */
  deleting: boolean;
}

export function objectHeader(obj: KObject, now: number): ObjectHeader {
  let status: Cell | undefined;
  const s = obj.status as Record<string, unknown> | undefined;
  const spec = obj.spec as Record<string, unknown> | undefined;
  switch (obj.kind) {
    case 'Pod':
      status = podStatusCell(obj, now);
      break;
    case 'Node':
      status = nodeStatusCell(obj);
      break;
    case 'Service':
      status = cell(String(spec?.type ?? 'ClusterIP'), { tone: 'info' });
      break;
    case 'Deployment':
    case 'ReplicaSet':
    case 'StatefulSet': {
      const desired = typeof spec?.replicas === 'number' ? spec.replicas : 1;
      const ready = typeof s?.readyReplicas === 'number' ? s.readyReplicas : 0;
      status = cell(`${ready}/${desired} ready`, {
        tone: ready >= desired ? 'ok' : 'warn',
      });
      break;
    }
  }
  return {
    kind: obj.kind,
    name: obj.metadata.name ?? '',
    ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
    ...(status ? { status } : {}),
    age: ageOf(obj.metadata.creationTimestamp, now),
    deleting: obj.metadata.deletionTimestamp !== undefined,
  };
}
