import type { Container, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { effectiveTaints, NodeInfo, podRequests, podSchedInfo } from './cache';
import { reasonHistogram, fitErrorMessage } from './decisions';
import type { NodeStatus } from './filters';
import { filterPod, prefilterNodeNames, runFilters } from './filters';

const CONTROL_PLANE: Taint = { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' };

interface NodeOpts {
  name?: string;
  cpu?: string;
  memory?: string;
  pods?: string;
  taints?: Taint[];
  labels?: Record<string, string>;
  unschedulable?: boolean;
  ready?: 'True' | 'False' | 'Unknown';
}

function node(o: NodeOpts = {}): Node & KObject {
  const name = o.name ?? 'node1';
  const alloc = { cpu: o.cpu ?? '2', memory: o.memory ?? '4Gi', pods: o.pods ?? '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
    spec: {
      ...(o.taints ? { taints: o.taints } : {}),
      ...(o.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable: alloc,
      capacity: alloc,
      conditions: [{ type: 'Ready', status: o.ready ?? 'True' }],
    },
  };
}

let uid = 0;
function pod(
  spec: Partial<Pod['spec']> = {},
  containers: Container[] = [{ name: 'c', image: 'nginx' }],
) {
  const p: Pod & KObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `p${++uid}`, namespace: 'default', uid: `uid-${uid}` },
    spec: { containers, ...spec },
  };
  return p;
}

const withRequests = (cpu?: string, memory?: string, hostPort?: number): Container[] => [
  {
    name: 'c',
    image: 'nginx',
    resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
    ...(hostPort ? { ports: [{ containerPort: 80, hostPort }] } : {}),
  },
];

function info(n: Node & KObject, existing: Array<Pod & KObject> = []): NodeInfo {
  const i = new NodeInfo(n.metadata.name ?? '');
  i.setNode(n);
  for (const p of existing) i.addPod(podSchedInfo(p));
  return i;
}

function verdict(p: Pod & KObject, n: NodeInfo): string {
  const s: NodeStatus | null = runFilters(filterPod(p, podSchedInfo(p)), n);
  return s ? `${s.plugin}: ${s.reasons.join(' | ')}` : 'fits';
}

const tol = (t: Toleration): Partial<Pod['spec']> => ({ tolerations: [t] });

describe('filters', () => {
  const table: Array<[string, Pod & KObject, NodeInfo, string]> = [
    ['no taints, no requests', pod(), info(node()), 'fits'],
    [
      'control-plane taint, no toleration',
      pod(),
      info(node({ taints: [CONTROL_PLANE] })),
      'TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    ],
    [
      'control-plane taint, toleration by key and effect',
      pod(tol({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' })),
      info(node({ taints: [CONTROL_PLANE] })),
      'fits',
    ],
    [
      'control-plane taint, Exists toleration for every taint',
      pod(tol({ operator: 'Exists' })),
      info(node({ taints: [CONTROL_PLANE] })),
      'fits',
    ],
    [
      'toleration for another effect does not help',
      pod(tol({ key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' })),
      info(node({ taints: [CONTROL_PLANE] })),
      'TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }',
    ],
    [
      'taint with a value prints key: value',
      pod(),
      info(node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })),
      'TaintToleration: node(s) had untolerated taint {dedicated: gpu}',
    ],
    [
      'Equal toleration with the wrong value',
      pod(tol({ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' })),
      info(node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] })),
      'TaintToleration: node(s) had untolerated taint {dedicated: gpu}',
    ],
    [
      'PreferNoSchedule taints do not filter',
      pod(),
      info(node({ taints: [{ key: 'dedicated', value: 'gpu', effect: 'PreferNoSchedule' }] })),
      'fits',
    ],
    [
      'NotReady node: the not-ready taint the node lifecycle controller sets',
      pod(),
      info(node({ ready: 'False' })),
      'TaintToleration: node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    ],
    [
      'unreachable node',
      pod(),
      info(node({ ready: 'Unknown' })),
      'TaintToleration: node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
    ],
    [
      'nodeSelector not matching',
      pod({ nodeSelector: { disktype: 'ssd' } }),
      info(node()),
      "NodeAffinity: node(s) didn't match Pod's node affinity/selector",
    ],
    [
      'nodeSelector matching',
      pod({ nodeSelector: { disktype: 'ssd' } }),
      info(node({ labels: { disktype: 'ssd' } })),
      'fits',
    ],
    [
      'required node affinity In',
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a', 'b'] }] },
              ],
            },
          },
        },
      }),
      info(node({ labels: { zone: 'c' } })),
      "NodeAffinity: node(s) didn't match Pod's node affinity/selector",
    ],
    [
      'matchFields metadata.name pins the pod to its node',
      pod({
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['node2'] }] },
              ],
            },
          },
        },
      }),
      info(node({ name: 'node1' })),
      "NodeAffinity: node(s) didn't match Pod's node affinity/selector",
    ],
    [
      'cordoned node',
      pod(),
      info(node({ unschedulable: true })),
      'NodeUnschedulable: node(s) were unschedulable',
    ],
    [
      'cordoned node, pod tolerates unschedulable',
      pod(
        tol({ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }),
      ),
      info(node({ unschedulable: true })),
      'fits',
    ],
    [
      'cordoned and tainted: NodeUnschedulable runs first',
      pod(),
      info(node({ unschedulable: true, taints: [CONTROL_PLANE] })),
      'NodeUnschedulable: node(s) were unschedulable',
    ],
    [
      'insufficient cpu',
      pod({}, withRequests('3')),
      info(node()),
      'NodeResourcesFit: Insufficient cpu',
    ],
    [
      'insufficient memory',
      pod({}, withRequests(undefined, '5Gi')),
      info(node()),
      'NodeResourcesFit: Insufficient memory',
    ],
    [
      'insufficient cpu and memory: both reasons',
      pod({}, withRequests('2500m', '8Gi')),
      info(node()),
      'NodeResourcesFit: Insufficient cpu | Insufficient memory',
    ],
    [
      'cpu counts what is already requested on the node',
      pod({}, withRequests('1')),
      info(node(), [pod({}, withRequests('1500m'))]),
      'NodeResourcesFit: Insufficient cpu',
    ],
    [
      'exactly the remaining cpu fits',
      pod({}, withRequests('500m')),
      info(node(), [pod({}, withRequests('1500m'))]),
      'fits',
    ],
    [
      'too many pods',
      pod(),
      info(node({ pods: '2' }), [pod(), pod()]),
      'NodeResourcesFit: Too many pods',
    ],
    [
      'too many pods comes before cpu',
      pod({}, withRequests('3')),
      info(node({ pods: '1' }), [pod()]),
      'NodeResourcesFit: Too many pods | Insufficient cpu',
    ],
    [
      'host port in use',
      pod({}, withRequests(undefined, undefined, 8080)),
      info(node(), [pod({}, withRequests(undefined, undefined, 8080))]),
      "NodePorts: node(s) didn't have free ports for the requested pod ports",
    ],
    [
      'another host port is free',
      pod({}, withRequests(undefined, undefined, 8081)),
      info(node(), [pod({}, withRequests(undefined, undefined, 8080))]),
      'fits',
    ],
    [
      'hostNetwork pods claim their container ports',
      pod({ hostNetwork: true }, [{ name: 'c', image: 'x', ports: [{ containerPort: 10250 }] }]),
      info(node(), [
        pod({ hostNetwork: true }, [{ name: 'c', image: 'x', ports: [{ containerPort: 10250 }] }]),
      ]),
      "NodePorts: node(s) didn't have free ports for the requested pod ports",
    ],
  ];
  it.each(table)('%s', (_name, p, n, expected) => expect(verdict(p, n)).toBe(expected));

  it('a host port on a specific IP conflicts with 0.0.0.0 but not with another IP', () => {
    const onIp = (ip: string): Container[] => [
      { name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 80, hostIP: ip }] },
    ];
    const n = info(node(), [pod({}, onIp('10.0.0.1'))]);
    expect(verdict(pod({}, onIp('10.0.0.2')), n)).toBe('fits');
    expect(verdict(pod({}, onIp('10.0.0.1')), n)).toMatch(/^NodePorts/);
    expect(verdict(pod({}, withRequests(undefined, undefined, 80)), n)).toMatch(/^NodePorts/);
  });
});

