import type { Event } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../api/types';
import { newFixture } from '../testing/fixture';

type StoredEvent = Event & KObject;

function setup() {
  const f = newFixture();
  const cm = f.create<KObject>({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'web', namespace: 'default' },
  });
  const kubelet = f.ctx.events.newRecorder({ component: 'kubelet', host: 'node1' });
  const other = f.ctx.events.newRecorder({ component: 'kubelet', host: 'node2' });
  const events = () => f.store.list<StoredEvent>('Event', { namespace: 'default' });
  return { f, cm, kubelet, other, events };
}

describe('EventBroadcaster', () => {
  it('aggregates by the whole key also for an object with many Events (indexed by message)', () => {
    const { cm, kubelet, other, events } = setup();
    for (let i = 0; i < 40; i++) kubelet.event(cm, 'Normal', 'Created', `Created pod: web-${i}`);
    // Repeats of early and late messages, of another source, type and field path.
    kubelet.event(cm, 'Normal', 'Created', 'Created pod: web-3');
    kubelet.event(cm, 'Normal', 'Created', 'Created pod: web-39');
    kubelet.event(cm, 'Normal', 'Created', 'Created pod: web-3');
    other.event(cm, 'Normal', 'Created', 'Created pod: web-3');
    kubelet.event(cm, 'Warning', 'Created', 'Created pod: web-3');
    kubelet.event(cm, 'Normal', 'Created', 'Created pod: web-3', 'spec.containers{web}');
    kubelet.event(cm, 'Normal', 'Other', 'Created pod: web-3');
    const all = events();
    expect(all).toHaveLength(44);
    const count = (m: string) =>
      all
        .filter((e) => e.message === m && e.type === 'Normal' && e.reason === 'Created')
        .map((e) => [e.source?.host, e.involvedObject.fieldPath ?? '', e.count]);
    expect(count('Created pod: web-3')).toEqual([
      ['node1', '', 3],
      ['node2', '', 1],
      ['node1', 'spec.containers{web}', 1],
    ]);
    expect(count('Created pod: web-39')).toEqual([['node1', '', 2]]);
    expect(count('Created pod: web-20')).toEqual([['node1', '', 1]]);
  });

  it('records an Event with the involved object, source and timestamps', () => {
    const { f, cm, kubelet, events } = setup();
    f.ctx.clock.moveTo(f.ctx.clock.now() + 1234);
    kubelet.event(cm, 'Normal', 'Pulled', 'Successfully pulled', 'spec.containers{web}');
    const [ev] = events();
    expect(ev?.metadata.name).toMatch(/^web\.[0-9a-f]{16}$/);
    expect(ev).toMatchObject({
      involvedObject: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'web',
        namespace: 'default',
        uid: cm.metadata.uid,
        resourceVersion: cm.metadata.resourceVersion,
        fieldPath: 'spec.containers{web}',
      },
      reason: 'Pulled',
      message: 'Successfully pulled',
      source: { component: 'kubelet', host: 'node1' },
      firstTimestamp: '2024-06-03T08:00:01Z',
      lastTimestamp: '2024-06-03T08:00:01Z',
      eventTime: '2024-06-03T08:00:01.234000Z',
      count: 1,
      type: 'Normal',
      reportingComponent: 'kubelet',
      reportingInstance: 'node1',
    });
    expect(Object.keys(ev?.involvedObject ?? {})).toEqual([
      'apiVersion',
      'kind',
      'name',
      'namespace',
      'uid',
      'resourceVersion',
      'fieldPath',
    ]);
  });

  it('aggregates a repeat into one Event with a growing count', () => {
    const { f, cm, kubelet, other, events } = setup();
    kubelet.event(cm, 'Warning', 'BackOff', 'Back-off restarting', 'spec.containers{web}');
    f.ctx.clock.moveTo(f.ctx.clock.now() + 10_000);
    kubelet.event(cm, 'Warning', 'BackOff', 'Back-off restarting', 'spec.containers{web}');
    // Any difference in the correlation key makes another Event.
    kubelet.event(cm, 'Warning', 'BackOff', 'Back-off restarting', 'spec.containers{sidecar}');
    kubelet.event(cm, 'Normal', 'BackOff', 'Back-off restarting', 'spec.containers{web}');
    kubelet.event(cm, 'Warning', 'BackOff', 'Back-off restarting!', 'spec.containers{web}');
    other.event(cm, 'Warning', 'BackOff', 'Back-off restarting', 'spec.containers{web}');
    expect(
      events().map((e) => [
        e.involvedObject.fieldPath,
        e.type,
        e.message,
        e.count,
        e.lastTimestamp,
      ]),
    ).toEqual([
      ['spec.containers{web}', 'Warning', 'Back-off restarting', 2, '2024-06-03T08:00:10Z'],
      ['spec.containers{sidecar}', 'Warning', 'Back-off restarting', 1, '2024-06-03T08:00:10Z'],
      ['spec.containers{web}', 'Normal', 'Back-off restarting', 1, '2024-06-03T08:00:10Z'],
      ['spec.containers{web}', 'Warning', 'Back-off restarting!', 1, '2024-06-03T08:00:10Z'],
      ['spec.containers{web}', 'Warning', 'Back-off restarting', 1, '2024-06-03T08:00:10Z'],
    ]);
  });

  it('starts a new Event when the aggregated one was deleted, and aggregates into that', () => {
    const { f, cm, kubelet, events } = setup();
    kubelet.event(cm, 'Normal', 'Killing', 'Stopping container web');
    const first = events()[0]?.metadata.name ?? '';
    f.store.delete('Event', 'default', first, { actor: 'test' });
    kubelet.event(cm, 'Normal', 'Killing', 'Stopping container web');
    kubelet.event(cm, 'Normal', 'Killing', 'Stopping container web');
    const now = events();
    expect(now.map((e) => e.count)).toEqual([2]);
    expect(now[0]?.metadata.name).not.toBe(first);
  });

  it('aggregates across recorders with the same source, and not across a new reason', () => {
    const { f, cm, kubelet, events } = setup();
    const again = f.ctx.events.newRecorder({ component: 'kubelet', host: 'node1' });
    kubelet.event(cm, 'Normal', 'Pulled', 'Container image "nginx" already present');
    again.event(cm, 'Normal', 'Pulled', 'Container image "nginx" already present');
    kubelet.event(cm, 'Normal', 'Created', 'Container image "nginx" already present');
    expect(events().map((e) => [e.reason, e.count])).toEqual([
      ['Pulled', 2],
      ['Created', 1],
    ]);
  });
});
