import type { Node, NodeCondition, Taint } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { newFixture } from '../testing/fixture';
import { startNodeLifecycleController } from './node-lifecycle';

type StoredNode = Node & KObject;

function setup() {
  const f = newFixture({ nodeObjects: true });
  startNodeLifecycleController(f.ctx);
  f.settle();
  const node = (n: string) => f.store.get<StoredNode>('Node', undefined, n)!;
  const edit = (n: string, fn: (node: StoredNode) => void) => {
    const copy = deepClone(node(n));
    fn(copy);
    f.store.update(copy, { actor: 'kubectl' });
  };
  return { f, node, edit };
}

describe('node lifecycle controller: NoSchedule taints', () => {
  it('leaves healthy, schedulable nodes alone', () => {
    const { f } = setup();
    expect(f.writes('node-lifecycle-controller')).toEqual([]);
  });

  it('cordon adds node.kubernetes.io/unschedulable after the node’s own taints; uncordon removes it', () => {
    const { f, node, edit } = setup();
    f.advance(5000);
    edit('master', (n) => (n.spec!.unschedulable = true));
    f.settle();
    expect(node('master').spec!.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
      {
        key: 'node.kubernetes.io/unschedulable',
        effect: 'NoSchedule',
        timeAdded: '2024-06-03T08:00:05Z',
      },
    ]);
    edit('master', (n) => delete n.spec!.unschedulable);
    f.settle();
    expect(node('master').spec!.taints).toEqual([
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
    expect(f.writes('node-lifecycle-controller')).toEqual([
      'update Node master',
      'update Node master',
    ]);
  });

  it('drops the taints field when the last taint goes', () => {
    const { f, node, edit } = setup();
    edit('node1', (n) => (n.spec!.unschedulable = true));
    f.settle();
    expect(node('node1').spec!.taints).toHaveLength(1);
    edit('node1', (n) => (n.spec!.unschedulable = false));
    f.settle();
    expect(node('node1').spec).not.toHaveProperty('taints');
    expect(node('node1').spec!.unschedulable).toBe(false);
  });

  it('never touches a user’s taints, even with the same key but another effect', () => {
    const { f, node, edit } = setup();
    const mine: Taint[] = [
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoExecute' },
      { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
    ];
    edit('node2', (n) => (n.spec!.taints = mine));
    f.settle();
    expect(node('node2').spec!.taints).toEqual(mine);
    expect(f.writes('node-lifecycle-controller')).toEqual([]);
  });

  it.each<[string, NodeCondition[], string[]]>([
    ['Ready False', [{ type: 'Ready', status: 'False' }], ['node.kubernetes.io/not-ready']],
    ['Ready Unknown', [{ type: 'Ready', status: 'Unknown' }], ['node.kubernetes.io/unreachable']],
    [
      'memory and pid pressure',
      [
        { type: 'Ready', status: 'True' },
        { type: 'MemoryPressure', status: 'True' },
        { type: 'PIDPressure', status: 'True' },
      ],
      ['node.kubernetes.io/memory-pressure', 'node.kubernetes.io/pid-pressure'],
    ],
  ])('conditions %s give their NoSchedule taints, gone once healthy', (_, conditions, keys) => {
    const { f, node } = setup();
    const sick = deepClone(node('node1'));
    sick.status!.conditions = conditions;
    f.store.updateStatus(sick, { actor: 'kubelet/node1' });
    f.settle();
    expect((node('node1').spec!.taints ?? []).map((t) => `${t.key}:${t.effect}`)).toEqual(
      keys.map((k) => `${k}:NoSchedule`),
    );
    const well = deepClone(node('node1'));
    well.status!.conditions = [{ type: 'Ready', status: 'True' }];
    f.store.updateStatus(well, { actor: 'kubelet/node1' });
    f.settle();
    expect(node('node1').spec).not.toHaveProperty('taints');
  });
});