describe('effectiveTaints', () => {
  it('adds the condition and cordon taints once', () => {
    const n = node({ ready: 'False', unschedulable: true, taints: [CONTROL_PLANE] });
    expect(effectiveTaints(n).map((t) => `${t.key}:${t.effect}`)).toEqual([
      'node-role.kubernetes.io/control-plane:NoSchedule',
      'node.kubernetes.io/not-ready:NoSchedule',
      'node.kubernetes.io/not-ready:NoExecute',
      'node.kubernetes.io/unschedulable:NoSchedule',
    ]);
    const already = node({
      taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }],
      unschedulable: true,
    });
    expect(effectiveTaints(already)).toHaveLength(1);
  });
});

describe('podRequests', () => {
  it('sums containers, takes the max with init containers, adds sidecars and defaults for scoring', () => {
    const p = pod(
      {
        initContainers: [
          { name: 'init', image: 'x', resources: { requests: { cpu: '2', memory: '100Mi' } } },
          {
            name: 'sidecar',
            image: 'x',
            restartPolicy: 'Always',
            resources: { requests: { cpu: '100m' } },
          },
        ],
      },
      [
        { name: 'a', image: 'x', resources: { requests: { cpu: '250m' } } },
        { name: 'b', image: 'x', resources: { limits: { memory: '128Mi' } } },
      ],
    );
    // cpu: max(250m + 100m, 2 + 0) ; memory: max(128Mi (from the limit) + 0, 100Mi + 0).
    expect(podRequests(p, false)).toEqual({ cpu: 2000, memory: 128 * 1024 * 1024 });
    // Non-zero: `a` and the sidecar count 200Mi of memory, `b` 100m of cpu:
    // memory max(200Mi + 128Mi + 200Mi, 100Mi + 200Mi).
    expect(podRequests(p, true)).toEqual({ cpu: 2000, memory: 528 * 1024 * 1024 });
  });
});

