import type { Event } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import { EPOCH_MS, formatTimestamp } from '../../engine';
import { buildEvents, eventAge, findEvents } from './events';
import { at, snapshotOf, t } from './testing';

type StoredEvent = Event & KObject;

let n = 0;
function ev(
  involved: { kind: string; name: string; namespace?: string; uid: string },
  reason: string,
  first: number,
  extra: Partial<Event> = {},
): StoredEvent {
  n++;
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${involved.name}.${n}`, namespace: involved.namespace ?? 'default' },
    involvedObject: involved,
    reason,
    message: `${reason} message`,
    type: 'Normal',
    source: { component: 'kubelet', host: 'node1' },
    firstTimestamp: at(first),
    lastTimestamp: at(first),
    count: 1,
    ...extra,
  } as StoredEvent;
}

const pod: KObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', uid: 'pod-uid' },
};
const node: KObject = {
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node1', uid: 'node-uid' },
};
const podRef = { kind: 'Pod', name: 'web', namespace: 'default', uid: 'pod-uid' };

describe('findEvents (kubectl describe searchEvents)', () => {
  it('matches on name, namespace and uid; a pod search ignores the kind', () => {
    const mine = ev(podRef, 'Scheduled', 0);
    const otherKind = ev({ ...podRef, kind: 'Something' }, 'Odd', 1);
    const otherUid = ev({ ...podRef, uid: 'old-pod-uid' }, 'Killing', 2);
    const otherNs = ev({ ...podRef, namespace: 'prod' }, 'Pulled', 3);
    const objects = snapshotOf([pod, mine, otherKind, otherUid, otherNs]);
    expect(findEvents(objects.get('Event'), pod).map((e) => e.reason)).toEqual([
      'Scheduled',
      'Odd',
    ]);
  });

  it("finds a node's events by its uid and by its name used as a uid", () => {
    const byUid = ev({ kind: 'Node', name: 'node1', uid: 'node-uid' }, 'RegisteredNode', 0);
    const byName = ev({ kind: 'Node', name: 'node1', uid: 'node1' }, 'Starting', 1);
    const otherKind = ev({ kind: 'Pod', name: 'node1', uid: 'node1' }, 'Pulled', 2);
    const objects = snapshotOf([node, byUid, byName, otherKind]);
    expect(findEvents(objects.get('Event'), node).map((e) => e.reason)).toEqual([
      'RegisteredNode',
      'Starting',
    ]);
  });

  it("uses a mirror pod's static-pod uid", () => {
    const mirror: KObject = {
      ...pod,
      metadata: { ...pod.metadata, annotations: { 'kubernetes.io/config.mirror': 'static-uid' } },
    };
    const e = ev({ ...podRef, uid: 'static-uid' }, 'Pulled', 0);
    const objects = snapshotOf([mirror, e, ev(podRef, 'Scheduled', 1)]);
    expect(findEvents(objects.get('Event'), mirror).map((x) => x.reason)).toEqual(['Pulled']);
  });
});

describe('eventAge (DescribeEvents AGE)', () => {
  it.each([
    ['a single event', { firstTimestamp: at(10), lastTimestamp: at(10), count: 1 }, 70, '60s'],
    [
      'a repeated event',
      { firstTimestamp: at(0), lastTimestamp: at(180), count: 3 },
      300,
      '2m (x3 over 5m)',
    ],
    [
      'an events.k8s.io series',
      {
        eventTime: formatTimestamp(EPOCH_MS),
        series: { count: 4, lastObservedTime: at(240) },
      },
      300,
      '60s (x4 over 5m)',
    ],
    ['a missing timestamp', {}, 300, '<unknown>'],
  ])('%s', (_name, fields, now, expected) => {
    expect(eventAge(fields as Event, t(now))).toBe(expected);
  });
});

describe('buildEvents', () => {
  it('sorts by last seen, oldest first, stable for equal times, with describe columns', () => {
    const events = [
      ev(podRef, 'Started', 12),
      ev(podRef, 'Scheduled', 0, { source: {}, reportingComponent: 'default-scheduler' }),
      ev(podRef, 'BackOff', 5, {
        type: 'Warning',
        lastTimestamp: at(50),
        count: 4,
        message: '  Back-off restarting failed container  ',
      }),
      ev(podRef, 'Pulled', 12),
    ];
    const view = buildEvents(events, t(60));
    expect(view.omitted).toBe(0);
    expect(
      view.rows.map((r) => [r.type, r.reason, r.age, r.from, r.message, r.count, r.tone]),
    ).toEqual([
      ['Normal', 'Scheduled', '60s', 'default-scheduler', 'Scheduled message', 1, 'muted'],
      ['Normal', 'Started', '48s', 'kubelet', 'Started message', 1, 'muted'],
      ['Normal', 'Pulled', '48s', 'kubelet', 'Pulled message', 1, 'muted'],
      [
        'Warning',
        'BackOff',
        '10s (x4 over 55s)',
        'kubelet',
        'Back-off restarting failed container',
        4,
        'warn',
      ],
    ]);
  });

  it('keeps the newest events when there are more than the limit', () => {
    const events = [0, 1, 2, 3, 4].map((s) => ev(podRef, `R${s}`, s));
    const view = buildEvents(events, t(10), 2);
    expect(view.omitted).toBe(3);
    expect(view.rows.map((r) => r.reason)).toEqual(['R3', 'R4']);
  });
});
