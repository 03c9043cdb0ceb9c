import { describe, expect, it } from 'vitest';
import type { KObject } from '../../engine';
import { faultCommand, faultOf, faultsFor } from './faults';

const obj = (annotations?: Record<string, string>): KObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
  }) as KObject;

describe('fault commands', () => {
  it.each([
    [
      { kind: 'Pod', name: 'web', namespace: 'default' },
      'refuse',
      'kubectl annotate pod web playground/fault=refuse --overwrite',
    ],
    [
      { kind: 'Pod', name: 'web', namespace: 'default' },
      'unready',
      'kubectl annotate pod web playground/fault=unready --overwrite',
    ],
    [
      { kind: 'Pod', name: 'web', namespace: 'default' },
      undefined,
      'kubectl annotate pod web playground/fault-',
    ],
    [
      { kind: 'Pod', name: 'coredns-1', namespace: 'kube-system' },
      'hang',
      'kubectl annotate pod coredns-1 -n kube-system playground/fault=hang --overwrite',
    ],
    [
      { kind: 'Pod', name: 'coredns-1', namespace: 'kube-system' },
      undefined,
      'kubectl annotate pod coredns-1 -n kube-system playground/fault-',
    ],
    [
      { kind: 'Node', name: 'node2' },
      'down',
      'kubectl annotate node node2 playground/fault=down --overwrite',
    ],
    [{ kind: 'Node', name: 'node2' }, undefined, 'kubectl annotate node node2 playground/fault-'],
  ])('%o %s → %s', (target, fault, command) => {
    expect(faultCommand(target, fault)).toBe(command);
  });

  it('offers the pod faults on pods, down on nodes, nothing elsewhere', () => {
    expect(faultsFor('Pod')).toEqual(['refuse', 'freeze', 'hang', 'crash', 'unready']);
    expect(faultsFor('Node')).toEqual(['down']);
    expect(faultsFor('Service')).toEqual([]);
  });

  it('reads the annotation', () => {
    expect(faultOf(obj({ 'playground/fault': 'freeze' }))).toBe('freeze');
    expect(faultOf(obj({ other: 'x' }))).toBe(undefined);
    expect(faultOf(obj())).toBe(undefined);
    expect(faultOf(obj({ 'playground/fault': '' }))).toBe(undefined);
  });
});
