import { describe, expect, it } from 'vitest';
import { dataplaneOf } from '../../engine';
import { lessonCluster } from '../trace/testing';
import { nodeRulesBlocks } from './network-sections';
import {
  ruleLineIndex,
  ruleOfHop,
  rulesBlockLabel,
  useRuleFocus,
  withoutCounters,
} from './rule-focus';

describe('ruleLineIndex', () => {
  const text = [
    '*nat',
    ':KUBE-SVC-A - [0:0]',
    '[3:180] -A KUBE-SVC-A -m comment --comment "x" -j KUBE-SEP-1',
    '[0:0] -A KUBE-SVC-A -j KUBE-SEP-2',
    '[1:60] -A KUBE-SVC-B -j KUBE-SEP-2',
    'COMMIT',
  ].join('\n');
  it.each<[string, { chain: string; index: number; rule: string }, number]>([
    [
      'the line equal to the rule without its counters',
      {
        chain: 'KUBE-SVC-A',
        index: 1,
        rule: '-A KUBE-SVC-A -m comment --comment "x" -j KUBE-SEP-1',
      },
      2,
    ],
    [
      'at its position in its chain',
      { chain: 'KUBE-SVC-A', index: 2, rule: '-A KUBE-SVC-A -j KUBE-SEP-2' },
      3,
    ],
    [
      'moved in its chain: found by its text',
      { chain: 'KUBE-SVC-A', index: 1, rule: '-A KUBE-SVC-A -j KUBE-SEP-2' },
      3,
    ],
    [
      'gone from the table',
      { chain: 'KUBE-SVC-A', index: 3, rule: '-A KUBE-SVC-A -j KUBE-SEP-3' },
      -1,
    ],
    [
      'not a prefix match',
      { chain: 'KUBE-SVC-B', index: 1, rule: '-A KUBE-SVC-B -j KUBE-SEP' },
      -1,
    ],
  ])('%s', (_, focus, line) => {
    expect(ruleLineIndex(text, focus)).toBe(line);
  });

  it('drops only the counters', () => {
    expect(withoutCounters('[12:720] -A OUTPUT -j KUBE-SERVICES')).toBe(
      '-A OUTPUT -j KUBE-SERVICES',
    );
    expect(withoutCounters(':OUTPUT ACCEPT [0:0]')).toBe(':OUTPUT ACCEPT [0:0]');
  });

  it("finds every rule of a real trace in its node's iptables-save -c block", () => {
    const L = lessonCluster();
    const trace = L.request({
      from: { kind: 'pod', namespace: 'default', name: 'sb' },
      url: 'http://httpd2/',
    });
    const network = dataplaneOf(L.cluster.context);
    const now = L.cluster.clock.now();
    const rules = trace.hops.filter((h) => h.chain && h.node);
    expect(rules.length).toBe(27);
    const found = rules.map((h) => {
      const obj = L.cluster.store.get('Node', '', h.node!)!;
      const blocks = nodeRulesBlocks({
        obj,
        objects: new Map(),
        now,
        scheduling: L.cluster.context.scheduling,
        network,
      });
      const block = blocks.find(
        (b) => b.type === 'code' && b.label === rulesBlockLabel(h.chain!.table),
      );
      if (block?.type !== 'code') return 'no block';
      const line = ruleLineIndex(block.text, h.chain!);
      return line < 0
        ? `missing: ${h.chain!.rule}`
        : withoutCounters(block.text.split('\n')[line]!);
    });
    expect(found).toEqual(rules.map((h) => h.chain!.rule));
  });
});

describe('marking and showing a rule', () => {
  const L = lessonCluster();
  const t = L.cluster.request({
    from: { kind: 'node', name: 'master' },
    url: `http://${L.clusterIP}/`,
  });
  const svcHop = t.hops.find((h) => h.chain?.chain.startsWith('KUBE-SVC-'))!;

  it('ruleOfHop: the rule a hop matched on its node; nothing for other hops', () => {
    expect(ruleOfHop(svcHop)).toEqual({
      node: 'master',
      table: 'nat',
      chain: svcHop.chain!.chain,
      index: svcHop.chain!.index,
      rule: svcHop.chain!.rule,
    });
    expect(ruleOfHop(t.hops[0])).toBeUndefined();
    expect(ruleOfHop(undefined)).toBeUndefined();
  });
  it('a selected hop marks its rule without going there; Show rule goes there', () => {
    const rule = ruleOfHop(svcHop)!;
    useRuleFocus.getState().mark(rule);
    const marked = useRuleFocus.getState().focus;
    expect(marked).toEqual({ ...rule, seq: 0, navigate: false });
    // Playback marks the same rule again: the focus stays the same object.
    useRuleFocus.getState().mark(rule);
    expect(useRuleFocus.getState().focus).toBe(marked);
    useRuleFocus.getState().show(rule);
    const shown = useRuleFocus.getState().focus!;
    expect(shown.navigate).toBe(true);
    expect(shown.seq).toBeGreaterThan(0);
    useRuleFocus.getState().clear();
    expect(useRuleFocus.getState().focus).toBeUndefined();
  });
});
