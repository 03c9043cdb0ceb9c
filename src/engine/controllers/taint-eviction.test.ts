import type { Event, Node, Pod, Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { deepClone } from '../api/types';
import { EPOCH_MS } from '../sim/clock';
import { newFixture } from '../testing/fixture';
import {
  getMatchingTolerations,
  getMinTolerationTime,
  startTaintEvictionController,
} from './taint-eviction';

type StoredNode = Node & KObject;
type StoredPod = Pod & KObject;

const UNREACHABLE: Taint = {
  key: 'node.kubernetes.io/unreachable',
  effect: 'NoExecute',
  timeAdded: '2024-06-03T08:00:10Z',
};

function setup() {
  // The API strategies run: pods get the default 300 s not-ready/unreachable tolerations, and
  // deleting a pod that is on a node marks it Terminating (30 s grace).
  const f = newFixture({ nodeObjects: true });
  startTaintEvictionController(f.ctx);
  const node = (n: string) => f.store.get<StoredNode>('Node', undefined, n)!;
  const setTaints = (n: string, taints: Taint[]) => {
    const copy = deepClone(node(n));
    if (taints.length > 0) copy.spec = { ...copy.spec, taints };
    else delete copy.spec!.taints;
    f.store.update(copy, { actor: 'node-lifecycle-controller' });
  };
  const pod = (name: string, tolerations?: Toleration[], nodeName = 'node2') =>
    f.create<StoredPod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: {
        nodeName,
        containers: [{ name: 'web', image: 'nginx' }],
        ...(tolerations ? { tolerations } : {}),
      },
    });
  const get = (name: string) => f.store.get<StoredPod>('Pod', 'default', name);
  /** `name: Terminating` once deleted, `name: Running` otherwise. */
  const state = (...names: string[]) =>
    names.map((n) => `${n}: ${get(n)?.metadata.deletionTimestamp ? 'Terminating' : 'Running'}`);
  const events = () =>
    f.store
      .list<Event & KObject>('Event', { namespace: 'default' })
      .filter((e) => e.source?.component === 'taint-eviction-controller')
      .map((e) => `${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`);
  return { f, setTaints, pod, get, state, events };
}

