import { describe, expect, it } from 'vitest';
import type { Pod } from 'kubernetes-types/core/v1';
import { EPOCH_MS, formatTimestamp } from '../sim/clock';
import {
  activePodsWithRanksLess,
  getPodsToDelete,
  isPodActive,
  isPodAvailable,
  isPodReady,
  podAvailableAt,
} from './pod-util';

const NOW = EPOCH_MS + 86_400_000; // a day after the epoch
const ago = (s: number): string => formatTimestamp(NOW - s * 1000);

interface PodOpts {
  name?: string;
  uid?: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: number; // seconds ago
  created?: number; // seconds ago
  cost?: string;
  restarts?: number;
  deleting?: boolean;
}

/** A pod that is, by default, scheduled, Running, Ready for an hour and created a day ago. */
function pod(o: PodOpts = {}): Pod {
  const ready = o.ready ?? true;
  return {
    metadata: {
      name: o.name ?? 'p',
      uid: o.uid ?? 'uid-p',
      creationTimestamp: ago(o.created ?? 86_000),
      ...(o.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': o.cost } }
        : {}),
      ...(o.deleting ? { deletionTimestamp: ago(0) } : {}),
    },
    spec: { containers: [{ name: 'c' }], ...(o.node === '' ? {} : { nodeName: o.node ?? 'n1' }) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          lastTransitionTime: ago(o.readySince ?? 3600),
        },
      ],
      containerStatuses: [
        { name: 'c', image: 'x', imageID: '', ready, restartCount: o.restarts ?? 0 },
      ],
    },
  };
}

describe('readiness and availability', () => {
  it('isPodReady / isPodActive', () => {
    expect(isPodReady(pod())).toBe(true);
    expect(isPodReady(pod({ ready: false }))).toBe(false);
    expect(isPodReady({ metadata: {} })).toBe(false);
    expect(isPodActive(pod())).toBe(true);
    expect(isPodActive(pod({ phase: 'Succeeded' }))).toBe(false);
    expect(isPodActive(pod({ phase: 'Failed' }))).toBe(false);
    expect(isPodActive(pod({ deleting: true }))).toBe(false);
  });

  it.each([
    [0, 0, true],
    [10, 5, false],
    [10, 10, false], // strictly longer than minReadySeconds
    [10, 11, true],
  ])('minReadySeconds %i, ready for %is → available %s', (minReady, readyFor, want) => {
    expect(isPodAvailable(pod({ readySince: readyFor }), minReady, NOW)).toBe(want);
  });

  it('podAvailableAt is the first millisecond of availability', () => {
    const p = pod({ readySince: 4 });
    const at = podAvailableAt(p, 10)!;
    expect(at).toBe(NOW + 6_001);
    expect(isPodAvailable(p, 10, at - 1)).toBe(false);
    expect(isPodAvailable(p, 10, at)).toBe(true);
  });
});

describe('ActivePodsWithRanks: which pod is deleted first (§6.6)', () => {
  // Each row: [rule, pod deleted first, pod kept, their ranks].
  const rows: Array<[string, PodOpts, PodOpts, number, number]> = [
    [
      '1. unassigned before assigned',
      { node: '', phase: 'Pending' },
      { node: 'n1', phase: 'Pending' },
      0,
      0,
    ],
    ['2. Pending before Running', { phase: 'Pending', ready: false }, { ready: false }, 0, 0],
    [
      '2. Pending before Unknown',
      { phase: 'Pending', ready: false },
      { phase: 'Unknown', ready: false },
      0,
      0,
    ],
    ['2. Unknown before Running', { phase: 'Unknown', ready: false }, { ready: false }, 0, 0],
    ['3. not ready before ready', { ready: false }, {}, 0, 0],
    ['4. lower pod-deletion-cost first', { cost: '-5' }, { cost: '10' }, 0, 0],
    ['4. no cost (0) before a positive cost', {}, { cost: '1' }, 0, 0],
    ['5. doubled-up (higher rank) first', {}, {}, 3, 1],
    ['6. ready for a shorter time first', { readySince: 10 }, { readySince: 1000 }, 0, 0],
    ['7. more restarts first', { restarts: 4 }, { restarts: 1 }, 0, 0],
    ['8. newer first', { created: 60 }, { created: 86_000 }, 0, 0],
  ];

  it.each(rows)('%s', (_rule, first, kept, rankFirst, rankKept) => {
    const a = pod({ ...first, name: 'a', uid: 'uid-a' });
    const b = pod({ ...kept, name: 'b', uid: 'uid-b' });
    expect(activePodsWithRanksLess(a, rankFirst, b, rankKept, NOW)).toBe(true);
    expect(activePodsWithRanksLess(b, rankKept, a, rankFirst, NOW)).toBe(false);
  });

  it('earlier rules win over later ones', () => {
    // Not ready beats a cheaper deletion cost; a cheaper cost beats being doubled up.
    const notReady = pod({ name: 'a', ready: false, cost: '100' });
    const cheap = pod({ name: 'b', cost: '-100' });
    expect(activePodsWithRanksLess(notReady, 0, cheap, 0, NOW)).toBe(true);
    expect(activePodsWithRanksLess(pod({ cost: '-1' }), 0, pod({}), 5, NOW)).toBe(true);
  });

  it('ages in the same power-of-two bucket tie, broken by UID (LogarithmicScaleDown)', () => {
    // 1000 s and 1050 s ago are both in the 2^39 ns bucket.
    const a = pod({ name: 'a', uid: 'uid-b', readySince: 1000 });
    const b = pod({ name: 'b', uid: 'uid-a', readySince: 1050 });
    expect(activePodsWithRanksLess(b, 0, a, 0, NOW)).toBe(true);
    expect(activePodsWithRanksLess(a, 0, b, 0, NOW)).toBe(false);
  });

  it('getPodsToDelete picks victims in that order, ranking by related pods per node', () => {
    const pods = [
      pod({ name: 'ready-old', uid: 'u1', node: 'n1' }),
      pod({ name: 'doubled', uid: 'u2', node: 'n2' }),
      pod({ name: 'not-ready', uid: 'u3', node: 'n3', ready: false }),
      pod({ name: 'pending', uid: 'u4', node: 'n4', phase: 'Pending', ready: false }),
      pod({ name: 'unscheduled', uid: 'u5', node: '', phase: 'Pending', ready: false }),
    ];
    const related = [...pods, pod({ name: 'sibling', uid: 'u6', node: 'n2' })];
    const names = (ps: Pod[]): string[] => ps.map((p) => p.metadata?.name ?? '');
    expect(names(getPodsToDelete(pods, related, 4, NOW))).toEqual([
      'unscheduled',
      'pending',
      'not-ready',
      'doubled',
    ]);
    expect(names(getPodsToDelete(pods, related, 5, NOW))).toHaveLength(5);
  });
});
