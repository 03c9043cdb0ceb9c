import { describe, expect, it } from 'vitest';
import type { KObject, SchedulingDecision } from '../../engine';
import type { Block } from './model';
import {
  nodeConditionBlocks,
  nodePodBlocks,
  nodeResourceBlocks,
  nodeStatusCell,
  nodeSummaryBlocks,
} from './node-sections';
import { buildSchedulingView, nodeSchedulingBlocks, podSchedulingBlocks } from './scheduling';
import { at, inputFor, t } from './testing';

function node(
  name: string,
  extra: { taints?: unknown[]; unschedulable?: boolean; ready?: string } = {},
): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `${name}-uid`,
      creationTimestamp: at(0),
      labels: name === 'master' ? { 'node-role.kubernetes.io/control-plane': '' } : {},
    },
    spec: {
      podCIDR: '10.244.1.0/24',
      podCIDRs: ['10.244.1.0/24'],
      ...(extra.taints ? { taints: extra.taints } : {}),
      ...(extra.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      addresses: [
        { type: 'InternalIP', address: '192.168.100.11' },
        { type: 'Hostname', address: name },
      ],
      capacity: { cpu: '2', memory: '4Gi', pods: '110' },
      allocatable: { cpu: '1900m', memory: '3Gi', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        {
          type: 'Ready',
          status: extra.ready ?? 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.30.2',
        containerRuntimeVersion: 'containerd://1.7.13',
        osImage: 'Ubuntu 22.04.4 LTS',
      },
    },
  };
}

function pod(name: string, nodeName: string | undefined, namespace = 'default'): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: `${name}-uid`, creationTimestamp: at(0) },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...(nodeName ? { nodeName } : {}) },
    status: nodeName
      ? {
          phase: 'Running',
          containerStatuses: [
            {
              name: 'c',
              image: 'nginx',
              imageID: '',
              ready: true,
              restartCount: 0,
              state: { running: {} },
            },
          ],
        }
      : { phase: 'Pending' },
  };
}

const TAINT = 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }';

/** The classic picture: master rejected by its taint, node1 and node2 feasible and tied. */
function decision(podName: string, selected: string | undefined, at_: number): SchedulingDecision {
  return {
    podUid: `${podName}-uid`,
    pod: `default/${podName}`,
    attempt: 1,
    at: t(at_),
    nodes: [
      { node: 'master', passed: false, plugin: 'TaintToleration', reasons: [TAINT] },
      { node: 'node1', passed: true },
      { node: 'node2', passed: true },
    ],
    scores: [
      {
        node: 'node1',
        scores: { TaintToleration: 100, NodeResourcesFit: 86, NodeResourcesBalancedAllocation: 98 },
        total: 484,
      },
      {
        node: 'node2',
        scores: { TaintToleration: 100, NodeResourcesFit: 90, NodeResourcesBalancedAllocation: 98 },
        total: 488,
      },
    ],
    ...(selected ? { selectedNode: selected } : {}),
  };
}

const text = (blocks: Block[]): unknown[] =>
  blocks.map((b) => {
    switch (b.type) {
      case 'fields':
        return b.fields.map((f) => `${f.label}: ${f.value.text}`);
      case 'table':
        return [
          b.columns,
          ...b.rows.map((r) => r.map((c) => `${c.text}${c.tone ? `|${c.tone}` : ''}`)),
        ];
      case 'items':
        return [
          b.label,
          ...b.items.map((i) => [
            `${i.title.text} (${i.subtitle ?? ''})`,
            i.badges.map((x) => x.text).join(','),
            ...i.fields.map((f) => `${f.label}: ${f.value.text}`),
          ]),
          ...(b.more ? [`+${b.more}`] : []),
        ];
      case 'note':
        return `note: ${b.text}`;
      default:
        return b.type;
    }
  });