describe('prefilterNodeNames', () => {
  const affinity = (
    terms: Array<{ matchFields?: Array<{ key: string; operator: string; values: string[] }> }>,
  ) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } },
  });
  it('pins to the named nodes, ORs terms, treats a term without name fields as "all nodes"', () => {
    expect(prefilterNodeNames(undefined)).toBe(undefined);
    expect([
      ...(prefilterNodeNames(
        affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }]),
      ) ?? []),
    ]).toEqual(['n1']);
    expect([
      ...(prefilterNodeNames(
        affinity([
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] },
        ]),
      ) ?? []),
    ]).toEqual(['n1', 'n2']);
    expect(
      prefilterNodeNames(
        affinity([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }, {}]),
      ),
    ).toBe(undefined);
    expect(
      prefilterNodeNames(
        affinity([
          {
            matchFields: [
              { key: 'metadata.name', operator: 'In', values: ['n1'] },
              { key: 'metadata.name', operator: 'In', values: ['n2'] },
            ],
          },
        ]),
      )?.size,
    ).toBe(0);
  });
});

describe('FitError message', () => {
  const s = (...reasons: string[]): NodeStatus => ({
    plugin: 'NodeResourcesFit',
    reasons,
    unresolvable: false,
  });
  it('counts each reason and sorts the "N reason" strings as Go sort.Strings does', () => {
    expect(
      reasonHistogram([
        s('Insufficient cpu'),
        s('node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'),
        s('Insufficient cpu', 'Insufficient memory'),
      ]),
    ).toBe(
      '1 Insufficient memory, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu',
    );
  });
  it('appends the PreFilter and PostFilter messages', () => {
    expect(fitErrorMessage(3, [], 'pod affinity terms conflict')).toBe(
      '0/3 nodes are available: pod affinity terms conflict.',
    );
    expect(
      fitErrorMessage(
        1,
        [s('Too many pods')],
        '',
        'preemption: not eligible due to preemptionPolicy=Never.',
      ),
    ).toBe(
      '0/1 nodes are available: 1 Too many pods. preemption: not eligible due to preemptionPolicy=Never.',
    );
  });
});