describe('taint eviction controller', () => {
  it('deletes at once a pod that does not tolerate a NoExecute taint; the others wait or stay', () => {
    const { f, setTaints, pod, state, events } = setup();
    pod('plain'); // the default 300 s tolerations for not-ready and unreachable
    pod('forever', [
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    ]);
    pod('elsewhere', undefined, 'node1');
    f.settle();
    f.advance(10_000);
    setTaints('node2', [UNREACHABLE, { key: 'example.com/maintenance', effect: 'NoExecute' }]);
    f.settle();
    // Nobody tolerates the maintenance taint: both node2 pods go at once.
    expect(state('plain', 'forever', 'elsewhere')).toEqual([
      'plain: Terminating',
      'forever: Terminating',
      'elsewhere: Running',
    ]);
    expect(events()).toEqual([
      'TaintManagerEviction Pod/plain: Marking for deletion Pod default/plain',
      'TaintManagerEviction Pod/forever: Marking for deletion Pod default/forever',
    ]);
  });

  it('waits tolerationSeconds (the shortest of those used), then marks and deletes the pod', () => {
    const { f, setTaints, pod, get, state, events } = setup();
    pod('plain');
    pod('forever', [{ operator: 'Exists' }]);
    pod('short', [
      {
        key: 'node.kubernetes.io/unreachable',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 60,
      },
    ]);
    pod('zero', [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    f.settle();
    f.advance(10_000);
    setTaints('node2', [UNREACHABLE]);
    f.advance(0);
    expect(state('plain', 'forever', 'short', 'zero')).toEqual([
      'plain: Running',
      'forever: Running',
      'short: Running',
      'zero: Terminating',
    ]);
    // A minute is short enough for settle() to wait for it.
    f.settle();
    expect(state('short')).toEqual(['short: Terminating']);
    expect(f.ctx.clock.now()).toBe(EPOCH_MS + 10_000 + 60_000);
    // The 300 s wait is a background timer: it fires as time passes.
    f.advance(300_000 - 60_000 - 1);
    expect(state('plain')).toEqual(['plain: Running']);
    f.advance(1);
    expect(state('plain', 'forever')).toEqual(['plain: Terminating', 'forever: Running']);
    expect(get('plain')!.status!.conditions).toEqual([
      {
        type: 'DisruptionTarget',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: '2024-06-03T08:05:10Z',
        reason: 'DeletionByTaintManager',
        message: 'Taint manager: deleting due to NoExecute taint',
      },
    ]);
    expect(get('plain')!.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(
      f.writes('taint-eviction-controller').filter((w) => !w.startsWith('create Event')),
    ).toEqual([
      'updateStatus Pod default/zero',
      'delete Pod default/zero',
      'updateStatus Pod default/short',
      'delete Pod default/short',
      'updateStatus Pod default/plain',
      'delete Pod default/plain',
    ]);
    expect(events()).toEqual([
      'TaintManagerEviction Pod/zero: Marking for deletion Pod default/zero',
      'TaintManagerEviction Pod/short: Marking for deletion Pod default/short',
      'TaintManagerEviction Pod/plain: Marking for deletion Pod default/plain',
    ]);
  });

  it('cancels the deletions when the taint goes first, and forgets the ones that ran', () => {
    const { f, setTaints, pod, state, events } = setup();
    pod('plain');
    pod('zero', [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    f.settle();
    setTaints('node2', [UNREACHABLE]);
    f.settle();
    f.advance(100_000);
    setTaints('node2', []);
    f.settle();
    f.advance(600_000);
    expect(state('plain', 'zero')).toEqual(['plain: Running', 'zero: Terminating']);
    expect(events()).toEqual([
      'TaintManagerEviction Pod/zero: Marking for deletion Pod default/zero',
      'TaintManagerEviction Pod/plain: Cancelling deletion of Pod default/plain',
    ]);
  });

  it('cancels the deletion of a pod deleted meanwhile; times a pod that arrives later from then', () => {
    const { f, setTaints, pod, state, events } = setup();
    pod('plain');
    f.settle();
    setTaints('node2', [UNREACHABLE]);
    f.settle();
    f.store.delete('Pod', 'default', 'plain', { actor: 'kubectl', gracePeriodSeconds: 0 });
    f.advance(100_000);
    pod('late');
    f.settle();
    f.advance(300_000 - 1);
    expect(state('late')).toEqual(['late: Running']);
    f.advance(1);
    expect(state('late')).toEqual(['late: Terminating']);
    expect(events()).toEqual([
      'TaintManagerEviction Pod/plain: Cancelling deletion of Pod default/plain',
      'TaintManagerEviction Pod/late: Marking for deletion Pod default/late',
    ]);
  });

  it('records its events about a reference without a uid, as upstream', () => {
    const { f, setTaints, pod } = setup();
    pod('zero', [{ operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 0 }]);
    setTaints('node2', [UNREACHABLE]);
    f.settle();
    const [ev] = f.store.list<Event & KObject>('Event', { namespace: 'default' });
    expect(ev!.involvedObject).toMatchObject({
      kind: 'Pod',
      name: 'zero',
      namespace: 'default',
      uid: '',
    });
    expect(ev!.type).toBe('Normal');
  });
});

describe('taint eviction helpers', () => {
  const taints: Taint[] = [
    { key: 'a', effect: 'NoExecute' },
    { key: 'b', value: 'x', effect: 'NoExecute' },
  ];
  it.each<[string, Toleration[], boolean, number]>([
    ['none', [], false, 0],
    ['only one tolerated', [{ key: 'a', operator: 'Exists' }], false, 0],
    ['all, forever', [{ operator: 'Exists' }], true, -1],
    [
      'all, the shortest seconds',
      [
        { key: 'a', operator: 'Exists', tolerationSeconds: 300 },
        { key: 'b', value: 'x', tolerationSeconds: 60 },
      ],
      true,
      60_000,
    ],
    [
      'a wrong value does not tolerate',
      [
        { key: 'a', operator: 'Exists' },
        { key: 'b', value: 'y' },
      ],
      false,
      0,
    ],
    ['negative seconds mean now', [{ operator: 'Exists', tolerationSeconds: -5 }], true, 0],
  ])('%s', (_, tolerations, allTolerated, min) => {
    const m = getMatchingTolerations(taints, tolerations);
    expect(m.allTolerated).toBe(allTolerated);
    if (allTolerated) expect(getMinTolerationTime(m.used)).toBe(min);
  });
});