describe('node sections', () => {
  it.each([
    ['a ready node', {}, 'Ready', 'ok'],
    ['a cordoned node', { unschedulable: true }, 'Ready,SchedulingDisabled', 'warn'],
    ['a lost node (kubectl: NotReady)', { ready: 'Unknown' }, 'NotReady', 'error'],
    ['a failing node', { ready: 'False' }, 'NotReady', 'error'],
  ])('status of %s', (_name, extra, word, tone) => {
    expect(nodeStatusCell(node('node1', extra))).toEqual({ text: word, tone });
  });

  it('Status: roles, addresses, pod CIDR, taints, versions', () => {
    const master = node('master', {
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    expect(text(nodeSummaryBlocks(inputFor(master, [], 600)))).toEqual([
      [
        'Roles: control-plane',
        'InternalIP: 192.168.100.11',
        'Hostname: master',
        'Pod CIDR: 10.244.1.0/24',
        'Taints: node-role.kubernetes.io/control-plane:NoSchedule',
        'Kubelet: v1.30.2',
        'Runtime: containerd://1.7.13',
        'OS image: Ubuntu 22.04.4 LTS',
      ],
    ]);
  });

  it('Conditions: pressure conditions are good when False, Ready when True', () => {
    expect(text(nodeConditionBlocks(inputFor(node('node1'), [], 60)))).toEqual([
      [
        ['Type', 'Status', 'Reason'],
        ['MemoryPressure', 'False|ok', 'KubeletHasSufficientMemory|muted'],
        ['Ready', 'True|ok', 'KubeletReady|muted'],
      ],
    ]);
  });

  it('Resources: capacity and allocatable side by side', () => {
    expect(text(nodeResourceBlocks(inputFor(node('node1'), [], 60)))).toEqual([
      [
        ['Resource', 'Capacity', 'Allocatable'],
        ['cpu', '2', '1900m'],
        ['memory', '4Gi', '3Gi'],
        ['pods', '110', '110'],
      ],
    ]);
  });

  it('Pods: the pods bound to the node, in namespace/name order', () => {
    const pods = [
      pod('web-b', 'node1'),
      pod('coredns-x', 'node1', 'kube-system'),
      pod('web-a', 'node1'),
      pod('elsewhere', 'node2'),
      pod('pending', undefined),
    ];
    expect(text(nodePodBlocks(inputFor(node('node1'), pods, 60)))).toEqual([
      [
        'Pods on node1',
        ['web-a (default)', 'Running,1/1'],
        ['web-b (default)', 'Running,1/1'],
        ['coredns-x (kube-system)', 'Running,1/1'],
      ],
    ]);
  });
});

describe('scheduler decisions', () => {
  it('a pod: chosen node first, then the feasible by score, then the rejected with reasons', () => {
    const view = buildSchedulingView(decision('web', 'node2', 10), t(70));
    expect(view.summary).toEqual({
      text: 'Bound to node2: 2 of 3 nodes passed the filters.',
      tone: 'ok',
    });
    expect(view.age).toBe('60s');
    expect(view.notes).toEqual([]);
    expect(view.nodes).toEqual([
      {
        node: 'node2',
        verdict: 'selected',
        scores: [
          { plugin: 'TaintToleration', score: 100, weight: 3 },
          { plugin: 'NodeResourcesFit', score: 90, weight: 1 },
          { plugin: 'NodeResourcesBalancedAllocation', score: 98, weight: 1 },
        ],
        total: 488,
        fraction: 488 / 500,
      },
      {
        node: 'node1',
        verdict: 'feasible',
        scores: [
          { plugin: 'TaintToleration', score: 100, weight: 3 },
          { plugin: 'NodeResourcesFit', score: 86, weight: 1 },
          { plugin: 'NodeResourcesBalancedAllocation', score: 98, weight: 1 },
        ],
        total: 484,
        fraction: 484 / 500,
      },
      { node: 'master', verdict: 'rejected', plugin: 'TaintToleration', reasons: [TAINT] },
    ]);
  });

  it('a tie is explained; a single feasible node skips scoring; a failure shows its message', () => {
    const tie = decision('web', 'node1', 0);
    tie.scores[1] = { ...tie.scores[1]!, total: 484 };
    expect(buildSchedulingView(tie, t(0)).notes).toEqual([
      '2 nodes tied at 484: the scheduler picked one of them at random.',
    ]);

    const single: SchedulingDecision = {
      ...decision('web', 'node1', 0),
      nodes: [
        { node: 'node1', passed: true },
        {
          node: 'node2',
          passed: false,
          plugin: 'NodeUnschedulable',
          reasons: ['node(s) were unschedulable'],
        },
      ],
      scores: [],
    };
    const v = buildSchedulingView(single, t(0));
    expect(v.notes).toEqual([
      'Only one node passed the filters, so the scheduler skipped scoring.',
    ]);
    expect(v.nodes.map((r) => [r.node, r.verdict, r.total])).toEqual([
      ['node1', 'selected', undefined],
      ['node2', 'rejected', undefined],
    ]);

    const failed: SchedulingDecision = {
      podUid: 'p',
      pod: 'default/p',
      attempt: 3,
      at: t(0),
      nodes: [{ node: 'master', passed: false, plugin: 'TaintToleration', reasons: [TAINT] }],
      scores: [],
      message: `0/1 nodes are available: 1 ${TAINT}. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.`,
    };
    expect(buildSchedulingView(failed, t(0)).summary).toEqual({
      text: failed.message,
      tone: 'error',
    });
  });

  it('a pod without a decision says why', () => {
    const staticPod = pod('kube-apiserver-master', 'master', 'kube-system');
    staticPod.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc' };
    expect(text(podSchedulingBlocks(inputFor(staticPod, [], 0)))).toEqual([
      'note: Running on master. It is a static pod: the kubelet on its node runs it from a manifest file, without the scheduler.',
    ]);
    expect(text(podSchedulingBlocks(inputFor(pod('p', undefined), [], 0)))).toEqual([
      'note: Waiting for the scheduler: no decision yet.',
    ]);
    const [block] = podSchedulingBlocks(
      inputFor(pod('web', 'node2'), [], 70, [decision('web', 'node2', 10)]),
    );
    expect(block?.type).toBe('scheduling');
  });

  it('a node: pods placed here (newest first, with the runner-up) and pending pods it cannot take', () => {
    const pods = [
      pod('web-1', 'node2'),
      pod('web-2', 'node2'),
      pod('web-3', 'node1'),
      pod('stuck', undefined),
    ];
    const stuck: SchedulingDecision = {
      ...decision('stuck', undefined, 50),
      nodes: [
        { node: 'master', passed: false, plugin: 'TaintToleration', reasons: [TAINT] },
        { node: 'node1', passed: false, plugin: 'NodeResourcesFit', reasons: ['Insufficient cpu'] },
        {
          node: 'node2',
          passed: false,
          plugin: 'NodeResourcesFit',
          reasons: ['Insufficient cpu', 'Too many pods'],
        },
      ],
      scores: [],
      message: '0/3 nodes are available: ...',
    };
    const decisions = [
      decision('web-1', 'node2', 10),
      decision('web-2', 'node2', 20),
      decision('web-3', 'node1', 30),
      stuck,
    ];
    expect(text(nodeSchedulingBlocks(inputFor(node('node2'), pods, 80, decisions)))).toEqual([
      [
        'Placed here by the scheduler',
        [
          'web-2 (default)',
          'score 488',
          'Filters: 2 of 3 nodes passed',
          'Runner-up: node1, score 484',
          'Rejected: master (TaintToleration)',
          'Decided: 60s ago, attempt 1',
        ],
        [
          'web-1 (default)',
          'score 488',
          'Filters: 2 of 3 nodes passed',
          'Runner-up: node1, score 484',
          'Rejected: master (TaintToleration)',
          'Decided: 70s ago, attempt 1',
        ],
      ],
      [
        'Pending pods this node cannot take',
        ['stuck (default)', 'NodeResourcesFit', 'Reason: Insufficient cpu; Too many pods'],
      ],
    ]);
    expect(text(nodeSchedulingBlocks(inputFor(node('master'), [], 80)))).toEqual([
      'note: No scheduler decisions about this node yet. Static pods, and pods that set spec.nodeName, bypass the scheduler.',
    ]);
  });
});
