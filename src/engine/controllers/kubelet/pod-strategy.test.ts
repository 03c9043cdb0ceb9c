import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import type { KObject } from '../../api/types';
import { newFixture } from '../../testing/fixture';
import { podGracefulDeleteSeconds } from './pod-strategy';

const bound: Pod = { spec: { nodeName: 'node1', containers: [] }, status: { phase: 'Running' } };

describe('pod graceful deletion (podStrategy.CheckGracefulDeleteWithOptions)', () => {
  it.each([
    ['unscheduled pod', { spec: { containers: [] } }, undefined, undefined],
    ['Succeeded pod', { ...bound, status: { phase: 'Succeeded' } }, undefined, undefined],
    ['Failed pod', { ...bound, status: { phase: 'Failed' } }, 30, undefined],
    ['grace 0', bound, 0, undefined],
    ['default', bound, undefined, 30],
    ['requested', bound, 5, 5],
    [
      'spec terminationGracePeriodSeconds',
      { ...bound, spec: { ...bound.spec, containers: [], terminationGracePeriodSeconds: 60 } },
      undefined,
      60,
    ],
  ] as Array<[string, Pod, number | undefined, number | undefined]>)(
    '%s',
    (_name, pod, requested, expected) => {
      expect(podGracefulDeleteSeconds(pod, requested)).toBe(expected);
    },
  );

  it('is installed: a bound pod is marked, an unbound one removed', () => {
    const f = newFixture();
    const mk = (name: string, nodeName?: string): Pod & KObject => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }] },
    });
    f.create(mk('bound', 'node1'));
    f.create(mk('loose'));
    const marked = f.store.delete('Pod', 'default', 'bound', { actor: 'test' });
    expect(marked.metadata.deletionGracePeriodSeconds).toBe(30);
    expect(marked.metadata.deletionTimestamp).toBe('2024-06-03T08:00:30Z');
    f.store.delete('Pod', 'default', 'loose', { actor: 'test' });
    expect(f.store.get('Pod', 'default', 'loose')).toBeUndefined();
    expect(f.store.get('Pod', 'default', 'bound')).toBeDefined();
  });
});
