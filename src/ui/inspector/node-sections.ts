/**
 * A node in the inspector: status (as `kubectl get nodes` prints it), roles, addresses, pod CIDR,
 * taints, conditions, capacity and allocatable resources, and the pods it runs. (Its scheduler
 * decisions are in scheduling.ts.)
 */
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import type { KObject } from '../../engine';
import { podStatusColumns } from '../../engine';
import type { Block, Cell, Field, Item, SectionInput } from './model';
import { cell, field, podStatusTone, refTo } from './model';
import { conditionCell } from './pod-sections';
import { byNamespaceName, podsOnNode } from './snapshot';

type StoredNode = Node & KObject;

const MAX_PODS = 100;

/** `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`, sorted (findNodeRoles). */
export function nodeRoles(node: KObject): string[] {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const role = k.slice('node-role.kubernetes.io/'.length);
      if (role) roles.add(role);
    } else if (k === 'kubernetes.io/role' && v !== '') roles.add(v);
  }
  return [...roles].sort();
}

/** kubectl get nodes' STATUS: Ready / NotReady / Unknown, `,SchedulingDisabled` when cordoned. */
export function nodeStatusCell(obj: KObject): Cell {
  const node = obj as StoredNode;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  // As kubectl's printer: a Ready condition that is not True (False, or Unknown when the kubelet
  // stopped reporting) is NotReady; only a node without one is Unknown.
  const word = !ready ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady';
  const text = node.spec?.unschedulable ? `${word},SchedulingDisabled` : word;
  return cell(text, {
    tone: word === 'Ready' ? (node.spec?.unschedulable ? 'warn' : 'ok') : 'error',
  });
}

export function nodeSummaryBlocks(input: SectionInput): Block[] {
  const node = input.obj as StoredNode;
  const spec = node.spec ?? {};
  const status = node.status ?? {};
  const roles = nodeRoles(node);
  // STATUS and AGE are in the header.
  const fields: Field[] = [field('Roles', roles.length > 0 ? roles.join(', ') : '<none>')];
  for (const a of status.addresses ?? [])
    fields.push(field(a.type, cell(a.address, { mono: a.type.endsWith('IP') })));
  const cidrs = spec.podCIDRs?.length ? spec.podCIDRs : spec.podCIDR ? [spec.podCIDR] : [];
  fields.push(
    field('Pod CIDR', cidrs.length > 0 ? cell(cidrs.join(', '), { mono: true }) : cell('<none>')),
  );
  const taints = (spec.taints ?? []).map(
    (t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`,
  );
  fields.push(
    field(
      'Taints',
      taints.length > 0
        ? cell(taints.join(', '), { chips: taints })
        : cell('<none>', { tone: 'muted' }),
    ),
  );
  if (spec.unschedulable)
    fields.push(field('Unschedulable', cell('true (cordoned)', { tone: 'warn' })));
  const info = status.nodeInfo;
  if (info) {
    fields.push(field('Kubelet', info.kubeletVersion));
    fields.push(field('Runtime', info.containerRuntimeVersion));
    fields.push(field('OS image', info.osImage));
  }
  return [{ type: 'fields', fields }];
}

/** The good state of a node condition: Ready is True, every pressure condition False. */
function conditionIsGood(c: NodeCondition): boolean {
  return c.type === 'Ready' ? c.status === 'True' : c.status === 'False';
}

export function nodeConditionBlocks(input: SectionInput): Block[] {
  const conditions = (input.obj as StoredNode).status?.conditions ?? [];
  if (conditions.length === 0) return [];
  return [
    {
      type: 'table',
      label: 'Node conditions',
      columns: ['Type', 'Status', 'Reason'],
      rows: conditions.map((c) => [
        cell(c.type),
        conditionCell(c.status, conditionIsGood(c)),
        cell(c.reason ?? '', { tone: 'muted', ...(c.message ? { title: c.message } : {}) }),
      ]),
    },
  ];
}

export function nodeResourceBlocks(input: SectionInput): Block[] {
  const status = (input.obj as StoredNode).status ?? {};
  const capacity = status.capacity ?? {};
  const allocatable = status.allocatable ?? {};
  const names = [...new Set([...Object.keys(capacity), ...Object.keys(allocatable)])].sort();
  if (names.length === 0) return [];
  return [
    {
      type: 'table',
      label: 'Capacity and allocatable',
      columns: ['Resource', 'Capacity', 'Allocatable'],
      rows: names.map((n) => [
        cell(n),
        cell(capacity[n] ?? '', { mono: true }),
        cell(allocatable[n] ?? '', { mono: true }),
      ]),
    },
  ];
}

export function nodePodBlocks(input: SectionInput): Block[] {
  const pods = [...podsOnNode(input.objects, input.obj.metadata.name ?? '')].sort(byNamespaceName);
  if (pods.length === 0) return [{ type: 'note', text: 'No pods run on this node.' }];
  const items: Item[] = pods.slice(0, MAX_PODS).map((p) => {
    const cols = podStatusColumns(p as Parameters<typeof podStatusColumns>[0], input.now);
    return {
      key: p.metadata.uid ?? `${p.metadata.namespace}/${p.metadata.name}`,
      title: cell(p.metadata.name ?? '', { ref: refTo(p) }),
      subtitle: p.metadata.namespace ?? '',
      badges: [
        cell(cols.status, { tone: podStatusTone(cols.status) }),
        cell(cols.ready, { tone: 'muted' }),
      ],
      fields: [],
    };
  });
  return [
    {
      type: 'items',
      label: `Pods on ${input.obj.metadata.name ?? ''}`,
      items,
      ...(pods.length > MAX_PODS ? { more: pods.length - MAX_PODS } : {}),
    },
  ];
}
